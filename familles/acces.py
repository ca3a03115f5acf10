"""L'accès d'un parent connecté à sa famille, et à elle seule."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from familles.models import Responsable


def responsable_connecte(request):
    """Le responsable du compte connecté (avec sa famille), ou None. Le backend
    d'authentification (familles.backends) l'a déjà joint à l'utilisateur : pas de requête."""
    if not request.user.is_authenticated:
        return None
    try:
        return request.user.responsable
    except Responsable.DoesNotExist:
        return None


def famille_requise(view):
    """Réserve une vue aux parents connectés ; pose `request.famille` et `request.responsable`.

    Un compte sans famille (un agent du service) reçoit un refus explicite : le portail des
    familles n'a rien à lui montrer, l'administration est son outil. Un compte dont la famille
    attend la validation du service est mené à la page « dossier en cours de validation ».
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        responsable = responsable_connecte(request)
        if responsable is None:
            raise PermissionDenied("Ce compte n'est rattaché à aucune famille.")
        if not responsable.famille.est_active:
            # Un compte créé sur le portail, que le service n'a pas encore validé : il ne voit
            # que la page qui le dit, et ne réserve rien.
            return redirect("compte_en_validation")
        request.responsable = responsable
        request.famille = responsable.famille
        return view(request, *args, **kwargs)

    return wrapper
