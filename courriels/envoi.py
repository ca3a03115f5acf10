"""L'envoi des courriels de la file d'attente (django-post-office).

Le portail n'envoie rien lui-même : le backend de courriel de Django est celui de post_office
(réglage EMAIL_BACKEND), qui écrit chaque courriel dans la file, dans la transaction de
l'opération qui l'envoie ; une opération annulée n'envoie donc rien, et un serveur SMTP en
panne ne fait rien perdre. `envoyer_la_file` (commande `envoyer_courriels`, chaque minute) les
remet au vrai transport (POST_OFFICE["BACKENDS"]["default"], tiré d'EMAIL_URL), par lots de
POST_OFFICE["BATCH_SIZE"], avec `post_office.mail.send_queued`.

Un courriel refusé (serveur injoignable, adresse rejetée) est réessayé plus tard : 5 minutes
après le premier échec (POST_OFFICE["RETRY_INTERVAL"]), puis à un intervalle qui double à
chaque essai sans dépasser COURRIELS_ATTENTE_MAX ; après POST_OFFICE["MAX_RETRIES"] nouveaux
essais, il reste « en échec », l'erreur au journal (administration : Courriels).

Un seul envoi à la fois, donc aucun courriel envoyé deux fois par deux envois simultanés :
- sur PostgreSQL, chaque lot part dans une transaction qui prend un verrou consultatif
  (`pg_try_advisory_xact_lock`) et y écrit l'état de ses courriels : un second envoyeur, sur
  cette machine ou une autre, trouve le verrou pris et s'arrête ; le lot suivant ne lit que ce
  qui reste en attente ;
- sur chaque machine, un verrou de fichier (flock) écarte de même un second envoyeur local
  (SQLite, la démonstration, n'a que lui : on n'y tient pas de transaction ouverte pendant
  l'envoi, qui bloquerait toutes les écritures du portail).
Seul un arrêt brutal de l'envoyeur entre la remise d'un lot au serveur SMTP et l'écriture de
son état peut faire repartir ce lot au passage suivant.
"""

import contextlib
import datetime
import fcntl
import logging
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from post_office import mail
from post_office.models import STATUS, Email
from post_office.settings import get_retry_timedelta

logger = logging.getLogger(__name__)

# La clé du verrou consultatif de PostgreSQL, la même pour tous les processus du portail.
CLE_DU_VERROU = zlib.crc32(b"portail-familles:envoi-des-courriels")


@dataclass
class Bilan:
    """Ce qu'un passage de l'envoyeur a fait."""

    envoyes: int = 0
    a_reessayer: int = 0
    en_echec: int = 0
    deja_en_cours: bool = False
    prochain_essai: datetime.datetime | None = None

    def __str__(self):
        if self.deja_en_cours:
            return "Courriels : un autre envoi est en cours ; il enverra la file."
        texte = (
            f"Courriels : {self.envoyes} envoyé(s), {self.a_reessayer} à réessayer plus tard, "
            f"{self.en_echec} en échec."
        )
        if self.prochain_essai is not None:
            quand = timezone.localtime(self.prochain_essai)
            texte += f" Prochain essai le {quand:%d/%m/%Y à %H:%M}."
        return texte


def delai_avant_essai(numero):
    """L'attente avant le `numero`-ième nouvel essai (1, 2, 3…) : le délai de base
    (POST_OFFICE["RETRY_INTERVAL"]) doublé à chaque fois, au plus COURRIELS_ATTENTE_MAX."""
    return min(get_retry_timedelta() * 2 ** max(numero - 1, 0), settings.COURRIELS_ATTENTE_MAX)


def prochain_essai():
    """L'heure du prochain nouvel essai prévu, ou None."""
    return (
        Email.objects.filter(status=STATUS.requeued, scheduled_time__isnull=False)
        .order_by("scheduled_time")
        .values_list("scheduled_time", flat=True)
        .first()
    )


def envoyer_la_file(*, fichier_verrou=None):
    """Envoie tout ce qui attend dans la file, lot par lot, et rend le Bilan. Ne fait rien
    (bilan « déjà en cours ») si un autre envoi tient le verrou. `fichier_verrou` : celui de
    la machine (par défaut, le réglage COURRIELS_VERROU)."""
    bilan = Bilan()
    with _verrou_de_la_machine(fichier_verrou or settings.COURRIELS_VERROU) as libre:
        if not libre:
            bilan.deja_en_cours = True
            return bilan
        while True:
            with _lot() as lot_libre:
                if not lot_libre:
                    # Un autre envoyeur tient la file : il l'enverra.
                    bilan.deja_en_cours = not (bilan.envoyes or bilan.a_reessayer or bilan.en_echec)
                    break
                debut = timezone.now()
                envoyes, en_echec, a_reessayer = mail.send_queued()
                _espacer_les_essais(depuis=debut)
            bilan.envoyes += envoyes
            bilan.a_reessayer += a_reessayer
            bilan.en_echec += en_echec
            if not (envoyes or en_echec or a_reessayer) or not mail.get_queued().exists():
                break
        bilan.prochain_essai = prochain_essai()
    if bilan.a_reessayer or bilan.en_echec:
        logger.warning("%s", bilan)
    elif bilan.envoyes:
        logger.info("%s", bilan)
    else:  # chaque minute sans rien à envoyer : pas une ligne de plus au journal
        logger.debug("%s", bilan)
    return bilan


@contextlib.contextmanager
def _verrou_de_la_machine(chemin):
    """Vrai si ce processus est le seul envoyeur de la machine (flock, relâché à sa mort)."""
    with open(chemin, "a") as fichier:
        try:
            fcntl.flock(fichier, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fichier, fcntl.LOCK_UN)


@contextlib.contextmanager
def _lot():
    """Sur PostgreSQL, la transaction d'un lot, qui tient le verrou consultatif de l'envoi
    (vrai s'il est pris) ; ailleurs, rien à tenir."""
    if connection.vendor != "postgresql":
        yield True
        return
    with transaction.atomic():
        with connection.cursor() as curseur:
            curseur.execute("SELECT pg_try_advisory_xact_lock(%s)", [CLE_DU_VERROU])
            (libre,) = curseur.fetchone()
        yield libre


def _espacer_les_essais(*, depuis):
    """Les courriels remis en attente par ce lot attendent un délai qui double à chaque essai ;
    ceux qui ont épuisé leurs essais sont signalés au journal."""
    a_reessayer = list(Email.objects.filter(status=STATUS.requeued, last_updated__gte=depuis))
    for courriel in a_reessayer:
        courriel.scheduled_time = courriel.last_updated + delai_avant_essai(
            courriel.number_of_retries or 1
        )
    Email.objects.bulk_update(a_reessayer, ["scheduled_time"])
    for courriel in Email.objects.filter(status=STATUS.failed, last_updated__gte=depuis):
        derniere = courriel.logs.order_by("-date", "-pk").first()
        logger.error(
            "Courriel n°%s à %s abandonné après %s essai(s) : %s",
            courriel.pk,
            ", ".join(courriel.to),
            (courriel.number_of_retries or 0) + 1,
            derniere.message if derniere else "erreur inconnue",
        )
