"""L'administration de l'accueil : structures, prestations, inscriptions."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AdminTimeWidget
from django.utils.html import format_html

from enfants import regles
from enfants.admin.outils import (
    PERMISSION_PRESENCES,
    JoursSemaineField,
    PrestationChoixMixin,
    PrestationListFilter,
    jours_abreges,
    lien_feuille_de_presence,
)
from enfants.models import (
    Inscription,
    Prestation,
    Structure,
)
from enfants.reservations import faire_avancer_les_listes
from enfants.ressources import InscriptionRessource
from familles.admin.outils import VIDE, ExporterMixin


class PrestationInline(admin.TabularInline):
    model = Prestation
    extra = 0
    show_change_link = True
    fields = (
        "nom",
        "ordre",
        "active",
        "jours_ouverture",
        "periode",
        "places",
        "validation_automatique",
    )


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ("nom", "ordre", "adresse", "telephone", "liste_prestations")
    list_editable = ("ordre",)
    search_fields = ("nom",)
    ordering = ("ordre", "nom")
    inlines = (PrestationInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("prestations")

    @admin.display(description="prestations")
    def liste_prestations(self, obj):
        return ", ".join(p.nom for p in obj.prestations.all()) or VIDE

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # Des places en plus sur une prestation de la structure : ses listes d'attente avancent.
        for prestation, _champs in getattr(formset, "changed_objects", ()):
            if isinstance(prestation, Prestation):
                faire_avancer_les_listes(prestation)


class PrestationForm(forms.ModelForm):
    jours_ouverture = JoursSemaineField(
        label="Jours d'ouverture",
        error_messages={"required": "Cochez au moins un jour d'ouverture."},
    )

    class Meta:
        model = Prestation
        fields = (
            "structure",
            "nom",
            "ordre",
            "active",
            "jours_ouverture",
            "periode",
            "places",
            "reservation_delai_jours",
            "reservation_jour_semaine",
            "reservation_heure_limite",
            "annulation_delai_jours",
            "annulation_jour_semaine",
            "annulation_heure_limite",
            "validation_automatique",
            "horizon_reservation",
            "horizon_jours",
        )
        widgets = {
            "reservation_heure_limite": AdminTimeWidget(format="%H:%M"),
            "annulation_heure_limite": AdminTimeWidget(format="%H:%M"),
        }

    def clean(self):
        donnees = super().clean()
        if (
            donnees.get("horizon_reservation") == Prestation.Horizon.JOURS
            and donnees.get("horizon_jours") is None
        ):
            self.add_error("horizon_jours", "Indiquez le nombre de jours à l'avance.")
        return donnees


DELAIS = (
    "Deux façons de fixer la limite : « N jours avant » la journée à l'heure limite (2 jours "
    "avant à 12:00 : jusqu'au lundi midi pour un mercredi), ou bien un jour de la semaine "
    "précédente (jeudi à 12:00 : jusqu'au jeudi précédent à midi). Le jour de la semaine, "
    "s'il est choisi, l'emporte sur le nombre de jours."
)


@admin.register(Prestation)
class PrestationAdmin(admin.ModelAdmin):
    form = PrestationForm
    change_form_template = "admin/enfants/prestation/change_form.html"
    list_display = (
        "nom",
        "structure",
        "ouverture",
        "delais",
        "acceptee_aussitot",
        "presences",
    )
    list_filter = ("structure", "periode", "active", "validation_automatique")
    list_select_related = ("structure",)
    search_fields = ("nom", "structure__nom")
    ordering = ("structure__ordre", "structure__nom", "ordre", "nom")
    readonly_fields = ("reservation_en_clair", "annulation_en_clair")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            # Des places en plus (ou un jour rouvert) : les listes d'attente avancent aussitôt.
            faire_avancer_les_listes(obj)

    def get_fieldsets(self, request, obj=None):
        return (
            (None, {"fields": ("structure", "nom", "ordre", "active", "frais_de_garde")}),
            (
                "Ouverture",
                {
                    "description": (
                        "La prestation accueille les jours cochés, pendant la période choisie, "
                        "sauf les jours fériés et les fermetures (menu « Fermetures »). Jours "
                        "fériés et vacances scolaires viennent du calendrier officiel "
                        "(bibliothèque holidays) ; les vacances sont celles de la zone "
                        f"{settings.ZONE_SCOLAIRE}, fixée pour tout le portail par le réglage "
                        "ZONE_SCOLAIRE du serveur (zone A pour la Savoie)."
                    ),
                    "fields": ("jours_ouverture", "periode", "places"),
                },
            ),
            (
                "Délai de réservation",
                {
                    "description": DELAIS
                    + " Après la limite, le portail refuse la réservation. Les réservations "
                    "s'ouvrent jusqu'à l'horizon choisi (par défaut la fin de l'année scolaire "
                    "suivante, le 31 août) ; au-delà, seuls les jours d'une campagne de "
                    "réservation se demandent, pendant sa fenêtre.",
                    "fields": (
                        ("reservation_delai_jours", "reservation_jour_semaine"),
                        "reservation_heure_limite",
                        "reservation_en_clair",
                        ("horizon_reservation", "horizon_jours"),
                    ),
                },
            ),
            (
                "Délai d'annulation",
                {
                    "description": DELAIS
                    + " Avant la limite, la famille annule, ou déclare une absence excusée (non "
                    "facturée) ; après, l'absence est « Absent facturé ».",
                    "fields": (
                        ("annulation_delai_jours", "annulation_jour_semaine"),
                        "annulation_heure_limite",
                        "annulation_en_clair",
                    ),
                },
            ),
            (
                "Décision",
                {
                    "description": (
                        "Cochée : une demande conforme aux règles est acceptée aussitôt. "
                        "Décochée : la journée est « en cours de traitement » et la demande "
                        "attend votre décision dans « Demandes ». Un jour complet met la "
                        "demande en liste d'attente ; elle passe, dans l'ordre, dès qu'une "
                        "place se libère, et la famille en est prévenue."
                    ),
                    "fields": ("validation_automatique",),
                },
            ),
        )

    @admin.display(description="jours", ordering="jours_ouverture")
    def jours(self, obj):
        return jours_abreges(obj.jours_ouverture)

    @admin.display(description="réservation jusqu'à")
    def reservation_en_clair(self, obj):
        return regles.delai_reservation_en_clair(obj) if obj.pk else VIDE

    @admin.display(description="annulation jusqu'à")
    def annulation_en_clair(self, obj):
        return regles.delai_annulation_en_clair(obj) if obj.pk else VIDE

    @admin.display(description="ouverture")
    def ouverture(self, obj):
        places = f"{obj.places} places par jour" if obj.places is not None else "places sans limite"
        return format_html(
            "{}<br>{}<br>{}", jours_abreges(obj.jours_ouverture), obj.get_periode_display(), places
        )

    @admin.display(description="délais")
    def delais(self, obj):
        return format_html(
            "réserver {}<br>annuler {}",
            regles.delai_reservation_en_clair(obj),
            regles.delai_annulation_en_clair(obj),
        )

    @admin.display(description="aussitôt", boolean=True, ordering="validation_automatique")
    def acceptee_aussitot(self, obj):
        return obj.validation_automatique

    @admin.display(description="présences")
    def presences(self, obj):
        return format_html('<a href="{}">Feuille de présence</a>', lien_feuille_de_presence(obj))

    def render_change_form(self, request, context, *args, **kwargs):
        context["peut_pointer"] = request.user.has_perm(PERMISSION_PRESENCES)
        return super().render_change_form(request, context, *args, **kwargs)


class InscriptionForm(forms.ModelForm):
    jours_reguliers = JoursSemaineField(
        required=False,
        label="Jours réguliers",
        help_text=(
            "Accueil « Régulier » : l'enfant a sa place ces jours-là sans les réserver (il "
            "compte dans les places du jour). Aucun jour coché : accueil à la demande."
        ),
    )

    class Meta:
        model = Inscription
        fields = (
            "enfant",
            "prestation",
            "responsable",
            "date_debut",
            "date_fin",
            "jours_reguliers",
        )

    def clean(self):
        cleaned_data = super().clean()
        enfant, responsable = cleaned_data.get("enfant"), cleaned_data.get("responsable")
        if enfant and responsable and enfant.famille_id != responsable.famille_id:
            self.add_error("responsable", "Choisissez un responsable de la famille de l'enfant.")
        return cleaned_data


@admin.register(Inscription)
class InscriptionAdmin(ExporterMixin, PrestationChoixMixin, admin.ModelAdmin):
    resource_classes = (InscriptionRessource,)
    form = InscriptionForm
    list_display = (
        "enfant",
        "famille_numero",
        "prestation",
        "responsable",
        "date_debut",
        "date_fin",
        "jours",
    )
    list_filter = (("prestation", PrestationListFilter), "prestation__structure", "date_debut")
    list_select_related = ("enfant__famille", "prestation__structure", "responsable")
    search_fields = (
        "enfant__nom",
        "enfant__prenom",
        "enfant__famille__numero",
        "responsable__nom",
    )
    date_hierarchy = "date_debut"
    ordering = (
        "enfant__nom",
        "enfant__prenom",
        "prestation__structure__ordre",
        "prestation__ordre",
    )
    autocomplete_fields = ("enfant", "responsable")

    @admin.display(description="N° famille", ordering="enfant__famille__numero")
    def famille_numero(self, obj):
        return obj.enfant.famille.numero

    @admin.display(description="jours réguliers", ordering="jours_reguliers")
    def jours(self, obj):
        return jours_abreges(obj.jours_reguliers)
