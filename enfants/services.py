"""Les opérations de l'accueil des enfants qui touchent plusieurs modèles."""

from django.db.models import Q

from enfants.models import Inscription
from familles.models import Famille


def familles_inscrites(*, structure=None, prestation=None, au):
    """Les familles dont un enfant est inscrit, à la date `au` ou après, à la `prestation`
    (ou à une prestation de la `structure`) ; chacune une seule fois, quel que soit le nombre
    de ses enfants ou de leurs inscriptions. Les responsables sont préchargés."""
    inscriptions = Inscription.objects.filter(Q(date_fin__isnull=True) | Q(date_fin__gte=au))
    if structure is not None:
        inscriptions = inscriptions.filter(prestation__structure=structure)
    if prestation is not None:
        inscriptions = inscriptions.filter(prestation=prestation)
    return Famille.objects.filter(
        pk__in=inscriptions.values("enfant__famille_id")
    ).prefetch_related("responsables")
