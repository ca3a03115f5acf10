"""La session d'un navigateur, qui porte l'identifiant de son compte.

La session de Django ne connaît son compte que dans ses données chiffrées : lire le compte
demande une seconde requête, à chaque page de chaque parent connecté. Ici, une colonne le porte
aussi : la lecture de la session joint le compte, son responsable et sa famille dans la même
requête (portail/sessions.py). Les données de la session restent la seule source : le compte
joint ne sert que s'il est celui qu'elles désignent, et Django vérifie toujours le hachage de
session (un mot de passe changé ailleurs déconnecte).
"""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class SessionDuCompte(AbstractBaseSession):
    # Sans contrainte en base : une session enregistrée pendant la suppression de son compte
    # ne doit pas échouer ; sa colonne ne désigne alors plus rien, et la jointure ne rend rien.
    # La suppression d'un compte par l'ORM supprime ses sessions (CASCADE).
    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.CASCADE,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = "session"
        verbose_name_plural = "sessions"

    @classmethod
    def get_session_store_class(cls):
        from portail.sessions import SessionStore

        return SessionStore
