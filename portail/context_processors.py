from django.conf import settings
from django.utils import timezone

from familles.acces import responsable_connecte
from familles.models import Message


def bandeau(request):
    """Le bandeau de chaque page : la collectivité, le parent connecté, ses messages non lus."""
    contexte = {"collectivite": settings.COLLECTIVITE, "aujourdhui": timezone.localdate()}
    responsable = responsable_connecte(request)
    if responsable is not None:
        contexte["responsable_connecte"] = responsable
        contexte["messages_non_lus"] = Message.objects.filter(
            famille_id=responsable.famille_id,
            sens=Message.Sens.VERS_FAMILLE,
            lu_le__isnull=True,
        ).count()
    return contexte
