"""Les documents déposés par les familles, dans l'administration : ceux à vérifier d'abord,
chacun affiché dans sa page (visionneuse), et sa décision.

Vérifier un document, c'est décider la demande « Document du dossier » qui le vise : la page
de la demande montre le document et porte « Valider » / « Refuser », qui passent par le service
des demandes (valider_demande, refuser_demande) comme pour toute demande. Cette
administration vit donc dans `demandes`, qui connaît les dossiers : `dossiers` n'utilise les
demandes que pour en déposer (dossiers/documents.py, Mon dossier).
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.html import format_html

from demandes.models import Demande
from dossiers.models import PieceDossier
from enfants.admin.outils import habilite_donnees_sanitaires
from familles.admin.outils import VIDE, LectureSeuleMixin, lien_admin

TOUS = "tous"


def apercu_piece(piece):
    """Le document dans la page de l'administration : le PDF dans un cadre, l'image en
    grand, tous deux servis par la vue contrôlée (jamais par une adresse publique). Leur
    présentation est dans static/css/admin.css (aucun style en ligne)."""
    if piece is None or not piece.fichier:
        return "Aucun fichier (document retiré par la famille)."
    url = reverse("fichier_piece", args=[piece.pk])
    lien = format_html(
        '<p><a href="{}" target="_blank" rel="noopener">Ouvrir « {} » dans un nouvel onglet</a>'
        "</p>",
        url,
        piece.nom_fichier,
    )
    if piece.est_image:
        vue = format_html(
            '<img class="apercu-document" src="{}" alt="Document déposé : {}">',
            url,
            piece.type_document.nom,
        )
    else:
        vue = format_html(
            '<iframe class="apercu-document" src="{}" title="Document déposé : {}"></iframe>',
            url,
            piece.type_document.nom,
        )
    return format_html('<div class="visionneuse">{}{}{}</div>', _validite(piece), lien, vue)


def _validite(piece):
    """Ce que l'agent vérifie sur le document : sa date, et la validité qui en découle."""
    if piece.statut == PieceDossier.Statut.EN_ATTENTE:
        fin = piece.type_document.fin_de_validite(piece.date_document)
        suite = f"jusqu'au {fin:%d/%m/%Y}" if fin else "sans limite de durée"
        return format_html(
            "<p>Daté du {} selon la famille : vérifiez cette date ; accepté, il vaudra {}.</p>",
            f"{piece.date_document:%d/%m/%Y}",
            suite,
        )
    return format_html("<p>Daté du {}.</p>", f"{piece.date_document:%d/%m/%Y}")


class StatutFilter(admin.SimpleListFilter):
    """« À vérifier » par défaut : les documents en attente de décision."""

    title = "statut"
    parameter_name = "statut"

    def lookups(self, request, model_admin):
        return [
            (PieceDossier.Statut.EN_ATTENTE, "À vérifier"),
            (PieceDossier.Statut.ACCEPTEE, "Acceptés"),
            (PieceDossier.Statut.REFUSEE, "Refusés"),
            (PieceDossier.Statut.RETIREE, "Retirés par la famille"),
            (TOUS, "Tous"),
        ]

    def _valeur(self):
        return self.value() or PieceDossier.Statut.EN_ATTENTE

    def choices(self, changelist):
        for valeur, libelle in self.lookup_choices:
            yield {
                "selected": self._valeur() == valeur,
                "query_string": changelist.get_query_string({self.parameter_name: valeur}),
                "display": libelle,
            }

    def queryset(self, request, queryset):
        if self._valeur() == TOUS:
            return queryset
        return queryset.filter(statut=self._valeur())


@admin.register(PieceDossier)
class PieceDossierAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = (
        "deposee_le",
        "famille_lien",
        "type_document",
        "enfant",
        "statut",
        "valable_jusquau",
        "verifier",
    )
    list_filter = (StatutFilter, "type_document", "deposee_le")
    list_select_related = ("famille", "type_document", "enfant")
    search_fields = (
        "famille__numero",
        "famille__responsables__nom",
        "enfant__nom",
        "enfant__prenom",
    )
    ordering = ("deposee_le",)  # le plus ancien d'abord : on vérifie dans l'ordre d'arrivée
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("type_document", "statut"),
                    "famille_lien",
                    "enfant",
                    ("date_document", "deposee_le", "deposee_par"),
                    "verifier",
                )
            },
        ),
        ("Document", {"fields": ("apercu",)}),
        (
            "Décision",
            {"fields": (("decidee_par", "decidee_le"), "valable_jusquau", "motif_refus")},
        ),
    )
    readonly_fields = (
        "type_document",
        "statut",
        "famille_lien",
        "enfant",
        "date_document",
        "deposee_le",
        "deposee_par",
        "verifier",
        "apercu",
        "decidee_par",
        "decidee_le",
        "valable_jusquau",
        "motif_refus",
    )

    def get_queryset(self, request):
        demandes = Demande.objects.filter(
            type=Demande.Type.DOCUMENT,
            cible_type=ContentType.objects.get_for_model(PieceDossier),
            cible_id=OuterRef("pk"),
        )
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related("famille__responsables")
            .annotate(demande_id=Subquery(demandes.values("pk")[:1]))
        )
        if not habilite_donnees_sanitaires(request.user):
            queryset = queryset.exclude(type_document__donnees_sanitaires=True)
        return queryset

    @admin.display(description="famille", ordering="famille__numero")
    def famille_lien(self, obj):
        return lien_admin(obj.famille)

    @admin.display(description="décision")
    def verifier(self, obj):
        if obj.demande_id is None:
            return VIDE
        url = reverse("admin:demandes_demande_change", args=[obj.demande_id])
        texte = "Vérifier et décider" if obj.statut == obj.Statut.EN_ATTENTE else "Voir la demande"
        return format_html('<a href="{}#decision">{}</a>', url, texte)

    @admin.display(description="document déposé")
    def apercu(self, obj):
        return apercu_piece(obj)
