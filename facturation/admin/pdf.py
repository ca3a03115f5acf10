"""L'impression des factures depuis l'administration : un seul PDF pour toute une sélection.

L'action est dans la liste de celles de l'administration des factures (`factures.py`) ; le PDF
d'une facture, pour un agent, s'ouvre depuis sa fiche.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from facturation import taches
from facturation.models import Facture
from facturation.pdf import PdfAltere, archiver_pdf, fusionner_pdfs, lire_pdf_archive, nom_du_pdf
from travaux.admin import message_travail_lance


@admin.action(description="Imprimer les factures sélectionnées (un PDF)", permissions=["view"])
def imprimer_factures(modeladmin, request, queryset):
    """Les PDF archivés des factures cochées, réunis dans l'ordre de leurs numéros : aussitôt
    jusqu'à SEUIL_IMPRESSION factures, au-delà par un travail de fond (le PDF se télécharge
    depuis sa page, dans Travaux)."""
    factures = list(
        queryset.model.objects.filter(pk__in=queryset.values("pk"))
        .select_related("regie", "famille", "facture_corrigee")
        .order_by("regie__prefixe", "rang")
    )
    if len(factures) > taches.SEUIL_IMPRESSION:
        travail = taches.lancer_impression(factures=factures, par=request.user)
        modeladmin.message_user(request, message_travail_lance(travail), messages.SUCCESS)
        return None
    try:
        contenu = fusionner_pdfs(factures)
    except (FileNotFoundError, PdfAltere) as erreur:
        modeladmin.message_user(request, f"Impression impossible : {erreur}", messages.ERROR)
        return None
    reponse = HttpResponse(contenu, content_type="application/pdf")
    nom = f"factures-{timezone.localdate():%Y-%m-%d}.pdf"
    reponse["Content-Disposition"] = f'inline; filename="{nom}"'
    return reponse


def _facture_pdf_agent(request, pk):
    """Le PDF archivé d'une facture, pour un agent qui peut voir les factures."""
    if not request.user.has_perm("facturation.view_facture"):
        raise PermissionDenied
    facture = get_object_or_404(
        Facture.objects.select_related("regie", "famille", "facture_corrigee"), pk=pk
    )
    archiver_pdf(facture=facture)
    try:
        contenu = lire_pdf_archive(facture)
    except (FileNotFoundError, PdfAltere) as erreur:
        raise Http404(str(erreur)) from None
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = f'inline; filename="{nom_du_pdf(facture)}"'
    return reponse


# Réservée aux agents connectés à l'administration (sinon : sa page de connexion).
facture_pdf_agent = admin.site.admin_view(_facture_pdf_agent)
