"""L'administration des enfants et de leurs données sanitaires, et la fiche famille
complétée de ses enfants.

Les données sanitaires (fiche sanitaire, vaccinations) relèvent de l'article 9 du RGPD : seuls
les agents qui ont la permission « enfants.voir_donnees_sanitaires » les voient, ailleurs comme
dans la fiche de l'enfant."""

from django import forms
from django.contrib import admin
from django.urls import path

from enfants.admin import importation
from enfants.admin.outils import (
    DonneesSanitairesMixin,
    JoursSemaineField,
    PrestationChoixMixin,
    habilite_donnees_sanitaires,
)
from enfants.models import (
    Enfant,
    FicheSanitaire,
    Inscription,
    PersonneAutorisee,
    Vaccination,
)
from enfants.ressources import EnfantRessource, FamilleAvecEnfantsRessource
from familles.admin import familles as familles_admin
from familles.admin.outils import VIDE, ExporterMixin, HistoriqueAdmin, lien_admin
from familles.models import Famille, Responsable

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
    """La fiche famille de familles/admin/familles.py, avec la liste de ses enfants."""

    inlines = (*familles_admin.FamilleAdmin.inlines, EnfantDeLaFamilleInline)
    resource_classes = (FamilleAvecEnfantsRessource,)
    import_export_change_list_template = "admin/familles/famille/change_list.html"
    list_display = (
        *familles_admin.FamilleAdmin.list_display[:3],
        "liste_enfants",
        *familles_admin.FamilleAdmin.list_display[3:],
    )
    search_fields = (*familles_admin.FamilleAdmin.search_fields, "enfants__nom", "enfants__prenom")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("enfants")

    def get_urls(self):
        return [
            path(
                "importer/",
                self.admin_site.admin_view(self.importer_view),
                name="familles_famille_importer",
            ),
            path(
                "importer/modele.<str:format_>",
                self.admin_site.admin_view(
                    lambda r, format_: importation.modele_view(self, r, format_)
                ),
                name="familles_famille_modele_import",
            ),
            *super().get_urls(),
        ]

    def importer_view(self, request):
        """« Importer des familles » : enfants/admin/importation.py."""
        return importation.importer_view(self, request)

    def modele_import_view(self, request, format_):
        return importation.modele_view(self, request, format_)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "peut_importer": importation.peut_importer(request.user),
        }
        return super().changelist_view(request, extra_context)

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
class EnfantAdmin(ExporterMixin, HistoriqueAdmin):
    resource_classes = (EnfantRessource,)
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
