"""L'accès d'une famille connectée à ses factures : toujours à travers elle (404 sinon)."""

from django.shortcuts import get_object_or_404

from facturation.models import Facture


def get_facture_for_famille(request, pk):
    """Une facture de la famille connectée, ou 404 : jamais celle d'une autre famille."""
    return get_object_or_404(
        Facture.objects.select_related("regie", "famille", "facture_corrigee"),
        pk=pk,
        famille=request.famille,
    )
