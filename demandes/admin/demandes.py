"""L'administration des demandes des familles : les voir, les décider.

La fiche d'une demande montre côte à côte les valeurs actuelles et les valeurs demandées,
les lignes changées en évidence. Les valeurs ne se réécrivent pas ici : l'agent décide
(« Valider », « Refuser » avec un motif), sur une demande ou sur une sélection, et chaque
décision passe par le service (demandes/services.py), qui applique, date et prévient.
Les demandes qui touchent aux données sanitaires ne sont visibles que des agents habilités.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from demandes.admin.dossier import apercu_piece
from demandes.decisions import refuser_demande, valider_demande
from demandes.forms import MotifRefusForm
from demandes.lecture import lignes_de
from demandes.models import Demande
from demandes.ressources import DemandeRessource
from demandes.services import DemandeImpossible
from dossiers.documents import piece_de
from dossiers.models import PieceDossier
from enfants.admin.outils import habilite_donnees_sanitaires
from familles.admin.outils import VIDE, ExporterMixin, LectureSeuleMixin, lien_admin
from familles.models import Responsable

PERMISSION_DECIDER = "demandes.change_demande"


def pluriel(nombre, un, plusieurs):
    """« 1 demande validée », « 3 demandes validées »."""
    return f"{nombre} {un if nombre <= 1 else plusieurs}"


class FamilleFilter(admin.SimpleListFilter):
    """Les familles qui ont fait au moins une demande, par N° et nom."""

    title = "famille"
    parameter_name = "famille__id__exact"

    def lookups(self, request, model_admin):
        # Une requête : le titulaire de chaque famille qui a fait une demande.
        titulaires = (
            Responsable.objects.filter(
                role=Responsable.Role.TITULAIRE, famille__demandes__isnull=False
            )
            .distinct()
            .order_by("famille__numero")
            .values_list("famille_id", "famille__numero", "nom", "prenom")
        )
        return [
            (str(pk), f"{nom} {prenom} ({numero})".upper())
            for pk, numero, nom, prenom in titulaires
        ]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(famille_id=self.value())
        return queryset


@admin.register(Demande)
class DemandeAdmin(ExporterMixin, LectureSeuleMixin, admin.ModelAdmin):
    resource_classes = (DemandeRessource,)
    # Une demande vient d'une famille et ne se réécrit pas : on la consulte, on la décide.
    list_display = (
        "date_demande",
        "famille_lien",
        "type",
        "statut",
        "changements",
        "enfant",
        "decidee_par",
        "decidee_le",
    )
    list_filter = ("statut", "type", FamilleFilter, "date_demande")
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
    actions = ("valider_selection", "refuser_selection")
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
        "document",
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("famille__responsables")
        if not habilite_donnees_sanitaires(request.user):
            queryset = queryset.exclude(type=Demande.Type.DONNEES_SANITAIRES).exclude(
                type=Demande.Type.DOCUMENT,
                cible_id__in=PieceDossier.objects.filter(
                    type_document__donnees_sanitaires=True
                ).values("pk"),
            )
        return queryset

    def get_fieldsets(self, request, obj=None):
        """Une demande « Document du dossier » montre le document déposé (la visionneuse) à la
        place de la comparaison des valeurs."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.type == Demande.Type.DOCUMENT:
            premier, _comparaison, *decision = fieldsets
            return (premier, ("Document déposé", {"fields": ("document",)}), *decision)
        return fieldsets

    def has_decider_permission(self, request, obj=None):
        """Décider (valider, refuser) : le droit de modifier les demandes."""
        return request.user.has_perm(PERMISSION_DECIDER)

    def get_urls(self):
        vue = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/valider/",
                vue(self.valider_view),
                name="demandes_demande_valider",
            ),
            path(
                "<path:object_id>/refuser/",
                vue(self.refuser_view),
                name="demandes_demande_refuser",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        demande = self.get_object(request, unquote(object_id))
        peut_decider = (
            demande is not None and demande.est_en_attente and self.has_decider_permission(request)
        )
        extra_context = {
            **(extra_context or {}),
            "peut_decider": peut_decider,
            "motif_form": MotifRefusForm() if peut_decider else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- Décider une demande -------------------------------------------------------------

    def _demande_a_decider(self, request, object_id):
        if not self.has_decider_permission(request):
            raise PermissionDenied
        demande = self.get_object(request, unquote(object_id))
        if demande is None:
            raise Http404("Cette demande n'existe pas.")
        return demande

    def valider_view(self, request, object_id):
        """« Valider » : applique la demande à la fiche et prévient la famille."""
        demande = self._demande_a_decider(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            valider_demande(demande=demande, agent=request.user)
        except DemandeImpossible as erreur:
            self.message_user(request, erreur.message, messages.ERROR)
        else:
            self.message_user(
                request,
                f"Demande validée : la fiche est modifiée et la famille {demande.famille} "
                "est prévenue.",
                messages.SUCCESS,
            )
        return redirect("admin:demandes_demande_change", demande.pk)

    def refuser_view(self, request, object_id):
        """« Refuser » : avec un motif, obligatoire, que la famille lira."""
        demande = self._demande_a_decider(request, object_id)
        if not demande.est_en_attente:
            self.message_user(
                request,
                "Cette demande n'est plus en attente : elle est "
                f"« {demande.get_statut_display()} ».",
                messages.ERROR,
            )
            return redirect("admin:demandes_demande_change", demande.pk)
        form = MotifRefusForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                refuser_demande(
                    demande=demande, agent=request.user, motif=form.cleaned_data["motif"]
                )
            except DemandeImpossible as erreur:
                self.message_user(request, erreur.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Demande refusée : la famille {demande.famille} est prévenue du motif.",
                    messages.SUCCESS,
                )
            return redirect("admin:demandes_demande_change", demande.pk)
        return self._page_refus(request, [demande], form, selection=False)

    @admin.action(description="Valider les demandes sélectionnées", permissions=["decider"])
    def valider_selection(self, request, queryset):
        self._decider_selection(request, queryset)

    @admin.action(description="Refuser les demandes sélectionnées", permissions=["decider"])
    def refuser_selection(self, request, queryset):
        """Une page intermédiaire demande le motif, commun aux demandes sélectionnées."""
        form = MotifRefusForm(request.POST if "motif" in request.POST else None)
        if not form.is_valid():
            return self._page_refus(request, list(queryset), form, selection=True)
        motif = form.cleaned_data["motif"]
        self._decider_selection(request, queryset, motif=motif)
        return None

    def _decider_selection(self, request, demandes, *, motif=None):
        """Valide chaque demande, ou la refuse quand un `motif` est donné (chacune dans sa
        transaction), et résume : « 3 demandes validées, 1 déjà décidée »."""
        if motif is None:
            participes = ("demande validée", "demandes validées")
        else:
            participes = ("demande refusée", "demandes refusées")
        faites, deja, erreurs = 0, 0, []
        for demande in demandes:
            if not demande.est_en_attente:
                deja += 1
                continue
            try:
                if motif is None:
                    valider_demande(demande=demande, agent=request.user)
                else:
                    refuser_demande(demande=demande, agent=request.user, motif=motif)
            except DemandeImpossible as erreur:
                statut = Demande.objects.filter(pk=demande.pk).values_list("statut", flat=True)
                if statut.first() != Demande.Statut.EN_ATTENTE:
                    deja += 1
                else:
                    erreurs.append(f"{demande} : {erreur.message}")
            else:
                faites += 1
        resume = [pluriel(faites, *participes)]
        if deja:
            resume.append(pluriel(deja, "déjà décidée", "déjà décidées"))
        if erreurs:
            resume.append(pluriel(len(erreurs), "impossible", "impossibles"))
        niveau = messages.SUCCESS if not (deja or erreurs) else messages.WARNING
        self.message_user(request, ", ".join(resume) + ".", niveau if faites else messages.ERROR)
        for erreur in erreurs:
            self.message_user(request, erreur, messages.ERROR)

    def _page_refus(self, request, demandes, form, *, selection):
        contexte = {
            **self.admin_site.each_context(request),
            "title": "Refuser " + ("les demandes sélectionnées" if selection else "la demande"),
            "opts": self.opts,
            "demandes": demandes,
            "form": form,
            "selection": selection,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/demandes/demande/refuser.html", contexte)

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

    @admin.display(description="document")
    def document(self, obj):
        return apercu_piece(piece_de(obj))

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
