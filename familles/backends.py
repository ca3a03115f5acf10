"""L'authentification des comptes : celle de Django, qui charge aussi le responsable et sa
famille avec l'utilisateur. Chaque page d'un parent en a besoin (le bandeau, l'accès à sa
famille) : une jointure dans la requête de l'utilisateur plutôt qu'une requête de plus."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ComptesBackend(ModelBackend):
    def get_user(self, user_id):
        modele = get_user_model()
        utilisateur = (
            modele._default_manager.select_related("responsable__famille")
            .filter(pk=user_id)
            .first()
        )
        if utilisateur is None or not self.user_can_authenticate(utilisateur):
            return None
        return utilisateur
