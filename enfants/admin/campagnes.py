"""Les campagnes de réservation dans l'administration : leur fenêtre, leur mode, l'attribution
des places à la clôture et, pour chaque famille, ce qu'elle a obtenu et pourquoi."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from enfants import regles, taches
from enfants.models import Campagne, Journee, ResultatAttribution
from familles.admin.outils import VIDE, LectureSeuleMixin, lien_admin
from travaux.admin import message_travail_lance


class ResultatAttributionInline(LectureSeuleMixin, admin.TabularInline):
    model = ResultatAttribution
    extra = 0
    can_delete = False
    ordering = ("rang",)
    fields = (
        "rang",
        "famille_lien",
        "rang_tirage",
        "priorites_en_clair",
        "jours_accordes",
        "jours_en_attente",
        "detail_en_clair",
    )
    readonly_fields = fields
    verbose_name_plural = "résultat de l'attribution, famille par famille (dans l'ordre du rang)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("famille")

    @admin.display(description="famille")
    def famille_lien(self, obj):
        return lien_admin(obj.famille)

    @admin.display(description="priorités obtenues")
    def priorites_en_clair(self, obj):
        return ", ".join(obj.priorites) or "aucune"

    @admin.display(description="jours demandés et leur issue")
    def detail_en_clair(self, obj):
        return format_html_join(
            "",
            "<div>{} — {} ({}) : {}</div>",
            (
                (
                    f"{datetime.date.fromisoformat(ligne['date']):%d/%m/%Y}",
                    ligne["enfant"],
                    ligne["prestation"],
                    ligne["issue"],
                )
                for ligne in obj.detail
            ),
        )


@admin.register(Campagne)
class CampagneAdmin(admin.ModelAdmin):
    list_display = ("nom", "jours", "mode", "ouverture", "cloture", "etat")
    list_filter = ("mode",)
    search_fields = ("nom",)
    filter_horizontal = ("prestations",)
    actions = ("attribuer_les_places",)
    inlines = (ResultatAttributionInline,)
    fieldsets = (
        (None, {"fields": ("nom", "prestations", ("date_debut", "date_fin"), "mode")}),
        (
            "Fenêtre des demandes",
            {
                "fields": (
                    "ouverture",
                    "ouverture_residents",
                    "communes_residentes",
                    "cloture",
                )
            },
        ),
        (
            "Annulation des jours de la campagne",
            {"fields": ("annulation_delai_jours", "annulation_heure_limite")},
        ),
        (
            "Attribution équitable (mode « attribution à la clôture »)",
            {
                "fields": (
                    "priorite_parents_travaillant",
                    "priorite_residents",
                    "fratries_ensemble",
                    "graine",
                    "attribuee_le",
                    "explication",
                    "listes_d_attente",
                ),
                "description": (
                    "À la clôture, les familles sont rangées par les priorités cochées (dans "
                    "cet ordre), puis par le tirage au sort de la graine ; les places de "
                    "chaque jour vont dans ce rang, le reste en liste d'attente dans le même "
                    "ordre. La tâche planifiée <code>allouer_campagnes_closes</code> le fait "
                    "après la clôture ; « Attribuer les places » (actions de la liste, un "
                    "travail de fond) ou <code>manage.py allouer_campagne &lt;n°&gt;</code> "
                    "aussi, une seule fois ; <code>--tirage</code> rejoue le tirage pour le "
                    "vérifier."
                ),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        champs = ["attribuee_le", "explication", "listes_d_attente"]
        if obj is not None and obj.attribuee_le is not None:
            champs += ["mode", "graine", "priorite_parents_travaillant", "priorite_residents"]
            champs += ["fratries_ensemble", "cloture"]
        return champs

    @admin.display(description="jours")
    def jours(self, obj):
        return f"{obj.date_debut:%d/%m/%Y} – {obj.date_fin:%d/%m/%Y}"

    @admin.display(description="état")
    def etat(self, obj):
        maintenant = timezone.now()
        if obj.attribuee_le:
            return f"Places attribuées le {timezone.localtime(obj.attribuee_le):%d/%m/%Y %H:%M}"
        premiere = obj.ouverture_residents or obj.ouverture
        if maintenant < premiere:
            return "À venir"
        if maintenant < obj.cloture:
            return "Demandes ouvertes"
        if obj.attribution:
            return "Close : places à attribuer"
        return "Close"

    @admin.display(description="comment lire le résultat")
    def explication(self, obj):
        if obj is None or obj.attribuee_le is None:
            return "L'attribution n'est pas encore faite."
        return (
            f"Graine {obj.graine} : le « rang au tirage » de chaque famille vient d'elle ; le "
            "« rang d'attribution » range d'abord par priorités obtenues, puis par ce tirage. "
            "Chaque jour demandé montre son issue ci-dessous."
        )

    @admin.display(description="listes d'attente (dans l'ordre)")
    def listes_d_attente(self, obj):
        if obj is None or obj.pk is None:
            return VIDE
        attente = (
            Journee.objects.filter(
                prestation__campagnes=obj,
                date__range=(obj.date_debut, obj.date_fin),
                etat=Journee.Etat.LISTE_ATTENTE,
            )
            .select_related("enfant__famille", "prestation")
            .order_by("date", "prestation__nom", "demandee_le", "pk")
        )
        lignes, rangs = [], {}
        for journee in attente:
            cle = (journee.date, journee.prestation_id)
            rangs[cle] = rangs.get(cle, 0) + 1
            lignes.append(
                (
                    regles.jour_en_clair(journee.date),
                    journee.prestation.nom,
                    rangs[cle],
                    f"{journee.enfant.prenom} {journee.enfant.nom}",
                    journee.enfant.famille.numero,
                )
            )
        if not lignes:
            return "Personne n'est en liste d'attente."
        return format_html(
            "<table><thead><tr><th>Jour</th><th>Prestation</th><th>Rang</th><th>Enfant</th>"
            "<th>N° famille</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                lignes,
            ),
        )

    @admin.action(description="Attribuer les places (après la clôture)")
    def attribuer_les_places(self, request, queryset):
        """Un travail de fond par campagne (enfants/taches.py) : la requête revient aussitôt
        avec le lien de chacun ; une campagne refusée ou déjà attribuée le dit sans travail."""
        for campagne in queryset:
            if campagne.attribuee_le is not None:
                self.message_user(
                    request,
                    f"Les places de « {campagne.nom} » ont déjà été attribuées le "
                    f"{timezone.localtime(campagne.attribuee_le):%d/%m/%Y à %H:%M} : rien n'a "
                    "été refait.",
                    messages.WARNING,
                )
                continue
            travail = taches.travail_en_cours(campagne)
            if travail is not None:
                self.message_user(
                    request,
                    format_html(
                        '{} : déjà lancée. <a href="{}">Suivre le travail</a>.',
                        travail.titre,
                        reverse("admin:travaux_travail_change", args=[travail.pk]),
                    ),
                    messages.WARNING,
                )
                continue
            try:
                travail = taches.lancer_attribution(campagne=campagne, par=request.user)
            except ValidationError as refus:
                self.message_user(request, " ".join(refus.messages), messages.ERROR)
            else:
                self.message_user(request, message_travail_lance(travail), messages.SUCCESS)
