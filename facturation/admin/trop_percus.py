"""L'administration des trop-perçus et de leur remboursement."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from facturation import paiement
from facturation.admin.outils import date_courte, euros, page_action
from facturation.models import (
    TropPercu,
)
from familles.admin.outils import VIDE, LectureSeuleMixin, lien_admin


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
