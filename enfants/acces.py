"""L'accès d'une famille connectée à ses enfants : toujours à travers elle (404 sinon)."""

from django.shortcuts import get_object_or_404

from enfants.models import Enfant


def get_enfant_for_famille(request, pk):
    """Un enfant de la famille connectée, avec sa fiche sanitaire, ou 404 : jamais celui d'une
    autre famille. La famille, déjà chargée avec le compte, lui est rattachée sans requête."""
    enfant = get_object_or_404(
        Enfant.objects.select_related("fiche_sanitaire"), pk=pk, famille_id=request.famille.pk
    )
    enfant.famille = request.famille
    return enfant
