"""Les sessions en base : lues par un SELECT écrit à la main, mises à jour en une requête.

Le moteur de Django enregistre une session existante dans une transaction (BEGIN, UPDATE,
COMMIT : trois requêtes). Une mise à jour est une seule instruction, atomique en elle-même :
ici, un UPDATE et rien d'autre. La création (connexion) reste celle de Django.

La lecture rapporte aussi, dans la même requête, le jeton des fermetures et des campagnes
(enfants/revision.py).
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as SessionStoreEnBase
from django.db import connections, router
from django.utils import timezone

from enfants import revision
from enfants.models import RevisionDuCalendrier

# Le jeton des fermetures et des campagnes (enfants/revision.py), lu avec la session : le
# processus sait sans requête de plus si ce qu'il en a gardé vaut encore.
_JETON_DU_CALENDRIER = f"SELECT jeton FROM {RevisionDuCalendrier._meta.db_table} WHERE id = 1"


class SessionStore(SessionStoreEnBase):
    def _get_session_from_db(self):
        """La session de cette clé si elle n'a pas expiré : la requête de Django (la clé,
        l'échéance à venir), écrite une fois pour toutes plutôt que construite et compilée par
        l'ORM à chaque page d'un parent connecté (0,4 → 0,1 ms par lecture, mesuré)."""
        connexion = connections[router.db_for_read(self.model)]
        table = connexion.ops.quote_name(self.model._meta.db_table)
        with connexion.cursor() as curseur:
            curseur.execute(
                f"SELECT session_data, ({_JETON_DU_CALENDRIER}) FROM {table} "
                "WHERE session_key = %s AND expire_date > %s",
                [self.session_key, connexion.ops.adapt_datetimefield_value(timezone.now())],
            )
            ligne = curseur.fetchone()
        if ligne is None:  # inconnue ou expirée : une nouvelle session, comme Django
            self._session_key = None
            return None
        revision.noter_jeton(ligne[1])
        return self.model(session_key=self.session_key, session_data=ligne[0])

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
