"""L'administration des familles, de leurs responsables et des comptes."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, When
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from familles import comptes
from familles.admin.outils import VIDE, ExporterMixin, HistoriqueAdmin, lien_admin, lien_liste
from familles.models import Famille, Responsable, Utilisateur
from familles.ressources import FamilleRessource, ResponsableRessource


class MotDePasseProvisoireForm(AdminPasswordChangeForm):
    """Un mot de passe donné par un agent est provisoire : le titulaire devra le changer."""

    def save(self, commit=True):
        self.user.doit_changer_mot_de_passe = True
        return super().save(commit=commit)


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    list_display = (
        "username",
        "last_name",
        "first_name",
        "email",
        "famille",
        "is_staff",
        "is_active",
        "doit_changer_mot_de_passe",
        "last_login",
    )
    list_filter = ("is_staff", "is_active", "doit_changer_mot_de_passe", "groups", "is_superuser")
    list_select_related = ("responsable__famille",)
    search_fields = (
        "username",
        "first_name",
        "last_name",
        "email",
        "responsable__famille__numero",
    )
    fieldsets = (
        (None, {"fields": ("username", "password", "doit_changer_mot_de_passe")}),
        ("Informations personnelles", {"fields": ("first_name", "last_name", "email")}),
        ("Famille", {"fields": ("famille_du_compte",)}),
        (
            "Droits",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates importantes", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "usable_password",
                    "password1",
                    "password2",
                    "doit_changer_mot_de_passe",
                ),
            },
        ),
        ("Informations personnelles", {"fields": ("first_name", "last_name", "email")}),
    )
    change_password_form = MotDePasseProvisoireForm
    # Les droits ne se donnent qu'entre superutilisateurs : un agent crée des comptes de
    # parents, il ne s'en fabrique pas un d'administrateur.
    champs_reserves_aux_superutilisateurs = (
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
    )

    @admin.display(description="famille", ordering="responsable__famille__numero")
    def famille(self, obj):
        try:
            return obj.responsable.famille.numero
        except ObjectDoesNotExist:
            return VIDE

    @admin.display(description="responsable de la famille")
    def famille_du_compte(self, obj):
        try:
            responsable = obj.responsable
        except ObjectDoesNotExist:
            return "Aucune : ce compte n'est rattaché à aucun responsable."
        return format_html(
            "{} — famille {}",
            lien_admin(responsable),
            lien_admin(responsable.famille, responsable.famille.numero),
        )

    def get_readonly_fields(self, request, obj=None):
        champs = ("famille_du_compte", "last_login", "date_joined")
        if not request.user.is_superuser:
            champs += self.champs_reserves_aux_superutilisateurs
        return champs

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # Un compte créé par le service reçoit un mot de passe provisoire.
        initial.setdefault("doit_changer_mot_de_passe", True)
        return initial

    def has_change_permission(self, request, obj=None):
        if (
            obj is not None
            and (obj.is_staff or obj.is_superuser)
            and obj.pk != request.user.pk
            and not request.user.is_superuser
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if unquote(id) == str(request.user.pk):
            # Son propre mot de passe se change avec l'ancien, sur la page prévue.
            messages.info(
                request, "Pour votre propre compte, saisissez d'abord l'ancien mot de passe."
            )
            return redirect("admin:password_change")
        return super().user_change_password(request, id, form_url)


class ResponsableInline(admin.StackedInline):
    model = Responsable
    extra = 0
    max_num = 2
    autocomplete_fields = ("utilisateur",)
    fieldsets = (
        (None, {"fields": ("role", "utilisateur")}),
        (
            "Identité",
            {
                "fields": (
                    ("civilite", "nom", "prenom"),
                    "date_naissance",
                    ("qualite", "situation"),
                )
            },
        ),
        ("Adresse", {"fields": ("adresse", ("code_postal", "ville"))}),
        (
            "Contact",
            {
                "fields": (
                    ("telephone_domicile", "telephone_professionnel", "telephone_mobile"),
                    "email",
                    ("autorisation_sms", "autorisation_courriel"),
                )
            },
        ),
        (
            "Profession",
            {
                "classes": ("collapse",),
                "fields": (("csp", "profession"), ("employeur", "adresse_employeur")),
            },
        ),
    )

    def get_queryset(self, request):
        # Le titulaire (« Mon compte ») avant le conjoint, comme dans le portail.
        titulaire_d_abord = Case(When(role=Responsable.Role.TITULAIRE, then=0), default=1)
        return (
            super().get_queryset(request).select_related("utilisateur").order_by(titulaire_d_abord)
        )


class MotifRefusCompteForm(forms.Form):
    motif = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Envoyé par courriel au titulaire du compte.",
        error_messages={"required": "Indiquez le motif du refus : la famille le lira."},
    )


@admin.register(Famille)
class FamilleAdmin(ExporterMixin, HistoriqueAdmin):
    resource_classes = (FamilleRessource,)
    list_display = (
        "numero",
        "etat",
        "doublon",
        "titulaire_nom",
        "conjoint_nom",
        "ville",
        "telephone",
        "courriel",
        "organisme_rattachement",
        "quotient_familial",
        "prelevement_automatique",
    )
    list_display_links = ("numero", "titulaire_nom")
    list_filter = ("etat", "organisme_rattachement", "prelevement_automatique")
    actions = ("valider_comptes", "refuser_comptes")
    search_fields = (
        "numero",
        "responsables__nom",
        "responsables__prenom",
        "responsables__email",
    )
    ordering = ("numero",)
    # L'application enfants complète cette fiche de ses enfants (enfants/admin/enfants.py) : les
    # familles ne dépendent pas des applications construites sur elles.
    inlines = (ResponsableInline,)
    readonly_fields = ("date_creation", "dossier", "etat", "doublons")
    fieldsets = (
        (None, {"fields": ("numero", "etat", "date_creation", "dossier", "doublons")}),
        ("Informations fiscales", {"fields": (("revenu_fiscal", "nombre_parts"),)}),
        (
            "Informations CAF",
            {"fields": ("organisme_rattachement", "numero_allocataire", "quotient_familial")},
        ),
        (
            "Informations bancaires",
            {
                "fields": (
                    ("nom_banque", "titulaire_compte"),
                    ("iban", "bic"),
                    "prelevement_automatique",
                )
            },
        ),
    )

    def get_queryset(self, request):
        familles = super().get_queryset(request).prefetch_related("responsables")
        return comptes.avec_doublons(familles)

    @admin.display(description="doublon possible", boolean=True, ordering="doublon_possible")
    def doublon(self, obj):
        return obj.doublon_possible

    @admin.display(description="doublons possibles")
    def doublons(self, obj):
        """Les autres familles qui ont un responsable de même adresse électronique, ou de même
        nom et même date de naissance : à examiner, jamais fusionnées d'office."""
        if obj.pk is None:
            return VIDE
        autres = comptes.doublons_de(obj)
        if not autres:
            return "Aucun."
        return format_html_join(" · ", "{}", ((lien_admin(famille),) for famille in autres))

    @admin.action(
        description="Valider le compte des familles sélectionnées", permissions=["change"]
    )
    def valider_comptes(self, request, queryset):
        faites = 0
        for famille in queryset:
            try:
                comptes.valider_compte(famille=famille, agent=request.user)
            except comptes.DecisionImpossible as erreur:
                self.message_user(request, str(erreur), messages.WARNING)
            else:
                faites += 1
        if faites:
            self.message_user(
                request,
                f"{faites} compte(s) validé(s) : chaque famille est prévenue "
                "(message et courriel).",
                messages.SUCCESS,
            )

    @admin.action(
        description="Refuser le compte des familles sélectionnées", permissions=["change"]
    )
    def refuser_comptes(self, request, queryset):
        """Une page intermédiaire demande le motif, envoyé à chaque famille refusée."""
        form = MotifRefusCompteForm(request.POST if "motif" in request.POST else None)
        if not form.is_valid():
            contexte = {
                **self.admin_site.each_context(request),
                "title": "Refuser le compte des familles sélectionnées",
                "opts": self.opts,
                "familles": list(queryset),
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(request, "admin/familles/famille/refuser.html", contexte)
        faites = 0
        for famille in queryset:
            try:
                comptes.refuser_compte(
                    famille=famille, agent=request.user, motif=form.cleaned_data["motif"]
                )
            except comptes.DecisionImpossible as erreur:
                self.message_user(request, str(erreur), messages.WARNING)
            else:
                faites += 1
        if faites:
            self.message_user(
                request,
                f"{faites} compte(s) refusé(s) : la famille est fermée, le motif lui est envoyé.",
                messages.SUCCESS,
            )
        return None

    @admin.display(description="responsable")
    def titulaire_nom(self, obj):
        titulaire = obj.titulaire
        return titulaire.nom_complet if titulaire else VIDE

    @admin.display(description="conjoint")
    def conjoint_nom(self, obj):
        conjoint = obj.conjoint
        return conjoint.nom_complet if conjoint else VIDE

    @admin.display(description="ville")
    def ville(self, obj):
        titulaire = obj.titulaire
        return f"{titulaire.code_postal} {titulaire.ville}".strip() if titulaire else VIDE

    @admin.display(description="téléphone")
    def telephone(self, obj):
        titulaire = obj.titulaire
        if titulaire is None:
            return VIDE
        return titulaire.telephone_mobile or titulaire.telephone_domicile or VIDE

    @admin.display(description="e-mail")
    def courriel(self, obj):
        titulaire = obj.titulaire
        return (titulaire.email or VIDE) if titulaire else VIDE

    @admin.display(description="dossier")
    def dossier(self, obj):
        if obj.pk is None:
            return VIDE
        liens = [
            lien_liste(modele, texte, famille__id__exact=obj.pk)
            for modele, texte in (
                ("facturation.Facture", "Factures"),
                ("facturation.Reglement", "Règlements"),
                ("demandes.Demande", "Demandes"),
                ("familles.Message", "Messages"),
            )
        ]
        return format_html_join(" · ", "{}", ((lien,) for lien in liens if lien))


@admin.register(Responsable)
class ResponsableAdmin(ExporterMixin, HistoriqueAdmin):
    resource_classes = (ResponsableRessource,)
    list_display = (
        "nom",
        "prenom",
        "famille_numero",
        "role",
        "qualite",
        "ville",
        "telephone_domicile",
        "telephone_mobile",
        "email",
        "utilisateur",
    )
    list_display_links = ("nom", "prenom")
    list_filter = ("role", "qualite", "situation", "autorisation_courriel", "autorisation_sms")
    list_select_related = ("famille", "utilisateur")
    search_fields = ("nom", "prenom", "email", "famille__numero", "utilisateur__username")
    ordering = ("nom", "prenom")
    autocomplete_fields = ("famille", "utilisateur")
    fieldsets = ((None, {"fields": ("famille",)}),) + ResponsableInline.fieldsets

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("famille__responsables")

    @admin.display(description="N° famille", ordering="famille__numero")
    def famille_numero(self, obj):
        return lien_admin(obj.famille, obj.famille.numero)
