"""Le fichier d'un document déposé, pour sa famille et pour le service seulement."""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.clickjacking import xframe_options_sameorigin

from dossiers.models import PieceDossier
from familles.acces import responsable_connecte
from familles.fichiers import servir_fichier

PERMISSION_VOIR = "dossiers.view_piecedossier"
PERMISSION_SANITAIRE = "enfants.voir_donnees_sanitaires"


def _get_piece_for_user(request, pk):
    """Un document que le compte connecté peut ouvrir : ceux de sa famille pour un parent ;
    pour un agent qui voit les documents déposés, tous, sauf les documents de santé s'il n'est
    pas habilité. 404 sinon, y compris sans connexion : l'adresse ne dit pas qu'il existe."""
    pieces = PieceDossier.objects.exclude(fichier="")
    utilisateur = request.user
    if utilisateur.is_staff and utilisateur.has_perm(PERMISSION_VOIR):
        if not utilisateur.has_perm(PERMISSION_SANITAIRE):
            pieces = pieces.exclude(type_document__donnees_sanitaires=True)
    else:
        responsable = responsable_connecte(request)
        if responsable is None:
            raise Http404
        pieces = pieces.filter(famille_id=responsable.famille_id)
    return get_object_or_404(pieces, pk=pk)


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def fichier_piece(request, pk):
    """Le fichier, affiché dans le navigateur (PDF ou image) : la visionneuse de
    l'administration l'intègre dans sa page, d'où l'autorisation d'un cadre de même origine
    (X-Frame-Options et, pour la politique de sécurité du contenu, frame-ancestors).
    Jamais mis en cache par un intermédiaire."""
    piece = _get_piece_for_user(request, pk)
    reponse = servir_fichier(piece.fichier, en_ligne=True)
    reponse["Cache-Control"] = "private, no-store"
    return reponse
