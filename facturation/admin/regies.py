"""L'administration des régies, de leurs mandats SEPA et des tarifs."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse

from enfants.admin.outils import PrestationChoixMixin, PrestationListFilter
from facturation import sepa, services, taches
from facturation.admin.outils import euros, page_action
from facturation.models import (
    MandatSepa,
    Regie,
    Tarif,
    TrancheQuotient,
)
from familles.admin.outils import VIDE
from travaux.admin import message_travail_lance


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
        "jour_transmission_impayes",
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
            # Un travail de fond par régie : la page revient aussitôt, le travail se suit
            # dans Travaux (facturation/taches.py).
            for regie in queryset:
                try:
                    (travail,) = taches.lancer_facturation(
                        regies=[regie], mois=form.cleaned_data["mois"], par=request.user
                    )
                except ValidationError as erreur:
                    self.message_user(request, " ".join(erreur.messages), messages.ERROR)
                else:
                    self.message_user(request, message_travail_lance(travail), messages.SUCCESS)
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
                "une fois terminé ; à échoir, au plus tard le mois suivant. La facturation se "
                "fait en arrière-plan : suivez-la, régie par régie, dans Travaux."
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
