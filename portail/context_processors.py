from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from familles.acces import responsable_connecte
from familles.services import nombre_de_messages_non_lus


def bandeau(request):
    """Le bandeau de chaque page : la collectivité, le parent connecté, ses messages non lus
    (comptés au rendu du bandeau, après ce que la vue a pu marquer lu)."""
    contexte = {"collectivite": settings.COLLECTIVITE, "aujourdhui": timezone.localdate()}
    responsable = responsable_connecte(request)
    if responsable is not None:
        contexte["responsable_connecte"] = responsable
        contexte["messages_non_lus"] = SimpleLazyObject(
            lambda: nombre_de_messages_non_lus(responsable.famille)
        )
    return contexte
