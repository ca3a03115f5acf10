"""Les petites briques que les autres administrations réutilisent (`lien_admin`,
`HistoriqueAdmin`…) : `familles` est l'application de base, les autres en dépendent déjà."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from import_export.admin import ExportMixin
from import_export.forms import ExportForm
from simple_history.admin import SimpleHistoryAdmin

from commun.exports import CsvFr, XlsxFr, contenu_du_fichier

VIDE = "—"


def url_admin(obj, vue="change"):
    """L'adresse d'un objet dans l'administration, ou None s'il n'y a pas de page pour lui."""
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{vue}", args=[obj.pk])
    except NoReverseMatch:
        return None


def lien_admin(obj, texte=None):
    """Un lien vers la fiche d'un objet dans l'administration (« — » s'il n'y a pas d'objet)."""
    if obj is None:
        return VIDE
    texte = str(obj) if texte is None else texte
    url = url_admin(obj)
    return format_html('<a href="{}">{}</a>', url, texte) if url else texte


def lien_liste(modele, texte, **filtres):
    """Un lien vers la liste filtrée d'un modèle (« app.modele ») de l'administration.

    Le modèle est nommé par une chaîne : les familles n'importent pas les applications qui
    dépendent d'elles.
    """
    app_label, model_name = modele.lower().split(".")
    try:
        url = reverse(f"admin:{app_label}_{model_name}_changelist")
    except NoReverseMatch:
        return None
    if filtres:
        url += "?" + "&".join(f"{cle}={valeur}" for cle, valeur in filtres.items())
    return format_html('<a href="{}">{}</a>', url, texte)


class LectureSeuleMixin:
    """Ce qu'on consulte sans jamais l'écrire à la main : ni ajout, ni modification, ni
    suppression, pour personne (superutilisateurs compris). Vaut pour un admin et un inline."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoriqueAdmin(SimpleHistoryAdmin):
    """L'historique de simple_history, sans retour arrière pour qui ne peut que consulter.

    simple_history enregistre le formulaire d'une version passée (« Rétablir ») sans vérifier
    le droit de modifier : on le vérifie ici.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if (
                obj is None
                or not self.has_change_permission(request, obj)
                or self.revert_disabled(request, obj)
            ):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class FormatExportForm(ExportForm):
    """Le choix du format, CSV d'abord (sans la ligne vide « --- »), en français."""

    def _init_formats(self, formats):
        super()._init_formats(formats)
        champ = self.fields["format"]
        champ.choices = [(str(i), f().get_title().upper()) for i, f in enumerate(formats)]
        champ.initial = "0"
        champ.help_text = (
            "CSV : s'ouvre dans tout tableur (point-virgule, montants « 1 234,50 »). XLSX : "
            "un classeur où dates et montants sont des nombres. La liste est exportée telle "
            "qu'elle est filtrée."
        )


class ExporterMixin(ExportMixin):
    """Le bouton « Exporter » d'une liste : la liste telle qu'elle est filtrée (recherche,
    filtres, dates), en CSV ou en XLSX à la française (commun/exports.py), avec les colonnes
    de `resource_classes` (`<app>/ressources.py`).

    Exporter demande le droit de consulter la liste (IMPORT_EXPORT_EXPORT_PERMISSION_CODE) ;
    l'administration n'est ouverte qu'au personnel.
    """

    formats = (CsvFr, XlsxFr)
    # Le choix du format seul : le formulaire aux colonnes à cocher de la bibliothèque porte un
    # script en ligne, que la politique de sécurité du contenu refuse.
    export_form_class = FormatExportForm

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        # Les valeurs natives (dates, montants en nombres) pour les classeurs, du texte à la
        # française pour le CSV.
        donnees = self.get_data_for_export(
            request, queryset, force_native_type=file_format.is_binary(), **kwargs
        )
        donnees.title = str(self.model._meta.verbose_name_plural).capitalize()
        return contenu_du_fichier(donnees, file_format)

    def get_export_filename(self, request, queryset, file_format):
        nom = slugify(str(self.model._meta.verbose_name_plural))
        return f"{nom}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"


def reponse_fichier(donnees, format_, nom):
    """La réponse qui fait télécharger `donnees` (tablib.Dataset) au format donné, sous le nom
    « <nom>.<extension> » (ASCII)."""
    response = HttpResponse(contenu_du_fichier(donnees, format_), content_type=format_.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{nom}.{format_.get_extension()}"'
    return response
