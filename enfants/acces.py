"""L'accès d'une famille connectée à ses enfants : toujours à travers elle (404 sinon)."""

from django.http import Http404

from commun.requetes import compilee
from enfants.models import Enfant


def get_enfant_for_famille(request, pk):
    """Un enfant de la famille connectée, avec sa fiche sanitaire, ou 404 : jamais celui d'une
    autre famille. La famille, déjà chargée avec le compte, lui est rattachée sans requête."""
    enfants = _enfant_de_la_famille(pk=pk, famille_id=request.famille.pk)
    if not enfants:
        raise Http404("Aucun enfant de la famille ne correspond.")
    enfant = enfants[0]
    enfant.famille = request.famille
    return enfant


# Lu à chaque page de la fiche et du planning, et à chaque réservation : compilée une fois
# (commun.requetes) ; l'ORM ordinaire coûtait ~1 ms de processeur de plus par page (banc).
@compilee
def _enfant_de_la_famille(*, pk, famille_id):
    return Enfant.objects.filter(pk=pk, famille_id=famille_id).select_related("fiche_sanitaire")
