"""Les exports des listes de l'administration à la française (django-import-export).

- Les formats : `CsvFr`, un CSV qu'un tableur français ouvre tel quel (point-virgule, UTF-8
  avec BOM, montants « 1 234,50 », dates « 31/12/2026 ») ; `XlsxFr`, un classeur où dates et
  montants sont des nombres (format jj/mm/aaaa et # ##0,00), écrit ligne à ligne.
- Les widgets des colonnes : `Texte`, `DateFr`, `DateHeureFr`, `Montant`, `OuiNon`. Ils
  rendent des valeurs natives (date, Decimal) quand le format les garde (XLSX), du texte à la
  française sinon (CSV).
- `RessourceExport` : la base des ressources des applications (`<app>/ressources.py`).

Une cellule de texte qui commence par « = », « + », « - », « @ » serait lue comme une formule
par le tableur (=HYPERLINK(…) dans un nom) : le CSV la préfixe d'une apostrophe, le XLSX
l'écrit en texte ; les montants négatifs restent des nombres.
"""

import csv
import datetime
import io
import re
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils import timezone
from import_export import resources, widgets
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

ESPACE_INSECABLE = "\u00a0"
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")
NOMBRE_A_LA_FRANCAISE = re.compile(r"^-?[0-9\u00a0]+(,[0-9]+)?$")
FORMAT_DATE = "DD/MM/YYYY"
FORMAT_DATE_HEURE = "DD/MM/YYYY HH:MM"
FORMAT_MONTANT = "#,##0.00"
# Au-delà, Excel refuse d'ouvrir le classeur (« contenu illisible ») : la cellule est tronquée.
LONGUEUR_MAX_CELLULE = 32_767


def montant_a_la_francaise(montant):
    """Decimal("-1234.5") → « -1 234,50 » (espace insécable, sans symbole)."""
    montant = Decimal(montant).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    signe = "-" if montant < 0 else ""
    entiers, centimes = f"{abs(montant):.2f}".split(".")
    return f"{signe}{format(int(entiers), ',').replace(',', ESPACE_INSECABLE)},{centimes}"


def est_une_formule(valeur):
    """Une valeur de texte qu'un tableur prendrait pour une formule."""
    return (
        isinstance(valeur, str)
        and valeur.startswith(DEBUTS_DE_FORMULE)
        and not NOMBRE_A_LA_FRANCAISE.match(valeur)
    )


# --- Les widgets des colonnes --------------------------------------------------------------


class Texte(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DateFr(widgets.Widget):
    """Une date : « 31/12/2026 » en CSV, une date en XLSX."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        return value if kwargs.get("force_native_type") else f"{value:%d/%m/%Y}"


class DateHeureFr(widgets.Widget):
    """Un instant, à l'heure de Paris : « 31/12/2026 14:05 » en CSV, une date-heure en XLSX."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.replace(tzinfo=None, second=0, microsecond=0)
        return value if kwargs.get("force_native_type") else f"{value:%d/%m/%Y %H:%M}"


class Montant(widgets.Widget):
    """Un montant : « 1 234,50 » en CSV, un nombre (Decimal) en XLSX."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return Decimal(value).quantize(Decimal("0.01"))
        return montant_a_la_francaise(value)


class OuiNon(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "Oui" if value else "Non"


# --- La ressource de base ------------------------------------------------------------------


class RessourceExport(resources.ModelResource):
    """Une ressource d'export : seules les colonnes déclarées, dans l'ordre de `Meta.fields`.

    Chaque colonne se déclare `Field(attribute=…, column_name="En-tête", widget=…)` ; sans
    widget, la valeur est rendue en texte (`Texte`).
    """

    class Meta:
        abstract = True

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        return Texte

    def iter_queryset(self, queryset):
        """Les lignes par lots, dans l'ordre de la liste : les identifiants d'abord (une
        requête), puis chaque lot par ses identifiants, avec ses préchargements. La
        bibliothèque pagine par OFFSET, que PostgreSQL paie de plus en plus cher à mesure
        qu'on avance (et les sous-requêtes des lignes sautées avec) ; ici chaque lot coûte
        pareil, et seul un lot d'objets est en mémoire."""
        if not isinstance(queryset, QuerySet):
            yield from queryset
            return
        identifiants = list(dict.fromkeys(queryset.values_list("pk", flat=True)))
        taille = self.get_chunk_size()
        for debut in range(0, len(identifiants), taille):
            lot = identifiants[debut : debut + taille]
            objets = {objet.pk: objet for objet in queryset.filter(pk__in=lot).order_by()}
            yield from (objets[pk] for pk in lot if pk in objets)

    def export_field(self, field, instance, **kwargs):
        if field.widget.__class__ is widgets.Widget:
            field.widget = Texte()
        return super().export_field(field, instance, **kwargs)


# --- Les formats ---------------------------------------------------------------------------


class CsvFr(base_formats.CSV):
    """Le CSV d'un tableur français : point-virgule, formules neutralisées."""

    def get_title(self):
        return "csv"

    def export_data(self, dataset, **kwargs):
        flux = io.StringIO()
        ecrivain = csv.writer(flux, delimiter=";", lineterminator="\r\n")
        ecrivain.writerow(dataset.headers or [])
        for ligne in dataset:
            ecrivain.writerow(
                ["'" + cellule if est_une_formule(cellule) else cellule for cellule in ligne]
            )
        return flux.getvalue()


class XlsxFr(base_formats.XLSX):
    """Un classeur XLSX écrit ligne à ligne (openpyxl en écriture seule) : en-têtes en gras,
    dates et montants en nombres avec leur format français, textes jamais pris pour des
    formules."""

    def get_title(self):
        return "xlsx"

    def export_data(self, dataset, **kwargs):
        classeur = Workbook(write_only=True)
        feuille = classeur.create_sheet(title=(dataset.title or "Export")[:31])
        feuille.freeze_panes = "A2"
        gras = Font(bold=True)
        entetes = []
        for entete in dataset.headers or []:
            cellule = WriteOnlyCell(feuille, value=str(entete))
            cellule.font = gras
            entetes.append(cellule)
        feuille.append(entetes)
        for ligne in dataset:
            feuille.append([self._cellule(feuille, valeur) for valeur in ligne])
        flux = io.BytesIO()
        classeur.save(flux)
        return flux.getvalue()

    @staticmethod
    def _cellule(feuille, valeur):
        if isinstance(valeur, str):
            texte = ILLEGAL_CHARACTERS_RE.sub("\ufffd", valeur)[:LONGUEUR_MAX_CELLULE]
            cellule = WriteOnlyCell(feuille, value=texte)
            # Un texte reste un texte : « =HYPERLINK(…) » n'est pas une formule.
            cellule.data_type = "s"
            return cellule
        cellule = WriteOnlyCell(feuille, value=valeur)
        if isinstance(valeur, datetime.datetime):
            cellule.number_format = FORMAT_DATE_HEURE
        elif isinstance(valeur, datetime.date):
            cellule.number_format = FORMAT_DATE
        elif isinstance(valeur, Decimal):
            cellule.number_format = FORMAT_MONTANT
        return cellule


FORMATS = {"csv": CsvFr, "xlsx": XlsxFr}


def contenu_du_fichier(donnees, format_):
    """Les octets du fichier : `donnees` (un tablib.Dataset) au format donné (CSV en UTF-8
    avec BOM, que le tableur lit avec ses accents)."""
    contenu = format_.export_data(donnees)
    return contenu if format_.is_binary() else contenu.encode("utf-8-sig")
