"""L'administration des enfants, de leurs données sanitaires et de l'accueil (structures,
prestations, inscriptions, journées, fermetures).

Les données sanitaires (fiche sanitaire, vaccinations) relèvent de l'article 9 du RGPD : seuls
les agents qui ont la permission « enfants.voir_donnees_sanitaires » les voient, ailleurs comme
dans la fiche de l'enfant.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTimeWidget
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from enfants import presences, regles
from enfants.models import (
    Enfant,
    Fermeture,
    FicheSanitaire,
    Inscription,
    Jour,
    Journee,
    PersonneAutorisee,
    Prestation,
    Structure,
    Vaccination,
)
from enfants.services import familles_inscrites
from familles.admin import familles as familles_admin
from familles.admin.familles import VIDE, HistoriqueAdmin, lien_admin
from familles.models import Famille, Message, Responsable

PERMISSION_SANITAIRE = "enfants.voir_donnees_sanitaires"


def habilite_donnees_sanitaires(user):
    return user.has_perm(PERMISSION_SANITAIRE)


def jours_abreges(jours):
    """« 1245 » → « Lu, Ma, Je, Ve », comme l'en-tête du planning."""
    return ", ".join(Jour(int(c)).label[:2].capitalize() for c in jours) or VIDE


class JoursWidget(forms.CheckboxSelectMultiple):
    class Media:
        css = {"all": ("css/admin_jours.css",)}


class JoursSemaineField(forms.MultipleChoiceField):
    """Des cases à cocher lundi … dimanche pour un champ texte « 1234567 » (jours d'ouverture
    d'une prestation, jours réguliers d'une inscription)."""

    def __init__(self, *, abrege=False, **kwargs):
        choix = [(str(jour.value), jour.label.capitalize()) for jour in Jour]
        if abrege:
            choix = [(valeur, libelle[:2]) for valeur, libelle in choix]
        kwargs.setdefault("widget", JoursWidget(attrs={"class": "jours"}))
        super().__init__(choices=choix, **kwargs)

    def prepare_value(self, value):
        return list(value) if isinstance(value, str) else value

    def clean(self, value):
        return "".join(sorted(super().clean(value)))


PERMISSION_PRESENCES = "enfants.change_journee"


def lien_feuille_de_presence(prestation, jour=None):
    parametres = f"?prestation={prestation.pk}"
    if jour is not None:
        parametres += f"&date={jour:%Y-%m-%d}"
    return reverse("admin:enfants_journee_feuille_de_presence") + parametres


class PrestationListFilter(admin.RelatedFieldListFilter):
    """Le filtre par prestation, sans une requête par prestation pour nommer sa structure."""

    def field_choices(self, field, request, model_admin):
        return [(p.pk, str(p)) for p in Prestation.objects.select_related("structure")]


class PrestationChoixMixin:
    """Les listes de choix de prestations nomment leur structure sans requête de plus."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "prestation":
            kwargs["queryset"] = Prestation.objects.select_related("structure")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DonneesSanitairesMixin:
    """Réserve un modèle (ou un inline) aux agents habilités aux données sanitaires."""

    def has_view_permission(self, request, obj=None):
        return habilite_donnees_sanitaires(request.user) and super().has_view_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return habilite_donnees_sanitaires(request.user) and super().has_change_permission(
            request, obj
        )

    def has_add_permission(self, request, *args):
        return habilite_donnees_sanitaires(request.user) and super().has_add_permission(
            request, *args
        )

    def has_delete_permission(self, request, obj=None):
        return habilite_donnees_sanitaires(request.user) and super().has_delete_permission(
            request, obj
        )


# --- La fiche famille, complétée de ses enfants --------------------------------------------


class EnfantDeLaFamilleInline(admin.TabularInline):
    """Les enfants de la famille, listés ; chacun se modifie (ou s'ajoute) sur sa fiche."""

    model = Enfant
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ("prenom", "nom", "date_naissance", "ecole", "classe")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(Famille)


@admin.register(Famille)
class FamilleAdmin(familles_admin.FamilleAdmin):
    """La fiche famille de familles/admin.py, avec la liste de ses enfants."""

    inlines = (*familles_admin.FamilleAdmin.inlines, EnfantDeLaFamilleInline)
    list_display = (
        *familles_admin.FamilleAdmin.list_display[:3],
        "liste_enfants",
        *familles_admin.FamilleAdmin.list_display[3:],
    )
    search_fields = (*familles_admin.FamilleAdmin.search_fields, "enfants__nom", "enfants__prenom")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("enfants")

    @admin.display(description="enfants")
    def liste_enfants(self, obj):
        return ", ".join(enfant.prenom for enfant in obj.enfants.all()) or VIDE


# --- Enfants et données sanitaires ---------------------------------------------------------


class PersonneAutoriseeInline(admin.TabularInline):
    model = PersonneAutorisee
    extra = 0
    classes = ("sans-titre",)
    fields = ("nom", "prenom", "lien", "telephone", "telephone_mobile")


class FicheSanitaireInline(DonneesSanitairesMixin, admin.StackedInline):
    model = FicheSanitaire
    extra = 0
    max_num = 1
    can_delete = False
    fieldsets = (
        (None, {"fields": (("medecin_nom", "medecin_telephone"),)}),
        (None, {"fields": ("allergies", "maladies")}),
        (None, {"fields": (("regime_alimentaire", "regime_precisions"),)}),
        (None, {"fields": ("pai", "pai_details", "observations")}),
    )


class VaccinationInline(DonneesSanitairesMixin, admin.TabularInline):
    model = Vaccination
    extra = 0
    classes = ("sans-titre",)
    fields = ("vaccin", "date")


class InscriptionInlineForm(forms.ModelForm):
    jours_reguliers = JoursSemaineField(
        abrege=True,
        required=False,
        label="Jours réguliers",
        help_text="Accueil régulier ces jours-là ; aucun : à la demande.",
    )

    class Meta:
        model = Inscription
        fields = ("prestation", "responsable", "date_debut", "date_fin", "jours_reguliers")


class InscriptionInline(PrestationChoixMixin, admin.TabularInline):
    model = Inscription
    form = InscriptionInlineForm
    extra = 0
    classes = ("sans-titre",)
    fields = ("prestation", "responsable", "date_debut", "date_fin", "jours_reguliers")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("prestation__structure", "responsable")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        champs = formset.form.base_fields
        # Le responsable d'une inscription est l'un de ceux de la famille de l'enfant.
        champs["responsable"].queryset = (
            Responsable.objects.filter(famille_id=obj.famille_id)
            if obj is not None
            else Responsable.objects.none()
        )
        # Une ligne par inscription, sans les boutons d'ajout et de modification des
        # prestations et des responsables, qui ont leurs propres pages.
        for nom in ("prestation", "responsable"):
            widget = champs[nom].widget
            widget.can_add_related = widget.can_change_related = widget.can_view_related = False
        return formset


@admin.register(Enfant)
class EnfantAdmin(HistoriqueAdmin):
    list_display = (
        "nom",
        "prenom",
        "famille_lien",
        "sexe",
        "date_naissance",
        "ecole",
        "classe",
        "porte_lunettes",
    )
    list_display_links = ("nom", "prenom")
    list_filter = ("sexe", "classe", "ecole", "porte_lunettes")
    list_select_related = ("famille",)
    search_fields = ("nom", "prenom", "famille__numero", "famille__responsables__nom")
    ordering = ("nom", "prenom")
    autocomplete_fields = ("famille",)
    readonly_fields = ("date_creation",)
    fieldsets = (
        (None, {"fields": ("famille",)}),
        (
            "Identité",
            {
                "fields": (
                    ("prenom", "nom", "sexe"),
                    ("date_naissance", "lieu_naissance"),
                    ("ecole", "classe"),
                    "porte_lunettes",
                )
            },
        ),
        (
            "Autorisations",
            {
                "fields": (
                    ("autorisation_photo", "autorisation_sortie_seul"),
                    ("autorisation_transport", "autorisation_soins"),
                )
            },
        ),
        (None, {"fields": ("date_creation",)}),
    )
    inlines = (PersonneAutoriseeInline, InscriptionInline, FicheSanitaireInline, VaccinationInline)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("famille__responsables")

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if habilite_donnees_sanitaires(request.user):
            return inlines
        return [inline for inline in inlines if not issubclass(inline, DonneesSanitairesMixin)]

    @admin.display(description="famille", ordering="famille__numero")
    def famille_lien(self, obj):
        return lien_admin(obj.famille)


@admin.register(FicheSanitaire)
class FicheSanitaireAdmin(DonneesSanitairesMixin, HistoriqueAdmin):
    list_display = ("enfant", "famille_numero", "medecin_nom", "regime_alimentaire", "pai")
    list_filter = ("regime_alimentaire", "pai")
    list_select_related = ("enfant__famille",)
    search_fields = ("enfant__nom", "enfant__prenom", "enfant__famille__numero", "medecin_nom")
    ordering = ("enfant__nom", "enfant__prenom")
    autocomplete_fields = ("enfant",)
    fieldsets = ((None, {"fields": ("enfant",)}),) + FicheSanitaireInline.fieldsets

    @admin.display(description="N° famille", ordering="enfant__famille__numero")
    def famille_numero(self, obj):
        return obj.enfant.famille.numero


@admin.register(Vaccination)
class VaccinationAdmin(DonneesSanitairesMixin, HistoriqueAdmin):
    list_display = ("vaccin", "date", "enfant", "famille_numero")
    list_filter = ("vaccin",)
    list_select_related = ("enfant__famille",)
    search_fields = ("vaccin", "enfant__nom", "enfant__prenom", "enfant__famille__numero")
    date_hierarchy = "date"
    ordering = ("enfant__nom", "enfant__prenom", "date")
    autocomplete_fields = ("enfant",)

    @admin.display(description="N° famille", ordering="enfant__famille__numero")
    def famille_numero(self, obj):
        return obj.enfant.famille.numero


@admin.register(PersonneAutorisee)
class PersonneAutoriseeAdmin(HistoriqueAdmin):
    list_display = (
        "nom",
        "prenom",
        "lien",
        "enfant",
        "famille_numero",
        "telephone",
        "telephone_mobile",
    )
    list_display_links = ("nom", "prenom")
    list_select_related = ("enfant__famille",)
    search_fields = ("nom", "prenom", "enfant__nom", "enfant__prenom", "enfant__famille__numero")
    ordering = ("nom", "prenom")
    autocomplete_fields = ("enfant",)

    @admin.display(description="N° famille", ordering="enfant__famille__numero")
    def famille_numero(self, obj):
        return obj.enfant.famille.numero


# --- L'accueil : structures, prestations, inscriptions, journées, fermetures -----------------


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

    def get_fieldsets(self, request, obj=None):
        return (
            (None, {"fields": ("structure", "nom", "ordre", "active")}),
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
class InscriptionAdmin(PrestationChoixMixin, admin.ModelAdmin):
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


class ChoixFeuilleForm(forms.Form):
    prestation = forms.ModelChoiceField(
        Prestation.objects.select_related("structure"),
        label="Prestation",
        error_messages={
            "required": "Choisissez la prestation.",
            "invalid_choice": "Choisissez la prestation.",
        },
    )
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date.", "invalid": "Indiquez une date valide."},
    )


class FeuilleDePresenceForm(forms.Form):
    """Un groupe de boutons Présent / Absent excusé / Absent facturé par enfant attendu."""

    def __init__(self, *args, lignes, **kwargs):
        super().__init__(*args, **kwargs)
        self.lignes = lignes
        choix = [(etat.value, etat.label) for etat in presences.ETATS_DE_PRESENCE]
        for ligne in lignes:
            self.fields[self.nom(ligne)] = forms.ChoiceField(
                label=f"{ligne.enfant.prenom} {ligne.enfant.nom}",
                choices=choix,
                required=False,
                initial=ligne.etat if ligne.etat in presences.ETATS_DE_PRESENCE else None,
                widget=forms.RadioSelect(attrs={"class": "radiolist inline"}),
            )

    @staticmethod
    def nom(ligne):
        return f"enfant_{ligne.enfant.pk}"

    def lignes_et_champs(self):
        return [(ligne, self[self.nom(ligne)]) for ligne in self.lignes]

    def etats(self):
        return {
            ligne.enfant.pk: self.cleaned_data[self.nom(ligne)]
            for ligne in self.lignes
            if self.cleaned_data.get(self.nom(ligne))
        }


def resume_des_presences(decompte, total):
    """« 12 présents, 1 absent excusé, 0 absent facturé » (et les enfants non pointés)."""
    morceaux = []
    for etat, singulier, pluriel in (
        (Journee.Etat.PRESENT, "présent", "présents"),
        (Journee.Etat.ABSENT_EXCUSE, "absent excusé", "absents excusés"),
        (Journee.Etat.ABSENT_FACTURE, "absent facturé", "absents facturés"),
    ):
        nombre = decompte.get(etat, 0)
        morceaux.append(f"{nombre} {pluriel if nombre > 1 else singulier}")
    resume = ", ".join(morceaux)
    sans_etat = total - sum(decompte.values())
    if sans_etat:
        resume += f" ; {sans_etat} enfant{'s' if sans_etat > 1 else ''} sans présence notée"
    return resume


@admin.register(Journee)
class JourneeAdmin(PrestationChoixMixin, HistoriqueAdmin):
    list_display = (
        "date",
        "enfant",
        "famille_numero",
        "prestation",
        "etat",
        "reservee",
        "demandee_le",
        "modifiee_par",
    )
    list_filter = ("etat", ("prestation", PrestationListFilter), "date", "reservee")
    list_select_related = ("enfant__famille", "prestation__structure", "modifiee_par")
    search_fields = ("enfant__nom", "enfant__prenom", "enfant__famille__numero")
    date_hierarchy = "date"
    # À jour et prestation égaux, l'ordre des demandes : celui de la liste d'attente.
    ordering = (
        "-date",
        "prestation__structure__ordre",
        "prestation__ordre",
        "demandee_le",
        "enfant__nom",
    )
    autocomplete_fields = ("enfant",)
    readonly_fields = ("demandee_le", "modifiee_par", "modifiee_le")
    fields = ("enfant", "prestation", "date", "etat", "reservee", "motif", *readonly_fields)
    change_list_template = "admin/enfants/journee/change_list.html"

    @admin.display(description="N° famille", ordering="enfant__famille__numero")
    def famille_numero(self, obj):
        return obj.enfant.famille.numero

    def save_model(self, request, obj, form, change):
        obj.modifiee_par = request.user
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "peut_pointer": request.user.has_perm(PERMISSION_PRESENCES),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "feuille-de-presence/",
                self.admin_site.admin_view(self.feuille_de_presence_view),
                name="enfants_journee_feuille_de_presence",
            ),
            *super().get_urls(),
        ]

    def feuille_de_presence_view(self, request):
        """« Feuille de présence » : les enfants attendus d'une prestation un jour donné
        (aujourd'hui par défaut), pointés Présent / Absent excusé / Absent facturé d'un coup."""
        if not request.user.has_perm(PERMISSION_PRESENCES):
            raise PermissionDenied
        aujourd_hui = timezone.localdate()
        choix = ChoixFeuilleForm(
            {
                "prestation": request.GET.get("prestation", ""),
                "date": request.GET.get("date") or f"{aujourd_hui:%Y-%m-%d}",
            }
            if "prestation" in request.GET
            else None,
            initial={"date": aujourd_hui},
        )
        contexte = {
            **self.admin_site.each_context(request),
            "title": "Feuille de présence",
            "opts": self.opts,
            "choix": choix,
        }
        if choix.is_bound and choix.is_valid():
            prestation, jour = choix.cleaned_data["prestation"], choix.cleaned_data["date"]
            lignes = presences.feuille_de_presence(prestation=prestation, jour=jour)
            feuille = FeuilleDePresenceForm(
                request.POST if request.method == "POST" else None, lignes=lignes
            )
            if request.method == "POST" and feuille.is_valid():
                decompte = presences.enregistrer_presences(
                    prestation=prestation, jour=jour, etats=feuille.etats(), par=request.user
                )
                self.message_user(
                    request,
                    f"Feuille de présence du {regles.jour_en_clair(jour)} {jour.year} "
                    f"enregistrée : {resume_des_presences(decompte, len(lignes))}.",
                    messages.SUCCESS,
                )
                return redirect(lien_feuille_de_presence(prestation, jour))
            un_jour = datetime.timedelta(days=1)
            contexte.update(
                title=f"Feuille de présence — {prestation}",
                prestation=prestation,
                jour=jour,
                jour_en_clair=f"{regles.jour_en_clair(jour).capitalize()} {jour.year}",
                fermeture=regles.raison_de_fermeture(
                    prestation,
                    jour,
                    Fermeture.objects.filter(date_debut__lte=jour, date_fin__gte=jour),
                ),
                feuille=feuille,
                veille=lien_feuille_de_presence(prestation, jour - un_jour),
                lendemain=lien_feuille_de_presence(prestation, jour + un_jour),
            )
        return TemplateResponse(request, "admin/enfants/feuille_de_presence.html", contexte)


@admin.register(Fermeture)
class FermetureAdmin(PrestationChoixMixin, admin.ModelAdmin):
    list_display = ("date_debut", "date_fin", "concerne", "motif")
    list_filter = ("structure", ("prestation", PrestationListFilter))
    list_select_related = ("structure", "prestation__structure")
    search_fields = ("motif", "structure__nom", "prestation__nom")
    date_hierarchy = "date_debut"
    ordering = ("-date_debut",)
    fields = ("structure", "prestation", "date_debut", "date_fin", "motif")

    @admin.display(description="fermé")
    def concerne(self, obj):
        return str(obj.prestation or obj.structure or "Tout le service")


# --- Écrire aux familles (Boîte de réception) -------------------------------------------------
# La page « Écrire aux familles » est celle de familles/admin.py ; choisir les familles d'une
# structure ou d'une prestation demande les inscriptions, qui sont ici : on l'y ajoute, comme
# la liste des enfants à la fiche famille.


class EcrireAuxFamillesForm(familles_admin.EcrireAuxFamillesForm):
    CHOIX = (
        *familles_admin.EcrireAuxFamillesForm.CHOIX,
        ("structure", "Les familles d'une structure"),
        ("prestation", "Les familles d'une prestation"),
    )

    structure = forms.ModelChoiceField(
        Structure.objects.all(),
        label="Structure",
        required=False,
        error_messages={"required": "Choisissez la structure."},
    )
    prestation = forms.ModelChoiceField(
        Prestation.objects.select_related("structure"),
        label="Prestation",
        required=False,
        error_messages={"required": "Choisissez la prestation."},
    )
    field_order = ("destinataires", "famille", "structure", "prestation", "sujet", "corps")

    def familles(self, *, au):
        choix, valeur = self.choix
        if choix in ("structure", "prestation"):
            return familles_inscrites(**{choix: valeur}, au=au)
        return super().familles(au=au)


admin.site.unregister(Message)


@admin.register(Message)
class MessageAdmin(familles_admin.MessageAdmin):
    """Les messages de familles/admin.py ; « Écrire aux familles » choisit aussi par structure
    et par prestation."""

    ecrire_form = EcrireAuxFamillesForm
