"""L'administration des règlements, de leurs affectations et des transactions en ligne.

Les règlements saisis à la main sont les chèques, les espèces et les virements ; les autres
(paiement en ligne, prélèvement, titre émis) viennent de leurs traitements et se consultent
seulement."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from facturation import services
from facturation.admin.outils import MODES_SAISIS_A_LA_MAIN, euros
from facturation.models import (
    ZERO,
    Affectation,
    Regie,
    Reglement,
    TransactionEnLigne,
)
from facturation.ressources import ReglementRessource
from familles.admin.outils import ExporterMixin, HistoriqueAdmin, LectureSeuleMixin, lien_admin


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
class ReglementAdmin(ExporterMixin, HistoriqueAdmin):
    resource_classes = (ReglementRessource,)
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
