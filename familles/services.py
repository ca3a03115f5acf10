"""Les messages entre les familles et le service : écrire, répondre, lire.

Le portail et l'administration passent tous par ces fonctions. Un message du service part
toujours par `notifier_famille` : le message dans la Boîte de réception de la famille et un
courriel à ses responsables qui l'acceptent.

Une conversation est un fil d'un seul niveau : le premier message (la racine) et ses réponses,
qui pointent toutes vers lui (`en_reponse_a`).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commun.requetes import Forme
from familles import lectures
from familles.lectures import _fils
from familles.models import Famille, Message
from familles.notifications import notifier_famille

SUJET_COURRIEL = "Portail Familles : vous avez un nouveau message"


def _texte(valeur, quoi):
    valeur = (valeur or "").strip()
    if not valeur:
        raise ValidationError(f"{quoi} est vide.")
    return valeur


def nombre_de_messages_non_lus(famille):
    """Le nombre de messages du service que la famille n'a pas encore lus (le compteur du
    bandeau) : le seul calcul de ce nombre. L'index « message_non_lus » (famille, sens,
    lu_le) y répond seul."""
    return next(iter(lectures.nombre_de_non_lus(famille_id=famille.pk)), 0)


def racine(message):
    """Le premier message du fil auquel appartient `message`."""
    return message.en_reponse_a or message


def _sujet_de_reponse(racine):
    sujet = racine.sujet if racine.sujet.startswith("Re : ") else f"Re : {racine.sujet}"
    return sujet[:200]


def fils_de_la_famille(*, famille):
    """Les conversations de la famille pour sa Boîte de réception, la plus récente d'abord ;
    chacune porte `derniere_activite`, `nombre_messages` et `non_lus` (les messages du service
    qu'elle n'a pas encore lus). Une seule requête."""
    return _fils(famille_id=famille.pk)


class FilsDeLaFamille:
    """Les conversations de `fils_de_la_famille` pour un Paginator, par des requêtes compilées
    une fois : leur nombre (`count`), puis la tranche d'une page (`[debut:fin]`)."""

    def __init__(self, *, famille, par_page):
        self.famille_id = famille.pk
        self.par_page = par_page

    def count(self):
        return next(iter(lectures.nombre_de_fils(famille_id=self.famille_id)), 0)

    def __getitem__(self, tranche):
        # Le Paginator demande [debut:debut + par_page], ou [debut:nombre] pour la dernière
        # page : la requête lit une page entière, coupée ensuite à la fin demandée. Une
        # boîte vide n'a pas de page à lire.
        if tranche.stop <= tranche.start:
            return []
        fils = lectures.tranche_de_fils(
            famille_id=self.famille_id, debut=Forme(tranche.start), taille=Forme(self.par_page)
        )
        return fils[: tranche.stop - tranche.start]


def fil(message):
    """Les messages du fil de `message`, dans l'ordre où ils ont été écrits."""
    premier = racine(message)
    reponses = Message.objects.filter(en_reponse_a=premier).select_related("auteur__responsable")
    return [premier, *reponses.order_by("date_envoi", "pk")]


def marquer_fil_lu(*, racine, sens):
    """Marque lus les messages du fil écrits dans ce `sens` : VERS_FAMILLE quand la famille
    ouvre la conversation, VERS_SERVICE quand un agent l'ouvre. Renvoie le nombre marqué."""
    return (
        Message.objects.filter(Q(pk=racine.pk) | Q(en_reponse_a=racine), sens=sens)
        .filter(lu_le__isnull=True)
        .update(lu_le=timezone.now())
    )


@transaction.atomic
def envoyer_message_au_service(*, famille, par, sujet, corps, piece_jointe=None):
    """« Écrire au service » : un nouveau message de la famille, début d'un fil."""
    return Message.objects.create(
        famille=famille,
        sens=Message.Sens.VERS_SERVICE,
        sujet=_texte(sujet, "Le sujet")[:200],
        corps=_texte(corps, "Le message"),
        piece_jointe=piece_jointe or "",
        auteur=par,
    )


@transaction.atomic
def repondre_au_service(*, message, par, corps, piece_jointe=None):
    """La famille répond dans le fil de `message` (un message de sa Boîte de réception)."""
    premier = racine(message)
    return Message.objects.create(
        famille=premier.famille,
        sens=Message.Sens.VERS_SERVICE,
        en_reponse_a=premier,
        sujet=_sujet_de_reponse(premier),
        corps=_texte(corps, "La réponse"),
        piece_jointe=piece_jointe or "",
        auteur=par,
    )


@transaction.atomic
def ecrire_a_la_famille(*, famille, par, sujet, corps, piece_jointe=None, en_reponse_a=None):
    """Un agent écrit à une famille : le message dans sa Boîte et le courriel qui l'annonce."""
    return notifier_famille(
        famille=famille,
        sujet=_texte(sujet, "Le sujet")[:200],
        corps=_texte(corps, "Le message"),
        piece_jointe=piece_jointe,
        en_reponse_a=en_reponse_a,
        gabarit="nouveau_message",
        sujet_courriel=SUJET_COURRIEL,
        auteur=par,
    )


@transaction.atomic
def repondre_a_la_famille(*, message, par, corps, piece_jointe=None):
    """Un agent répond dans le fil de `message` ; les messages de la famille dans ce fil sont
    dès lors lus pour le service."""
    premier = racine(message)
    marquer_fil_lu(racine=premier, sens=Message.Sens.VERS_SERVICE)
    return ecrire_a_la_famille(
        famille=premier.famille,
        par=par,
        sujet=_sujet_de_reponse(premier),
        corps=corps,
        piece_jointe=piece_jointe,
        en_reponse_a=premier,
    )


# Un envoi groupé identique (même sujet, même texte) à une famille qui l'a reçu il y a moins
# de ce délai n'est pas refait : un double clic sur « Envoyer » n'écrit pas deux fois.
DELAI_DOUBLON = datetime.timedelta(minutes=10)


@transaction.atomic
def ecrire_aux_familles(*, familles, par, sujet, corps, deja_depuis=None):
    """Le même message à plusieurs familles : un seul par famille, même quand elle figure
    plusieurs fois (deux enfants inscrits), et tous ou aucun. Les familles sont verrouillées
    le temps de l'envoi, si bien que deux envois simultanés du même message n'en font qu'un.
    Une famille qui l'a déjà reçu depuis `deja_depuis` (par défaut : DELAI_DOUBLON) ne le
    reçoit pas de nouveau. Renvoie les messages envoyés."""
    sujet, corps = _texte(sujet, "Le sujet"), _texte(corps, "Le message")
    identifiants = sorted({famille.pk for famille in familles})
    destinataires = list(
        Famille.objects.select_for_update().filter(pk__in=identifiants).order_by("pk")
    )
    deja_recu = set(
        Message.objects.filter(
            famille_id__in=identifiants,
            sens=Message.Sens.VERS_FAMILLE,
            sujet=sujet[:200],
            corps=corps,
            date_envoi__gte=deja_depuis or timezone.now() - DELAI_DOUBLON,
        ).values_list("famille_id", flat=True)
    )
    return [
        ecrire_a_la_famille(famille=famille, par=par, sujet=sujet, corps=corps)
        for famille in destinataires
        if famille.pk not in deja_recu
    ]
