"""L'administration des demandes des familles.

La fiche d'une demande montre côte à côte les valeurs actuelles et les valeurs demandées,
les lignes changées en évidence. Les valeurs ne se modifient pas ici : l'agent décide, il ne
réécrit pas la demande (les décisions « Valider » / « Refuser » arrivent avec leur service).
Les demandes qui touchent aux données sanitaires ne sont visibles que des agents habilités.
"""

import datetime
import json

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from demandes.models import Demande
from enfants.admin import habilite_donnees_sanitaires
from enfants.models import Enfant, FicheSanitaire, Journee, PersonneAutorisee
from familles.admin import VIDE, LectureSeuleMixin, lien_admin
from familles.models import Famille, Responsable

# Le modèle dont une demande change les champs, quand la demande ne vise pas encore de fiche
# (une création) : il sert à nommer les champs en français.
MODELE_PAR_TYPE = {
    Demande.Type.RESPONSABLE: Responsable,
    Demande.Type.CONJOINT: Responsable,
    Demande.Type.FISCALES: Famille,
    Demande.Type.CAF: Famille,
    Demande.Type.BANCAIRES: Famille,
    Demande.Type.PRELEVEMENT: Famille,
    Demande.Type.ENFANT: Enfant,
    Demande.Type.AUTORISATIONS: Enfant,
    Demande.Type.NOUVEL_ENFANT: Enfant,
    Demande.Type.PERSONNES_AUTORISEES: PersonneAutorisee,
    Demande.Type.DONNEES_SANITAIRES: FicheSanitaire,
    Demande.Type.RESERVATION: Journee,
    Demande.Type.ABSENCE: Journee,
}


def modele_de(demande):
    if demande.cible_type_id:
        modele = demande.cible_type.model_class()
        if modele is not None:
            return modele
    return MODELE_PAR_TYPE.get(demande.type)


def champ_de(modele, nom):
    if modele is None:
        return None
    try:
        return modele._meta.get_field(nom)
    except FieldDoesNotExist:
        return None


def libelle_champ(champ, nom):
    if champ is not None and hasattr(champ, "verbose_name"):
        return capfirst(champ.verbose_name)
    return capfirst(nom.replace("_", " "))


def valeur_lisible(champ, valeur):
    """Une valeur JSON telle qu'un agent la lit : « Oui », « 12/03/2017 », « Père »."""
    if valeur is None or valeur == "" or valeur == [] or valeur == {}:
        return VIDE
    if isinstance(valeur, bool):
        return "Oui" if valeur else "Non"
    if champ is not None and getattr(champ, "choices", None):
        return str(dict(champ.flatchoices).get(valeur, valeur))
    if isinstance(champ, models.DateField) and isinstance(valeur, str):
        try:
            return f"{datetime.date.fromisoformat(valeur[:10]):%d/%m/%Y}"
        except ValueError:
            return valeur
    if isinstance(valeur, list | dict):
        return json.dumps(valeur, ensure_ascii=False)
    return str(valeur)


def lignes_de(demande):
    """(libellé, valeur actuelle, valeur demandée, changée ?) pour chaque champ de la demande."""
    modele = modele_de(demande)
    actuelles = demande.valeurs_actuelles or {}
    demandees = demande.valeurs_demandees or {}
    noms = list(actuelles) + [nom for nom in demandees if nom not in actuelles]
    lignes = []
    for nom in noms:
        champ = champ_de(modele, nom)
        avant, apres = actuelles.get(nom), demandees.get(nom)
        lignes.append(
            (
                libelle_champ(champ, nom),
                valeur_lisible(champ, avant),
                valeur_lisible(champ, apres) if nom in demandees else VIDE,
                nom in demandees and avant != apres,
            )
        )
    return lignes


@admin.register(Demande)
class DemandeAdmin(LectureSeuleMixin, admin.ModelAdmin):
    # Une demande vient d'une famille et ne se réécrit pas : on la consulte, on la décidera.
    list_display = (
        "date_demande",
        "famille_lien",
        "type",
        "enfant",
        "changements",
        "statut",
        "decidee_par",
        "decidee_le",
    )
    list_filter = ("statut", "type", "date_demande")
    list_select_related = ("famille", "enfant", "decidee_par", "cible_type")
    search_fields = (
        "famille__numero",
        "famille__responsables__nom",
        "famille__responsables__prenom",
        "enfant__nom",
        "enfant__prenom",
    )
    date_hierarchy = "date_demande"
    ordering = ("-date_demande",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("type", "statut"),
                    "famille_lien",
                    "enfant_lien",
                    "fiche_visee",
                    ("demandeur", "date_demande"),
                    "commentaire",
                )
            },
        ),
        ("Valeurs actuelles et demandées", {"fields": ("comparaison",)}),
        ("Décision", {"fields": (("decidee_par", "decidee_le"), "motif_refus")}),
    )
    readonly_fields = (
        "type",
        "statut",
        "famille_lien",
        "enfant_lien",
        "fiche_visee",
        "demandeur",
        "date_demande",
        "commentaire",
        "comparaison",
        "decidee_par",
        "decidee_le",
        "motif_refus",
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("famille__responsables")
        if not habilite_donnees_sanitaires(request.user):
            queryset = queryset.exclude(type=Demande.Type.DONNEES_SANITAIRES)
        return queryset

    @admin.display(description="famille", ordering="famille__numero")
    def famille_lien(self, obj):
        return lien_admin(obj.famille)

    @admin.display(description="enfant")
    def enfant_lien(self, obj):
        return lien_admin(obj.enfant)

    @admin.display(description="fiche visée")
    def fiche_visee(self, obj):
        if obj.cible_type_id is None:
            return "Aucune : la demande crée une fiche."
        cible = obj.cible
        if cible is None:
            return "La fiche n'existe plus."
        return lien_admin(cible)

    @admin.display(description="champs changés")
    def changements(self, obj):
        return ", ".join(libelle for libelle, _, _, change in lignes_de(obj) if change) or VIDE

    @admin.display(description="valeurs")
    def comparaison(self, obj):
        lignes = lignes_de(obj)
        if not lignes:
            return "Aucune valeur."
        corps = format_html_join(
            "",
            '<tr{}><th scope="row">{}{}</th><td>{}</td><td>{}</td></tr>',
            (
                (
                    mark_safe(' class="modifie"') if change else "",
                    libelle,
                    mark_safe(" <small>(modifié)</small>") if change else "",
                    avant,
                    format_html("<mark><strong>{}</strong></mark>", apres) if change else apres,
                )
                for libelle, avant, apres, change in lignes
            ),
        )
        return format_html(
            '<table class="comparaison-demande">'
            "<caption>{} : les lignes marquées « modifié » sont celles que la famille "
            "demande de changer.</caption>"
            '<thead><tr><th scope="col">Champ</th><th scope="col">Valeur actuelle</th>'
            '<th scope="col">Valeur demandée</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            obj.get_type_display(),
            corps,
        )
