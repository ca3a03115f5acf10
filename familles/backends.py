"""L'authentification des comptes : celle de Django, qui charge aussi le responsable et sa
famille avec l'utilisateur. Chaque page d'un parent en a besoin (le bandeau, l'accès à sa
famille) : une jointure dans la requête de l'utilisateur plutôt qu'une requête de plus.

Cette requête part à chaque page de chaque parent connecté : elle est compilée une fois par
processus (commun.requetes) plutôt que construite et compilée par l'ORM à chaque fois. Elle
compte aussi, en sous-requête, les messages du service que la famille n'a pas lus : le
compteur du bandeau de chaque page, sans une requête de plus (`messages_non_lus`, 0 pour un
compte sans famille)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from commun.requetes import compilee
from familles.models import Message
from portail.sessions import compte_lu_avec_la_session


def nombre_de_non_lus(famille="responsable__famille_id"):
    """Le nombre de messages du service non lus de la famille du compte (l'index
    « message_non_lus » : famille, sens, lu_le y répond seul) ; `famille` : le chemin de
    l'identifiant de sa famille depuis la requête englobante."""
    return Coalesce(
        Subquery(
            Message.objects.filter(
                famille_id=OuterRef(famille),
                sens=Message.Sens.VERS_FAMILLE,
                lu_le__isnull=True,
            )
            .order_by()
            .values("famille_id")
            .annotate(nombre=Count("pk"))
            .values("nombre")
        ),
        0,
    )


@compilee
def _comptes(*, pk):
    return (
        get_user_model()
        .objects.select_related("responsable__famille")
        .annotate(messages_non_lus=nombre_de_non_lus())
        .filter(pk=pk)
    )


def compte_avec_sa_famille(user_id):
    """L'utilisateur, avec `utilisateur.responsable` et `responsable.famille` déjà là (sans
    requête de plus), ou None."""
    comptes = _comptes(pk=user_id)
    return comptes[0] if comptes else None


class ComptesBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:  # un identifiant de session illisible : pas de compte
            return None
        # Déjà lu avec la session de la requête (portail/sessions.py), s'il est bien celui
        # que désignent ses données ; sinon, une requête.
        utilisateur = compte_lu_avec_la_session(user_id)
        if utilisateur is None:
            utilisateur = compte_avec_sa_famille(user_id)
        if utilisateur is None or not self.user_can_authenticate(utilisateur):
            return None
        return utilisateur
