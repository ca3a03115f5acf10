"""Les opérations des travaux de fond : les créer et les mettre dans la file, les exécuter,
dire où ils en sont, noter leurs erreurs, les terminer, les relancer, les reprendre.

Une tâche de la file (`@task` de django-tasks) reçoit le numéro de son travail et appelle
`executer(travail_id=…, faire=…)` : `faire(travail)` fait le travail, en appelant `avancer`
après chaque lot et `noter_erreur` pour un élément qui échoue (le travail continue sans lui),
et rend le rapport. Un travail est idempotent : relancé ou repris, il refait ce qui manque.

Une exécution prend le travail par un jeton (`Travail.execution`) : deux exécutions du même
travail (une tâche mise deux fois dans la file, une reprise) ne le font pas ensemble, la
seconde ne trouve plus le travail en attente. Un worker tué (SIGKILL, machine arrêtée) laisse
son travail « en cours » sans plus de signe de vie : `reprendre` (la commande
`reprendre_travaux`) le remet dans la file ; si l'ancienne exécution vivait encore, elle
s'arrête à sa prochaine avancée (TravailRepris).
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from travaux.models import ErreurDeTravail, Travail

logger = logging.getLogger(__name__)

Etat = Travail.Etat


class TravailRepris(Exception):
    """Une autre exécution a pris ce travail : celle-ci s'arrête sans rien écrire de plus."""


def creer_travail(*, genre, titre, tache, unite, parametres=None, lance_par=None, total=0):
    """Crée le travail, en attente, et le met dans la file quand la transaction en cours est
    validée. `tache` : la tâche (`@task`) qui le fera, appelée avec `travail_id`."""
    travail = Travail.objects.create(
        genre=genre,
        titre=titre,
        tache=tache.module_path,
        parametres=parametres or {},
        lance_par=lance_par,
        unite=unite,
        total=total,
    )
    _mettre_en_file(travail)
    return travail


def _mettre_en_file(travail):
    """La tâche du travail dans la file, après la validation de la transaction. Si la file ne
    répond pas (Redis arrêté), le travail reste en attente : `reprendre` le remettra."""
    pk, chemin = travail.pk, travail.tache

    def envoyer():
        try:
            resultat = import_string(chemin).enqueue(travail_id=pk)
        except Exception:
            logger.exception("Le travail %s n'a pas pu être mis dans la file.", pk)
            Travail.objects.filter(pk=pk, etat=Etat.EN_ATTENTE).update(
                message="La file des tâches n'a pas répondu : le travail partira à sa reprise."
            )
            return
        Travail.objects.filter(pk=pk).update(resultat_id=str(resultat.id))

    transaction.on_commit(envoyer)


def executer(*, travail_id, faire):
    """Exécute un travail : le prend (s'il est en attente), appelle `faire(travail)` et le
    termine avec le rapport que rend `faire`. Une ValidationError (ce que le travail refuse de
    faire, en français) le fait échouer avec son message ; une autre erreur aussi, et elle
    remonte à la file (journaux). Rend l'état final (pour le résultat de la tâche)."""
    travail = commencer(travail_id=travail_id)
    if travail is None:
        logger.info("Travail %s : déjà pris ou fini, rien à faire.", travail_id)
        return None
    try:
        rapport = faire(travail)
    except TravailRepris:
        logger.warning("Travail %s : repris par une autre exécution, qui le finira.", travail_id)
        return None
    except ValidationError as erreur:
        echouer(travail=travail, message=" ".join(erreur.messages))
        return Etat.ECHOUE.value
    except Exception as erreur:
        echouer(travail=travail, message=f"Erreur inattendue : {erreur}")
        raise
    try:
        return terminer(travail=travail, rapport=rapport)
    except TravailRepris:
        logger.warning("Travail %s : repris par une autre exécution, qui le finira.", travail_id)
        return None


def commencer(*, travail_id):
    """Prend le travail s'il est en attente : en cours, un nouveau jeton d'exécution, le
    compteur remis à zéro (l'exécution refait son compte). Rend le travail, ou None s'il est
    déjà pris, fini ou inconnu."""
    jeton = uuid.uuid4().hex
    maintenant = timezone.now()
    pris = Travail.objects.filter(pk=travail_id, etat=Etat.EN_ATTENTE).update(
        etat=Etat.EN_COURS,
        execution=jeton,
        battement=maintenant,
        debut=Coalesce(F("debut"), Value(maintenant)),
        fin=None,
        fait=0,
        message="",
        tentatives=F("tentatives") + 1,
    )
    if not pris:
        return None
    return Travail.objects.get(pk=travail_id)


def avancer(*, travail, de=1, total=None, rapport=None):
    """Ajoute `de` éléments faits (et, s'ils sont donnés, le total et le rapport du moment) :
    la page « Travaux » le montre dès que la transaction est validée, celle de l'appelant
    s'il en a une (l'avancée d'un lot se valide avec lui), sinon aussitôt. Vaut signe de vie.
    Lève TravailRepris si une autre exécution a pris le travail."""
    valeurs = {"fait": F("fait") + de, "battement": timezone.now()}
    if total is not None:
        valeurs["total"] = total
    if rapport is not None:
        valeurs["rapport"] = rapport
    if not _de_cette_execution(travail).update(**valeurs):
        raise TravailRepris(travail.pk)


def noter_erreur(*, travail, reference, element, message):
    """Note un élément que le travail n'a pas pu faire (`reference` : ce qui l'identifie pour
    le travail, « famille:42 » ; `element` : ce qu'en lit l'agent, « Famille n° 0042
    DUPONT »). Une erreur déjà ouverte sur cet élément est mise à jour, pas doublée."""
    logger.warning("Travail %s, %s : %s", travail.pk, element, message)
    ErreurDeTravail.objects.update_or_create(
        travail=travail,
        reference=reference,
        resolue=False,
        defaults={
            "element": element[:200],
            "message": message,
            "le": timezone.now(),
            "execution": travail.execution,
        },
    )


@transaction.atomic
def terminer(*, travail, rapport=None):
    """Termine le travail : « terminé », ou « terminé avec erreurs » s'il reste des erreurs
    notées par cette exécution ; celles des exécutions d'avant qu'elle n'a pas revues (leur
    élément est passé) sont résolues. Rend l'état."""
    ouvertes = travail.erreurs.filter(resolue=False)
    ouvertes.exclude(execution=travail.execution).update(resolue=True)
    etat = Etat.TERMINE_AVEC_ERREURS if ouvertes.exists() else Etat.TERMINE
    valeurs = {"etat": etat, "fin": timezone.now(), "battement": timezone.now(), "execution": ""}
    if rapport is not None:
        valeurs["rapport"] = rapport
    if not _de_cette_execution(travail).update(**valeurs):
        raise TravailRepris(travail.pk)
    travail.etat = etat
    return etat.value


def echouer(*, travail, message):
    """Le travail a échoué : il s'arrête avec ce message (il peut être relancé)."""
    _de_cette_execution(travail).update(
        etat=Etat.ECHOUE, fin=timezone.now(), message=message, execution=""
    )
    travail.etat = Etat.ECHOUE


def enregistrer_fichier(*, travail, nom, contenu):
    """Range le fichier produit par le travail (le PDF d'une impression), à la place de celui
    d'une exécution précédente. Jamais servi par MEDIA_URL : l'administration le sert."""
    ancien = travail.fichier.name
    champ = travail.fichier.field
    chemin = champ.storage.save(
        champ.generate_filename(travail, nom), ContentFile(contenu), max_length=champ.max_length
    )
    if not _de_cette_execution(travail).update(fichier=chemin, battement=timezone.now()):
        champ.storage.delete(chemin)
        raise TravailRepris(travail.pk)
    travail.fichier.name = chemin
    if ancien and ancien != chemin:
        champ.storage.delete(ancien)


def relancer(*, travail):
    """Remet dans la file un travail terminé avec erreurs, ou échoué : il refait ce qui
    manque (les éléments en erreur), rien de ce qui est fait. Rend False s'il n'y a rien à
    relancer (un travail terminé sans erreur, ou encore actif)."""
    relancables = (Etat.TERMINE_AVEC_ERREURS, Etat.ECHOUE)
    with transaction.atomic():
        relance = Travail.objects.filter(pk=travail.pk, etat__in=relancables).update(
            etat=Etat.EN_ATTENTE, resultat_id="", message=""
        )
        if relance:
            _mettre_en_file(travail)
    return bool(relance)


def reprendre(*, inactif_depuis=None):
    """Remet dans la file les travaux abandonnés : en cours sans signe de vie depuis
    `inactif_depuis` (secondes ; par défaut le réglage TRAVAUX_INACTIF_APRES), ou en attente
    depuis aussi longtemps sans avoir atteint la file. Rend les travaux repris."""
    if inactif_depuis is None:
        inactif_depuis = settings.TRAVAUX_INACTIF_APRES
    limite = timezone.now() - datetime.timedelta(seconds=inactif_depuis)
    abandonnes = Travail.objects.filter(
        Q(etat=Etat.EN_COURS, battement__lt=limite)
        | Q(etat=Etat.EN_ATTENTE, resultat_id="", lance_le__lt=limite)
    )
    repris = []
    for travail in abandonnes:
        with transaction.atomic():
            remis = Travail.objects.filter(
                pk=travail.pk, etat=travail.etat, battement=travail.battement
            ).update(etat=Etat.EN_ATTENTE, execution="", resultat_id="")
            if remis:
                _abandonner_le_resultat(travail.resultat_id)
                _mettre_en_file(travail)
                repris.append(travail)
    return repris


def _abandonner_le_resultat(resultat_id):
    """La file de la base (django-tasks-db) garde « en cours » la tâche d'un worker tué : elle
    est marquée échouée, le travail repart sous une nouvelle tâche."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    if not resultat_id or not isinstance(task_backends["default"], DatabaseBackend):
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=resultat_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path=f"{__name__}.TravailRepris",
        traceback="Le worker qui faisait cette tâche s'est arrêté ; le travail a été repris.",
    )


def _de_cette_execution(travail):
    return Travail.objects.filter(pk=travail.pk, execution=travail.execution, etat=Etat.EN_COURS)
