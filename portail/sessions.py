"""Les sessions en base, avec une mise à jour en une seule requête.

Le moteur de Django enregistre une session existante dans une transaction (BEGIN, UPDATE,
COMMIT : trois requêtes). Une mise à jour est une seule instruction, atomique en elle-même :
ici, un UPDATE et rien d'autre. La création (connexion) reste celle de Django.
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as SessionStoreEnBase
from django.db import router


class SessionStore(SessionStoreEnBase):
    def save(self, must_create=False):
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        donnees = self._get_session()
        modifiees = (
            self.model.objects.using(router.db_for_write(self.model))
            .filter(session_key=self.session_key)
            .update(session_data=self.encode(donnees), expire_date=self.get_expiry_date())
        )
        if not modifiees:  # supprimée entre-temps (déconnexion ailleurs) : comme Django
            raise UpdateError
