"""L'administration de la facturation : régies, tarifs, factures, règlements.

Une facture émise ne change plus jamais : sa fiche se consulte, elle ne se modifie ni ne se
supprime, et elle ne se crée pas à la main (la facturation mensuelle les émet). Les règlements
saisis à la main sont les chèques, les espèces et les virements ; les autres (paiement en
ligne, prélèvement, titre émis) viennent de leurs traitements et se consultent seulement.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from enfants.admin.enfants import PrestationChoixMixin, PrestationListFilter
from facturation import formats, paiement, sepa, services
from facturation.models import (
    ZERO,
    Affectation,
    Facture,
    LigneFacture,
    MandatSepa,
    Regie,
    Reglement,
    Tarif,
    TrancheQuotient,
    TransactionEnLigne,
    TropPercu,
)
from familles.admin.familles import VIDE, HistoriqueAdmin, LectureSeuleMixin, lien_admin

MODES_SAISIS_A_LA_MAIN = (
    Reglement.Mode.CHEQUE,
    Reglement.Mode.ESPECES,
    Reglement.Mode.VIREMENT,
)


def date_courte(jour):
    """« 08/04/2015 », comme le relevé de compte du portail."""
    return f"{jour:%d/%m/%Y}" if jour else VIDE


def quantite(valeur):
    """« 12 » plutôt que « 12,00 » quand la quantité est entière."""
    if valeur == valeur.to_integral_value():
        return number_format(valeur, decimal_pos=0)
    return number_format(valeur, decimal_pos=2)


def periode(debut, fin):
    """« 01/04/2015 – 30/04/2015 », sur une seule ligne."""
    return format_html('<span class="nowrap">{} – {}</span>', date_courte(debut), date_courte(fin))


def euros(montant):
    """« 120,60 € » ; un tiret pour une valeur absente."""
    return formats.euros(montant, vide=VIDE)


# --- Régies et tarifs ------------------------------------------------------------------------


@admin.register(Regie)
class RegieAdmin(admin.ModelAdmin):
    list_display = (
        "nom",
        "prefixe",
        "mode_facturation",
        "delai_paiement_jours",
        "dernier_numero_facture",
        "dernier_numero_reglement",
        "payfip_numcli",
    )
    search_fields = ("nom", "prefixe")
    ordering = ("nom",)
    actions = ("facturer_un_mois", "exporter_prelevement_sepa")
    fields = (
        "nom",
        "prefixe",
        "mode_facturation",
        "delai_paiement_jours",
        "payfip_numcli",
        "dernier_numero_facture",
        "dernier_numero_reglement",
    )

    def get_readonly_fields(self, request, obj=None):
        champs = ("dernier_numero_facture", "dernier_numero_reglement")
        if obj is not None and (obj.dernier_numero_facture or obj.dernier_numero_reglement):
            # Les numéros déjà donnés portent le préfixe : il ne change plus.
            champs = ("prefixe", *champs)
        return champs

    def has_add_facture_permission(self, request):
        return request.user.has_perm("facturation.add_facture")

    @admin.action(description="Facturer un mois…", permissions=["add_facture"])
    def facturer_un_mois(self, request, queryset):
        form = MoisForm(request.POST if "confirmer" in request.POST else None)
        if form.is_valid():
            for regie in queryset:
                debut, fin = services.bornes_du_mois(form.cleaned_data["mois"])
                try:
                    rapport = services.facturer_periode(
                        regie=regie, debut=debut, fin=fin, par=request.user
                    )
                except ValidationError as erreur:
                    self.message_user(request, " ".join(erreur.messages), messages.ERROR)
                else:
                    self.message_user(request, str(rapport), messages.SUCCESS)
            return None
        return page_action(
            self,
            request,
            queryset,
            form,
            action="facturer_un_mois",
            title="Facturer un mois",
            explication=(
                "Une facture par famille pour les jours facturables du mois (réservés, "
                "réguliers, présents, absents facturés) pas encore facturés. Relancer la "
                "facturation d'un mois ne refacture rien. À terme échu, un mois se facture "
                "une fois terminé ; à échoir, au plus tard le mois suivant."
            ),
            bouton="Émettre les factures",
        )

    @admin.action(description="Exporter le prélèvement SEPA d'un mois…")
    def exporter_prelevement_sepa(self, request, queryset):
        form = MoisForm(request.POST if "confirmer" in request.POST else None)
        if form.is_valid() and queryset.count() == 1:
            regie, mois = queryset.get(), form.cleaned_data["mois"]
            reponse = HttpResponse(
                sepa.exporter_prelevements(regie=regie, mois=mois), content_type="application/xml"
            )
            nom = f"prelevement-{regie.prefixe}-{mois:%Y-%m}.xml"
            reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
            return reponse
        if queryset.count() != 1:
            self.message_user(request, "Choisissez une seule régie.", messages.WARNING)
            return None
        return page_action(
            self,
            request,
            queryset,
            form,
            action="exporter_prelevement_sepa",
            title="Exporter le prélèvement SEPA",
            explication=(
                "Le fichier pain.008 des factures impayées du mois des familles en "
                "prélèvement automatique (un mandat est créé pour celles qui n'en ont pas)."
            ),
            bouton="Télécharger le fichier",
        )


class MoisForm(forms.Form):
    mois = forms.CharField(label="Mois", help_text="Par exemple 2026-11.", max_length=7)

    def clean_mois(self):
        return services.mois_du_texte(self.cleaned_data["mois"])


class OrmcForm(forms.Form):
    numero_ormc = forms.CharField(
        label="N° d'ORMC",
        required=False,
        max_length=40,
        help_text="Vide : un numéro est donné (ORMC-année-n).",
    )


def page_action(modeladmin, request, queryset, form, **contexte):
    """La page intermédiaire d'une action qui demande une précision (mois, n° d'ORMC)."""
    return TemplateResponse(
        request,
        "admin/facturation/action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.model._meta,
            "objets": list(queryset),
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            **contexte,
        },
    )


@admin.register(MandatSepa)
class MandatSepaAdmin(admin.ModelAdmin):
    list_display = ("reference", "famille", "date_signature", "iban", "bic", "actif")
    list_filter = ("actif",)
    search_fields = ("reference", "famille__numero", "iban")
    autocomplete_fields = ("famille",)


class TrancheQuotientFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        tranches = sorted(
            (
                (form.cleaned_data["qf_min"], form.cleaned_data.get("qf_max"))
                for form in self.forms
                if form.cleaned_data
                and not form.cleaned_data.get("DELETE")
                and form.cleaned_data.get("qf_min") is not None
            ),
            key=lambda tranche: tranche[0],
        )
        for (_, fin), (debut_suivant, _) in zip(tranches, tranches[1:], strict=False):
            if fin is None or fin >= debut_suivant:
                raise forms.ValidationError(
                    "Les tranches de quotient familial se chevauchent : chaque quotient ne "
                    "doit tomber que dans une tranche."
                )


class TrancheQuotientInline(admin.TabularInline):
    model = TrancheQuotient
    formset = TrancheQuotientFormSet
    extra = 0
    classes = ("sans-titre",)
    fields = ("qf_min", "qf_max", "prix_unitaire")


@admin.register(Tarif)
class TarifAdmin(PrestationChoixMixin, admin.ModelAdmin):
    list_display = ("prestation", "regie", "mode", "prix", "tranches", "date_debut")
    list_filter = ("regie", "mode", "prestation__structure", ("prestation", PrestationListFilter))
    list_select_related = ("prestation__structure", "regie")
    search_fields = ("prestation__nom", "prestation__structure__nom")
    date_hierarchy = "date_debut"
    ordering = ("prestation__structure__ordre", "prestation__ordre", "-date_debut")
    fields = ("prestation", "regie", "mode", "prix_unitaire", "date_debut")
    inlines = (TrancheQuotientInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tranches")

    @admin.display(description="prix unitaire", ordering="prix_unitaire")
    def prix(self, obj):
        return euros(obj.prix_unitaire)

    @admin.display(description="tranches de quotient familial")
    def tranches(self, obj):
        if obj.mode != Tarif.Mode.QUOTIENT:
            return VIDE
        return " ; ".join(f"{t} : {euros(t.prix_unitaire)}" for t in obj.tranches.all()) or VIDE


@admin.register(TrancheQuotient)
class TrancheQuotientAdmin(admin.ModelAdmin):
    list_display = ("tarif", "qf_min", "qf_max", "prix")
    list_select_related = ("tarif__prestation__structure",)
    list_filter = ("tarif__regie",)
    search_fields = ("tarif__prestation__nom",)
    ordering = ("tarif__prestation__structure__ordre", "tarif__prestation__ordre", "qf_min")
    autocomplete_fields = ("tarif",)

    @admin.display(description="prix unitaire", ordering="prix_unitaire")
    def prix(self, obj):
        return euros(obj.prix_unitaire)


# --- Factures --------------------------------------------------------------------------------


class EtatPaiementFilter(admin.SimpleListFilter):
    title = "paiement"
    parameter_name = "paiement"

    def lookups(self, request, model_admin):
        return (
            ("soldee", "Soldée"),
            ("a_payer", "À payer, avant échéance"),
            ("echue", "Échue, impayée"),
        )

    def queryset(self, request, queryset):
        aujourdhui = timezone.localdate()
        if self.value() == "soldee":
            return queryset.filter(reste_a_payer__lte=0)
        if self.value() == "a_payer":
            return queryset.filter(reste_a_payer__gt=0, date_echeance__gte=aujourdhui)
        if self.value() == "echue":
            return queryset.filter(reste_a_payer__gt=0, date_echeance__lt=aujourdhui)
        return queryset


def etat_paiement(facture, aujourdhui=None):
    """« Soldée », « À payer » ou « Échue » (la facture est annotée par avec_reste_a_payer)."""
    if facture.genre == Facture.Genre.AVOIR:
        return "Avoir"
    if facture.reste_a_payer <= 0:
        return "Soldée"
    if facture.date_echeance < (aujourdhui or timezone.localdate()):
        return "Échue"
    return "À payer"


class LectureSeuleInlineMixin(LectureSeuleMixin):
    """Un inline qu'on consulte : rien ne s'y ajoute, ne s'y modifie ni ne s'y supprime."""

    extra = 0
    max_num = 0
    can_delete = False
    classes = ("sans-titre",)


class LigneFactureInline(LectureSeuleInlineMixin, admin.TabularInline):
    model = LigneFacture
    fields = ("libelle", "enfant", "prestation", "nombre", "prix", "total")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("enfant", "prestation__structure")

    @admin.display(description="quantité")
    def nombre(self, obj):
        return quantite(obj.quantite)

    @admin.display(description="prix unitaire")
    def prix(self, obj):
        return euros(obj.prix_unitaire)

    @admin.display(description="montant")
    def total(self, obj):
        return euros(obj.montant)


class AffectationDeLaFactureInline(LectureSeuleInlineMixin, admin.TabularInline):
    model = Affectation
    verbose_name = "règlement reçu"
    verbose_name_plural = "règlements reçus"
    fields = ("reglement_lien", "date", "mode", "montant_affecte")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reglement")

    @admin.display(description="règlement")
    def reglement_lien(self, obj):
        return lien_admin(obj.reglement, obj.reglement.numero)

    @admin.display(description="date")
    def date(self, obj):
        return f"{obj.reglement.date:%d/%m/%Y}"

    @admin.display(description="mode")
    def mode(self, obj):
        return obj.reglement.libelle_mode

    @admin.display(description="montant affecté")
    def montant_affecte(self, obj):
        return euros(obj.montant)


@admin.register(Facture)
class FactureAdmin(LectureSeuleMixin, admin.ModelAdmin):
    # Une facture émise ne change pas : sa fiche s'affiche en lecture seule.
    list_display = (
        "numero",
        "famille_lien",
        "date",
        "echeance",
        "montant_total",
        "reste",
        "etat",
        "periode_facturee",
    )
    list_filter = (EtatPaiementFilter, "regie", "genre", "date_facture", "date_echeance")
    list_select_related = ("famille", "regie")
    search_fields = ("numero", "famille__numero", "famille__responsables__nom")
    date_hierarchy = "date_facture"
    ordering = ("-date_facture", "-rang")
    inlines = (LigneFactureInline, AffectationDeLaFactureInline)
    actions = ("transmettre_au_tresor_public",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("numero", "genre"),
                    "regie",
                    "famille_lien",
                    "facture_corrigee",
                    ("date_facture", "date_echeance"),
                    "periode_facturee",
                )
            },
        ),
        ("Montants", {"fields": ("montant_total", "deja_regle", "reste", "etat")}),
        ("Document", {"fields": ("document_pdf", "pdf_sha256", "date_creation")}),
    )
    readonly_fields = (
        "numero",
        "genre",
        "regie",
        "famille_lien",
        "facture_corrigee",
        "date_facture",
        "date_echeance",
        "periode_facturee",
        "montant_total",
        "deja_regle",
        "reste",
        "etat",
        "document_pdf",
        "pdf_sha256",
        "date_creation",
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .avec_reste_a_payer()
            .prefetch_related("famille__responsables")
        )

    @admin.display(description="famille", ordering="famille__numero")
    def famille_lien(self, obj):
        return lien_admin(obj.famille)

    @admin.display(description="date", ordering="date_facture")
    def date(self, obj):
        return date_courte(obj.date_facture)

    @admin.display(description="échéance", ordering="date_echeance")
    def echeance(self, obj):
        return date_courte(obj.date_echeance)

    @admin.display(description="période", ordering="periode_debut")
    def periode_facturee(self, obj):
        return periode(obj.periode_debut, obj.periode_fin)

    @admin.display(description="montant", ordering="montant")
    def montant_total(self, obj):
        return euros(obj.montant)

    @admin.display(description="déjà réglé")
    def deja_regle(self, obj):
        return euros(obj.montant_regle)

    @admin.display(description="reste à payer", ordering="reste_a_payer")
    def reste(self, obj):
        return euros(obj.reste_a_payer)

    @admin.display(description="état")
    def etat(self, obj):
        return etat_paiement(obj)

    @admin.action(
        description="Transmettre au Trésor public (impayées échues)…",
        permissions=["add_reglement"],
    )
    def transmettre_au_tresor_public(self, request, queryset):
        au = timezone.localdate()
        a_transmettre = services.factures_a_transmettre(
            au=au, factures=Facture.objects.filter(pk__in=queryset.values("pk"))
        )
        if not a_transmettre.exists():
            self.message_user(
                request, "Aucune facture sélectionnée n'est impayée et échue.", messages.WARNING
            )
            return None
        form = OrmcForm(request.POST if "confirmer" in request.POST else None)
        if form.is_valid():
            rapport = services.transmettre_impayes(
                au=au,
                par=request.user,
                numero_ormc=form.cleaned_data["numero_ormc"] or None,
                factures=Facture.objects.filter(pk__in=a_transmettre.values("pk")),
            )
            self.message_user(request, str(rapport), messages.SUCCESS)
            return None
        return page_action(
            self,
            request,
            a_transmettre,
            form,
            action="transmettre_au_tresor_public",
            title="Transmettre au Trésor public",
            explication=(
                "Chaque facture ci-dessous reçoit un règlement « Titre émis (ORMC n°…) » de "
                "ce qui reste à payer : la Trésorerie en poursuit le recouvrement."
            ),
            bouton="Transmettre",
        )

    def has_add_reglement_permission(self, request):
        return request.user.has_perm("facturation.add_reglement")

    @admin.display(description="PDF")
    def document_pdf(self, obj):
        if not obj.pdf:
            return "Pas encore produit."
        # Les PDF ne sont jamais servis depuis MEDIA_URL : la vue réservée au personnel.
        url = reverse("facture_pdf_agent", args=[obj.pk])
        return format_html('<a href="{}">Télécharger le PDF</a>', url)


@admin.register(LigneFacture)
class LigneFactureAdmin(LectureSeuleMixin, PrestationChoixMixin, admin.ModelAdmin):
    list_display = (
        "facture",
        "famille_numero",
        "libelle",
        "enfant",
        "nombre",
        "prix",
        "total",
    )
    list_filter = (("prestation", PrestationListFilter), "facture__regie")
    list_select_related = ("facture__famille", "enfant")
    search_fields = ("facture__numero", "libelle", "facture__famille__numero", "enfant__nom")
    ordering = ("-facture__date_facture", "facture__rang", "id")

    @admin.display(description="N° famille", ordering="facture__famille__numero")
    def famille_numero(self, obj):
        return obj.facture.famille.numero

    @admin.display(description="quantité", ordering="quantite")
    def nombre(self, obj):
        return quantite(obj.quantite)

    @admin.display(description="prix unitaire", ordering="prix_unitaire")
    def prix(self, obj):
        return euros(obj.prix_unitaire)

    @admin.display(description="montant", ordering="montant")
    def total(self, obj):
        return euros(obj.montant)


# --- Règlements ------------------------------------------------------------------------------


class AffectationFormSet(forms.BaseInlineFormSet):
    """Un règlement paie des factures de sa famille et de sa régie, sans dépasser ni son
    propre montant ni ce qui reste à payer sur chacune : la règle de
    services.verifier_affectations, que l'enregistrement revérifie sous verrou."""

    def affectations(self):
        parts = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("facture"):
                continue
            parts[data["facture"]] = parts.get(data["facture"], ZERO) + (
                data.get("montant") or ZERO
            )
        return parts

    def clean(self):
        super().clean()
        reglement = self.instance
        try:
            services.verifier_affectations(
                famille=reglement.famille if reglement.famille_id else None,
                regie=reglement.regie if reglement.regie_id else None,
                montant=reglement.montant,
                affectations=self.affectations(),
                reglement=reglement,
            )
        except ValidationError as erreur:
            raise forms.ValidationError(erreur.messages) from None


class AffectationInline(admin.TabularInline):
    model = Affectation
    formset = AffectationFormSet
    extra = 1
    classes = ("sans-titre",)
    autocomplete_fields = ("facture",)
    fields = ("facture", "montant")
    verbose_name = "facture payée"
    verbose_name_plural = "factures payées par ce règlement"


class ReglementForm(forms.ModelForm):
    class Meta:
        model = Reglement
        fields = ("regie", "famille", "date", "mode", "montant", "reference", "observations")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "mode" in self.fields:
            self.fields["mode"].choices = [
                (valeur, libelle)
                for valeur, libelle in self.fields["mode"].choices
                if valeur in MODES_SAISIS_A_LA_MAIN
            ]


@admin.register(Reglement)
class ReglementAdmin(HistoriqueAdmin):
    form = ReglementForm
    list_display = (
        "numero",
        "famille_lien",
        "date",
        "libelle_mode",
        "montant_total",
        "affecte",
        "regie",
        "saisi_par",
    )
    list_filter = ("mode", "regie", "date")
    list_select_related = ("famille", "regie", "saisi_par")
    search_fields = ("numero", "reference", "famille__numero", "famille__responsables__nom")
    date_hierarchy = "date"
    ordering = ("-date", "-id")
    autocomplete_fields = ("famille",)
    inlines = (AffectationInline,)
    fields = (
        "numero",
        "regie",
        "famille",
        "date",
        "mode",
        "montant",
        "reference",
        "observations",
        "saisi_par",
        "date_saisie",
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(montant_affecte=Sum("affectations__montant"))
            .prefetch_related("famille__responsables")
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("numero", "saisi_par", "date_saisie")
        # La régie donne son préfixe au numéro : elle ne change plus.
        return ("numero", "regie", "saisi_par", "date_saisie")

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("date", timezone.localdate())
        initial.setdefault("mode", Reglement.Mode.CHEQUE)
        regies = list(Regie.objects.values_list("pk", flat=True)[:2])
        if len(regies) == 1:
            initial.setdefault("regie", regies[0])
        return initial

    def has_change_permission(self, request, obj=None):
        # Un paiement en ligne, un prélèvement ou un titre émis vient de son traitement.
        if obj is not None and obj.mode not in MODES_SAISIS_A_LA_MAIN:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.mode not in MODES_SAISIS_A_LA_MAIN:
            return False
        return super().has_delete_permission(request, obj)

    def revert_disabled(self, request, obj=None):
        # Rétablir une version passée contournerait le contrôle des affectations.
        return True

    def save_model(self, request, obj, form, change):
        # Un nouveau règlement s'enregistre avec ses affectations (save_related), par le
        # service qui le numérote ; une correction d'un règlement saisi se fait ici.
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:
            return super().save_related(request, form, formsets, change)
        affectations = {}
        for formset in formsets:
            if isinstance(formset, AffectationFormSet):
                affectations.update(formset.affectations())
        obj = form.instance
        reglement = services.enregistrer_reglement(
            famille=obj.famille,
            regie=obj.regie,
            mode=obj.mode,
            montant=obj.montant,
            date=obj.date,
            reference=obj.reference,
            observations=obj.observations,
            affectations=affectations,
            par=request.user,
        )
        # La page d'administration continue avec l'objet enregistré (message, redirection).
        form.instance = reglement
        for formset in formsets:
            formset.new_objects = (
                list(reglement.affectations.all())
                if isinstance(formset, AffectationFormSet)
                else []
            )
            formset.changed_objects, formset.deleted_objects = [], []
        obj.pk, obj.numero, obj.saisi_par = reglement.pk, reglement.numero, request.user
        obj._state.adding = False

    @admin.display(description="famille", ordering="famille__numero")
    def famille_lien(self, obj):
        return lien_admin(obj.famille)

    @admin.display(description="mode", ordering="mode")
    def libelle_mode(self, obj):
        return obj.libelle_mode

    @admin.display(description="montant", ordering="montant")
    def montant_total(self, obj):
        return euros(obj.montant)

    @admin.display(description="affecté aux factures", ordering="montant_affecte")
    def affecte(self, obj):
        return euros(obj.montant_affecte or ZERO)


@admin.register(Affectation)
class AffectationAdmin(LectureSeuleMixin, admin.ModelAdmin):
    """Les affectations se saisissent dans la fiche du règlement ; ici, on les consulte."""

    list_display = ("reglement", "facture", "famille_numero", "date", "montant_affecte")
    list_select_related = ("reglement", "facture__famille")
    list_filter = ("reglement__mode", "reglement__regie")
    search_fields = ("reglement__numero", "facture__numero", "facture__famille__numero")
    ordering = ("-reglement__date", "-id")

    @admin.display(description="N° famille", ordering="facture__famille__numero")
    def famille_numero(self, obj):
        return obj.facture.famille.numero

    @admin.display(description="date du règlement", ordering="reglement__date")
    def date(self, obj):
        return obj.reglement.date

    @admin.display(description="montant affecté", ordering="montant")
    def montant_affecte(self, obj):
        return euros(obj.montant)


@admin.register(TransactionEnLigne)
class TransactionEnLigneAdmin(LectureSeuleMixin, admin.ModelAdmin):
    """Les paiements en ligne (PayFiP), consultés : ils ne se saisissent ni ne se modifient."""

    list_display = ("date_creation", "facture", "montant_paye", "email", "statut", "reglement")
    list_select_related = ("facture", "reglement")
    list_filter = ("statut", "passerelle")
    search_fields = ("reference", "idop", "facture__numero", "facture__famille__numero", "email")
    ordering = ("-date_creation",)
    fields = (
        "facture",
        "montant",
        "email",
        "statut",
        "historique_des_statuts",
        "reference",
        "passerelle",
        "idop",
        "reference_passerelle",
        "reglement",
        "date_creation",
        "date_modification",
    )
    readonly_fields = fields

    @admin.display(description="montant", ordering="montant")
    def montant_paye(self, obj):
        return euros(obj.montant)

    @admin.display(description="historique des statuts")
    def historique_des_statuts(self, obj):
        return format_html_join(
            mark_safe("<br>"),
            "{} — {} {}",
            (
                (etape["date"][:19].replace("T", " "), etape["statut"], etape.get("detail", ""))
                for etape in obj.historique
            ),
        )


# --- Trop-perçus -----------------------------------------------------------------------------


class RemboursementForm(forms.Form):
    date = forms.DateField(
        label="Date du remboursement",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="Par exemple 07/12/2026.",
        error_messages={"invalid": "Date invalide : indiquez-la ainsi, 07/12/2026."},
    )
    mode = forms.ChoiceField(
        label="Mode de remboursement", choices=TropPercu.ModeRemboursement.choices
    )
    reference = forms.CharField(
        label="Référence",
        required=False,
        max_length=100,
        help_text="N° de mandat, de chèque, référence du virement…",
    )


@admin.register(TropPercu)
class TropPercuAdmin(LectureSeuleMixin, admin.ModelAdmin):
    """Les paiements reçus en trop (un paiement en ligne pour une facture déjà réglée) : ils
    naissent des confirmations de PayFiP et se soldent par l'action « Rembourser »."""

    list_display = (
        "date_recu",
        "famille_lien",
        "facture",
        "reglement",
        "montant_a_rembourser",
        "statut",
        "remboursement",
    )
    list_select_related = ("famille", "facture", "reglement", "rembourse_par")
    list_filter = ("statut", "mode_remboursement", "reglement__regie", "date")
    search_fields = (
        "famille__numero",
        "famille__responsables__nom",
        "reglement__numero",
        "facture__numero",
        "reference_remboursement",
    )
    date_hierarchy = "date"
    ordering = ("-date", "-id")
    actions = ("rembourser",)
    fields = (
        "famille",
        "facture",
        "reglement",
        "montant",
        "date",
        "motif",
        "statut",
        "date_remboursement",
        "mode_remboursement",
        "reference_remboursement",
        "rembourse_par",
        "rembourse_saisi_le",
        "date_creation",
    )
    readonly_fields = fields

    @admin.display(description="reçu le", ordering="date")
    def date_recu(self, obj):
        return date_courte(obj.date)

    @admin.display(description="famille", ordering="famille__numero")
    def famille_lien(self, obj):
        return lien_admin(obj.famille, obj.famille.numero)

    @admin.display(description="montant", ordering="montant")
    def montant_a_rembourser(self, obj):
        return euros(obj.montant)

    @admin.display(description="remboursement", ordering="date_remboursement")
    def remboursement(self, obj):
        if obj.date_remboursement is None:
            return VIDE
        texte = f"{date_courte(obj.date_remboursement)}, {obj.get_mode_remboursement_display()}"
        if obj.reference_remboursement:
            texte += f" ({obj.reference_remboursement})"
        return texte

    def has_rembourser_permission(self, request):
        return request.user.has_perm("facturation.change_troppercu")

    @admin.action(description="Rembourser…", permissions=["rembourser"])
    def rembourser(self, request, queryset):
        choisis = list(queryset.select_related("reglement"))
        for trop_percu in choisis:
            if trop_percu.statut == TropPercu.Statut.REMBOURSE:
                self.message_user(
                    request,
                    f"Le trop-perçu du règlement {trop_percu.reglement.numero} est déjà "
                    f"remboursé (le {date_courte(trop_percu.date_remboursement)}) : il ne se "
                    "rembourse pas deux fois.",
                    messages.ERROR,
                )
        a_rembourser = [t for t in choisis if t.statut == TropPercu.Statut.A_REMBOURSER]
        if not a_rembourser:
            return None
        form = RemboursementForm(
            request.POST if "confirmer" in request.POST else None,
            initial={"date": date_courte(timezone.localdate())},
        )
        if form.is_valid():
            try:
                # Tous ou aucun : une date qui ne convient pas à l'un n'en rembourse aucun.
                with transaction.atomic():
                    faits = [
                        paiement.rembourser_trop_percu(
                            trop_percu=trop_percu, **form.cleaned_data, par=request.user
                        )
                        for trop_percu in a_rembourser
                    ]
            except ValidationError as erreur:
                form.add_error(None, erreur)
            else:
                for trop_percu in faits:
                    self.message_user(
                        request,
                        f"Trop-perçu du règlement {trop_percu.reglement.numero} remboursé : "
                        f"{euros(trop_percu.montant)} "
                        f"({trop_percu.get_mode_remboursement_display().lower()}) le "
                        f"{date_courte(trop_percu.date_remboursement)}.",
                        messages.SUCCESS,
                    )
                return None
        return page_action(
            self,
            request,
            a_rembourser,
            form,
            action="rembourser",
            title="Rembourser des trop-perçus",
            explication=(
                "Le remboursement de chaque trop-perçu ci-dessous est enregistré une fois pour "
                "toutes : il apparaît au débit du relevé de compte de la famille."
            ),
            bouton="Enregistrer le remboursement",
        )
