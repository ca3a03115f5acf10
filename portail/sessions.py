"""Les sessions en base : lues avec leur compte en une requête, mises à jour en une requête.

Le moteur de Django enregistre une session existante dans une transaction (BEGIN, UPDATE,
COMMIT : trois requêtes). Une mise à jour est une seule instruction, atomique en elle-même :
ici, un UPDATE et rien d'autre. La création (connexion) reste celle de Django.

La session (portail.models.SessionDuCompte) porte l'identifiant de son compte dans une
colonne, écrite à chaque enregistrement d'après ses données. Sa lecture rapporte, dans la même
requête, le compte avec son responsable, sa famille et ses messages non lus (ce que lit
familles.backends), et le jeton des fermetures et des campagnes (enfants/revision.py) :
une page d'un parent connecté commence par une requête, pas deux.
"""

import contextvars

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as SessionStoreEnBase
from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import Subquery
from django.utils import timezone

from commun.requetes import compilee
from enfants import revision
from enfants.models import RevisionDuCalendrier
from portail.models import SessionDuCompte

# Le compte lu avec la session de la requête en cours, pour familles.backends : (son
# identifiant, le compte) ; il ne vaut que pour cette requête, et une fois.
_compte_lu = contextvars.ContextVar("compte_lu_avec_la_session", default=None)


def compte_lu_avec_la_session(compte_id):
    """Le compte (responsable et famille joints) lu avec la session de la requête en cours,
    s'il a cet identifiant ; sinon None. Il n'est rendu qu'une fois."""
    lu = _compte_lu.get()
    if lu is None or lu[0] != compte_id:
        return None
    _compte_lu.set(None)
    return lu[1]


def oublier_le_compte(**kwargs):
    """Au début et à la fin de chaque requête HTTP (portail.apps)."""
    _compte_lu.set(None)


@compilee
def _sessions(*, cle, maintenant):
    """La session de cette clé si elle n'a pas expiré (la requête de Django), avec son compte,
    son responsable et sa famille, les messages non lus et le jeton du calendrier."""
    from familles.backends import nombre_de_non_lus  # familles.backends importe ce module

    return (
        SessionDuCompte.objects.select_related("compte__responsable__famille")
        .annotate(
            messages_non_lus=nombre_de_non_lus("compte__responsable__famille_id"),
            jeton=Subquery(RevisionDuCalendrier.objects.filter(pk=1).values("jeton")),
        )
        .filter(session_key=cle, expire_date__gt=maintenant)
    )


def _compte_des_donnees(donnees):
    """L'identifiant du compte que désignent les données d'une session, ou None."""
    try:
        return get_user_model()._meta.pk.to_python(donnees.get(SESSION_KEY))
    except ValidationError:
        return None


class SessionStore(SessionStoreEnBase):
    @classmethod
    def get_model_class(cls):
        return SessionDuCompte

    def _get_session_from_db(self):
        _compte_lu.set(None)
        sessions = _sessions(cle=self.session_key, maintenant=timezone.now())
        if not sessions:  # inconnue ou expirée : une nouvelle session, comme Django
            self._session_key = None
            return None
        session = sessions[0]
        revision.noter_jeton(session.jeton)
        compte = session.compte  # déjà joint ; None sans compte, ou s'il n'existe plus
        if compte is not None:
            compte.messages_non_lus = session.messages_non_lus
            _compte_lu.set((compte.pk, compte))
        return session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.compte_id = _compte_des_donnees(data)
        return session

    def save(self, must_create=False):
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        donnees = self._get_session()
        modifiees = (
            self.model.objects.using(router.db_for_write(self.model))
            .filter(session_key=self.session_key)
            .update(
                session_data=self.encode(donnees),
                expire_date=self.get_expiry_date(),
                compte_id=_compte_des_donnees(donnees),
            )
        )
        if not modifiees:  # supprimée entre-temps (déconnexion ailleurs) : comme Django
            raise UpdateError
