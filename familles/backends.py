"""L'authentification des comptes : celle de Django, qui charge aussi le responsable et sa
famille avec l'utilisateur. Chaque page d'un parent en a besoin (le bandeau, l'accès à sa
famille) : une jointure dans la requête de l'utilisateur plutôt qu'une requête de plus. C'est
le seul endroit où le compte connecté est lu."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from familles import lectures


def compte_avec_sa_famille(user_id):
    """L'utilisateur, avec `utilisateur.responsable` et `responsable.famille` déjà là (sans
    requête de plus), ou None."""
    return next(iter(lectures.compte_avec_sa_famille(user_id=user_id)), None)


class ComptesBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:  # un identifiant de session illisible : pas de compte
            return None
        utilisateur = compte_avec_sa_famille(user_id)
        if utilisateur is None or not self.user_can_authenticate(utilisateur):
            return None
        return utilisateur
