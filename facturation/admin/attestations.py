"""L'administration des attestations fiscales : la liste de celles émises (en lecture seule),
le PDF de chacune, et « Émettre les attestations fiscales d'une année… » pour toutes les
familles, en un travail de fond (facturation/taches.py) qui les envoie et les réunit en un PDF."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from facturation import attestations, taches
from facturation.admin.outils import euros
from facturation.models import AttestationFiscale
from facturation.pdf import PdfAltere
from familles.admin.outils import VIDE, LectureSeuleMixin, lien_admin
from travaux.admin import message_travail_lance


class AnneeForm(forms.Form):
    annee = forms.IntegerField(
        label="Année civile",
        min_value=attestations.PREMIERE_ANNEE,
        max_value=9999,
        help_text="Une année terminée : les règlements reçus du 1er janvier au 31 décembre.",
        error_messages={"invalid": "Indiquez une année, par exemple 2025."},
    )


@admin.register(AttestationFiscale)
class AttestationFiscaleAdmin(LectureSeuleMixin, admin.ModelAdmin):
    change_list_template = "admin/facturation/attestationfiscale/change_list.html"
    list_display = (
        "numero_attestation",
        "famille_lien",
        "annee",
        "version",
        "montant_atteste",
        "emise",
        "envoyee",
        "document_pdf",
    )
    list_filter = ("annee",)
    list_select_related = ("famille",)
    search_fields = ("famille__numero", "famille__responsables__nom")
    ordering = ("-annee", "famille__numero", "-version")
    fields = ("famille", "annee", "version", "remplace", "montant", "emise_le", "envoyee_le")
    readonly_fields = fields

    def get_urls(self):
        return [
            path(
                "emettre/",
                self.admin_site.admin_view(self.emettre_view),
                name="facturation_attestationfiscale_emettre",
            ),
            path(
                "<path:object_id>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="facturation_attestationfiscale_pdf",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="N° attestation", ordering="annee")
    def numero_attestation(self, obj):
        return obj.numero

    @admin.display(description="famille", ordering="famille__numero")
    def famille_lien(self, obj):
        return lien_admin(obj.famille, obj.famille.numero)

    @admin.display(description="montant attesté", ordering="montant")
    def montant_atteste(self, obj):
        return euros(obj.montant)

    @admin.display(description="émise le", ordering="emise_le")
    def emise(self, obj):
        return f"{timezone.localtime(obj.emise_le):%d/%m/%Y %H:%M}"

    @admin.display(description="envoyée le", ordering="envoyee_le")
    def envoyee(self, obj):
        return f"{timezone.localtime(obj.envoyee_le):%d/%m/%Y %H:%M}" if obj.envoyee_le else VIDE

    @admin.display(description="PDF")
    def document_pdf(self, obj):
        url = reverse("admin:facturation_attestationfiscale_pdf", args=[obj.pk])
        return format_html('<a href="{}">PDF</a>', url)

    def pdf_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        attestation = get_object_or_404(
            AttestationFiscale.objects.select_related("famille"), pk=object_id
        )
        try:
            contenu = attestations.lire_attestation(attestation)
        except (FileNotFoundError, ValueError, PdfAltere) as erreur:
            raise Http404(str(erreur)) from None
        reponse = HttpResponse(contenu, content_type="application/pdf")
        nom = attestations.nom_attestation_fiscale(attestation)
        reponse["Content-Disposition"] = f'inline; filename="{nom}"'
        return reponse

    def peut_emettre(self, request):
        return request.user.has_perm("facturation.add_attestationfiscale")

    def changelist_view(self, request, extra_context=None):
        contexte = {"peut_emettre": self.peut_emettre(request)}
        return super().changelist_view(request, {**contexte, **(extra_context or {})})

    def emettre_view(self, request):
        """Le formulaire de l'année, puis le travail lancé ; la page du travail suit."""
        if not self.peut_emettre(request):
            raise PermissionDenied
        form = AnneeForm(request.POST or None, initial={"annee": timezone.localdate().year - 1})
        if request.method == "POST" and form.is_valid():
            try:
                travail = taches.lancer_attestations(
                    annee=form.cleaned_data["annee"], par=request.user
                )
            except ValidationError as erreur:
                form.add_error("annee", erreur)
            else:
                self.message_user(request, message_travail_lance(travail), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:travaux_travail_change", args=[travail.pk])
                )
        return TemplateResponse(
            request,
            "admin/facturation/attestationfiscale/emettre.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Émettre les attestations fiscales d'une année",
                "form": form,
            },
        )
