"""Les fermetures et les campagnes lues une fois par processus tant qu'elles ne changent pas.

Chaque grille du mois, chaque page d'un jour et chaque réservation les lisent (deux requêtes),
alors qu'elles changent quelques fois par an, dans l'administration. Une ligne unique
(`RevisionDuCalendrier`) porte un jeton tiré au hasard à chaque écriture de l'une d'elles,
dans la transaction de l'écriture (une écriture annulée laisse le jeton d'avant). Le jeton
arrive avec la session du parent, dans la même requête SQL (portail/sessions.py) : le
processus sait alors, sans requête de plus, si ce qu'il a déjà lu vaut encore. Les exigences
de dossier des prestations (dossiers.models.ExigenceDossier), que chaque réservation consulte,
suivent le même jeton (`suivre`, appelé par DossiersConfig.ready).

- Hors d'une requête qui a lu sa session (commandes, facturation, tâches), ou quand la ligne
  manque (base vidée par un test), rien n'est gardé : on relit.
- Le jeton change aux `save()`, `delete()` (cascades comprises), `update()`, `bulk_create()`
  et `bulk_update()` des fermetures, des campagnes et des exigences de dossier, et à chaque
  changement des prestations d'une campagne. Une écriture en SQL direct doit appeler `toucher()`.
- Le jeton vaut pour une requête HTTP : oublié à son début et à sa fin, et dès que le processus
  écrit lui-même une fermeture, une campagne ou une exigence de dossier.
"""

import contextvars
import secrets

from django.core.signals import request_finished, request_started
from django.db import IntegrityError, models, transaction

_jeton = contextvars.ContextVar("jeton_du_calendrier", default=None)
_lectures = {}  # {(nom, début, fin): tuple} pour le jeton `_lectures_du_jeton`
_lectures_du_jeton = [None]
_LECTURES_MAX = 512


def nouveau_jeton():
    return secrets.token_hex(16)


def noter_jeton(jeton):
    """Le jeton lu avec la session de la requête en cours (None : pas de ligne)."""
    _jeton.set(jeton)


def oublier_jeton(**kwargs):
    _jeton.set(None)


def lu_une_fois(nom, debut, fin, lire):
    """`lire()` (une suite), ou ce qu'il a rendu pour ce jeton : un tuple, partagé entre les
    requêtes, que personne ne modifie."""
    jeton = _jeton.get()
    if jeton is None:
        return tuple(lire())
    if _lectures_du_jeton[0] != jeton or len(_lectures) >= _LECTURES_MAX:
        _lectures.clear()
        _lectures_du_jeton[0] = jeton
    cle = (nom, debut, fin)
    valeur = _lectures.get(cle)
    if valeur is None:
        valeur = _lectures[cle] = tuple(lire())
    return valeur


def toucher():
    """Un nouveau jeton, écrit dans la transaction en cours : ce que chaque processus a gardé
    des fermetures et des campagnes ne vaut plus."""
    from enfants.models import RevisionDuCalendrier

    oublier_jeton()
    jeton = nouveau_jeton()
    if RevisionDuCalendrier.objects.filter(pk=1).update(jeton=jeton):
        return
    try:
        with transaction.atomic():
            RevisionDuCalendrier.objects.create(pk=1, jeton=jeton)
    except IntegrityError:  # créée entre-temps par une autre écriture
        RevisionDuCalendrier.objects.filter(pk=1).update(jeton=jeton)


class QuerySetQuiTouche(models.QuerySet):
    """Les écritures en bloc d'un modèle du calendrier changent aussi le jeton."""

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            modifiees = super().update(**kwargs)
            if modifiees:
                toucher()
        return modifiees

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            creees = super().bulk_create(objs, *args, **kwargs)
            toucher()
        return creees

    def bulk_update(self, objs, fields, *args, **kwargs):
        with transaction.atomic(using=self.db):
            modifiees = super().bulk_update(objs, fields, *args, **kwargs)
            toucher()
        return modifiees


def _sur_ecriture(sender, raw=False, **kwargs):
    toucher()


def brancher():
    """Les signaux (appelé par EnfantsConfig.ready)."""
    from django.db.models.signals import m2m_changed

    from enfants.models import Campagne, Fermeture

    for modele in (Fermeture, Campagne, Campagne.prestations.through):
        suivre(modele)
    m2m_changed.connect(_sur_m2m, sender=Campagne.prestations.through, dispatch_uid="revision-m2m")
    request_started.connect(oublier_jeton, dispatch_uid="revision-debut")
    request_finished.connect(oublier_jeton, dispatch_uid="revision-fin")


def suivre(modele):
    """Chaque écriture d'une instance de `modele` change le jeton (ses écritures en bloc : que
    son gestionnaire soit un `QuerySetQuiTouche`)."""
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_sur_ecriture, sender=modele, dispatch_uid=f"revision-{modele}")
    post_delete.connect(_sur_ecriture, sender=modele, dispatch_uid=f"revision-d-{modele}")


def _sur_m2m(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        toucher()
