"""L'accès d'une famille connectée à ses enfants : toujours à travers elle (404 sinon)."""

from django.http import Http404

from enfants.lectures import enfant_de_la_famille


def get_enfant_for_famille(request, pk):
    """Un enfant de la famille connectée, avec sa fiche sanitaire, ou 404 : jamais celui d'une
    autre famille. La famille, déjà chargée avec le compte, lui est rattachée sans requête."""
    enfants = enfant_de_la_famille(pk=pk, famille_id=request.famille.pk)
    if not enfants:
        raise Http404("Aucun enfant de la famille ne correspond.")
    enfant = enfants[0]
    enfant.famille = request.famille
    return enfant
