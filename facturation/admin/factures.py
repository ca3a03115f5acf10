"""L'administration des factures et de leurs lignes.

Une facture émise ne change plus jamais : sa fiche se consulte, elle ne se modifie ni ne se
supprime, et elle ne se crée pas à la main (la facturation mensuelle les émet)."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from enfants.admin.outils import PrestationChoixMixin, PrestationListFilter
from facturation import services
from facturation.admin.outils import date_courte, euros, page_action, periode, quantite
from facturation.admin.pdf import imprimer_factures
from facturation.models import (
    Affectation,
    Facture,
    LigneFacture,
)
from facturation.ressources import FactureRessource, etat_de_paiement
from familles.admin.outils import VIDE, ExporterMixin, LectureSeuleMixin, lien_admin


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
    return etat_de_paiement(facture, aujourdhui or timezone.localdate())


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


class OrmcForm(forms.Form):
    numero_ormc = forms.CharField(
        label="N° d'ORMC",
        required=False,
        max_length=40,
        help_text="Vide : un numéro est donné (ORMC-année-n).",
    )


@admin.register(Facture)
class FactureAdmin(ExporterMixin, LectureSeuleMixin, admin.ModelAdmin):
    resource_classes = (FactureRessource,)
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
    actions = ("transmettre_au_tresor_public", imprimer_factures)
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
        (
            "Document",
            {"fields": ("document_pdf", "pdf_sha256", "date_creation", "annoncee", "emise_par")},
        ),
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
        "annoncee",
        "emise_par",
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

    @admin.display(description="annoncée à la famille le")
    def annoncee(self, obj):
        if obj.annoncee_le is None:
            return "Pas encore (son travail de facturation l'annoncera)."
        return f"{timezone.localtime(obj.annoncee_le):%d/%m/%Y %H:%M}"

    @admin.display(description="émise par")
    def emise_par(self, obj):
        if obj.travail_id is None:
            return VIDE
        url = reverse("admin:travaux_travail_change", args=[obj.travail_id])
        return format_html('<a href="{}">le travail n° {}</a>', url, obj.travail_id)

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
