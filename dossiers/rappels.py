"""Le rappel d'un document du dossier qui va expirer, par courriel (`rappeler_echeances`,
chaque matin).

RAPPEL_DOCUMENT_JOURS jours avant la fin de validité d'un document obligatoire accepté (30 par
défaut, comme « expire bientôt » dans Mon dossier), les responsables de la famille qui
acceptent les courriels reçoivent un seul courriel qui liste ses documents à renouveler, avec
le lien vers Mon dossier. Pas de rappel quand la famille a déjà déposé le document suivant
(il attend la vérification) ou qu'un document plus récent vaut plus longtemps. Un seul rappel
par document (PieceDossier.rappel_expiration_le), noté avec son courriel dans la même
transaction : deux passages, même simultanés, n'en font qu'un.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dossiers.etat import exigences_des_familles
from dossiers.models import PieceDossier
from familles.models import Famille
from familles.notifications import destinataires, envoyer_courriel, lien_portail

logger = logging.getLogger(__name__)


def pieces_qui_expirent(*, au):
    """Les documents obligatoires acceptés dont la validité finit dans les
    RAPPEL_DOCUMENT_JOURS jours qui suivent `au` (compris), sans rappel encore."""
    return PieceDossier.objects.filter(
        statut=PieceDossier.Statut.ACCEPTEE,
        valable_jusquau__gte=au,
        valable_jusquau__lte=au + datetime.timedelta(days=settings.RAPPEL_DOCUMENT_JOURS),
        rappel_expiration_le__isnull=True,
        type_document__actif=True,
        type_document__obligatoire=True,
    )


def rappeler_les_documents_qui_expirent(*, au):
    """Écrit à chaque famille dont un document obligatoire expire bientôt ; rend
    {famille: [Exigence]} pour les familles prévenues."""
    candidates = set(pieces_qui_expirent(au=au).values_list("pk", flat=True))
    if not candidates:
        return {}
    familles = (
        Famille.objects.filter(pieces_dossier__pk__in=candidates)
        .distinct()
        .prefetch_related("responsables")
        .order_by("pk")
    )
    prevenues = {}
    for famille_pk, exigences in exigences_des_familles(familles, au=au).items():
        a_renouveler = [
            exigence
            for exigence in exigences
            if exigence.obligatoire
            and exigence.en_attente is None
            and exigence.valable is not None
            and exigence.valable.pk in candidates
        ]
        if a_renouveler:
            famille = next(f for f in familles if f.pk == famille_pk)
            if _prevenir(famille, a_renouveler):
                prevenues[famille] = a_renouveler
    return prevenues


def _prevenir(famille, exigences):
    """Le courriel de la famille et la note de chaque document rappelé, ensemble ; faux si un
    autre passage les a déjà rappelés."""
    with transaction.atomic():
        # Les pièces verrouillées puis relues : un passage simultané attend ici, puis voit
        # le rappel noté par le premier.
        notes = dict(
            PieceDossier.objects.select_for_update()
            .filter(pk__in=[exigence.valable.pk for exigence in exigences])
            .values_list("pk", "rappel_expiration_le")
        )
        exigences = [exigence for exigence in exigences if notes[exigence.valable.pk] is None]
        if not exigences:
            return False
        PieceDossier.objects.filter(pk__in=[exigence.valable.pk for exigence in exigences]).update(
            rappel_expiration_le=timezone.now()
        )
        adresses = destinataires(famille)
        envoyer_courriel(
            adresses=adresses,
            sujet="Portail Familles : des documents de votre dossier arrivent à expiration",
            gabarit="rappel_documents",
            contexte={
                "famille": famille,
                "exigences": exigences,
                "lien": lien_portail(reverse("mon_dossier")),
            },
        )
    logger.info(
        "Rappel à la famille %s : %s document(s) qui expirent, %s courriel(s)",
        famille.numero,
        len(exigences),
        len(adresses),
    )
    return True
