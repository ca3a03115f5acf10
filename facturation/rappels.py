"""Le rappel d'une facture impayée avant son échéance, par courriel (`rappeler_echeances`,
chaque matin).

RAPPEL_ECHEANCE_JOURS jours avant l'échéance (5 par défaut), les responsables d'une famille
qui acceptent les courriels reçoivent un rappel de chaque facture qui reste à payer : son
numéro, ce qui reste dû, la date limite et le lien pour la payer en ligne. Ni les familles au
prélèvement automatique (la régie prélève elle-même), ni les avoirs, ni une facture déjà
réglée ou transmise au Trésor public. Un seul rappel par facture (RappelEcheance), écrit avec
son courriel dans la même transaction : deux passages, même simultanés, n'en font qu'un.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from facturation.models import Facture, RappelEcheance
from familles.notifications import destinataires, envoyer_courriel, lien_portail

logger = logging.getLogger(__name__)


def factures_a_rappeler(*, au):
    """Les factures impayées dont l'échéance tombe dans les RAPPEL_ECHEANCE_JOURS jours qui
    suivent `au` (compris), sans rappel encore, hors prélèvement automatique."""
    return (
        Facture.objects.impayees()
        .filter(
            date_facture__lte=au,
            date_echeance__gte=au,
            date_echeance__lte=au + datetime.timedelta(days=settings.RAPPEL_ECHEANCE_JOURS),
            famille__prelevement_automatique=False,
            rappel_echeance__isnull=True,
        )
        .select_related("famille", "regie")
        .prefetch_related("famille__responsables")
        .order_by("date_echeance", "pk")
    )


def rappeler_les_echeances(*, au):
    """Envoie le rappel de chaque facture à rappeler au jour `au` ; rend les factures
    rappelées (celles qu'un autre passage simultané a déjà rappelées n'y sont pas)."""
    rappelees = []
    for facture in factures_a_rappeler(au=au):
        with transaction.atomic():
            adresses = destinataires(facture.famille)
            _, cree = RappelEcheance.objects.get_or_create(
                facture=facture, defaults={"destinataires": len(adresses)}
            )
            if not cree:
                continue
            envoyer_courriel(
                adresses=adresses,
                sujet=(
                    f"Portail Familles : facture {facture.numero} à régler avant le "
                    f"{facture.date_echeance:%d/%m/%Y}"
                ),
                gabarit="rappel_echeance",
                contexte={
                    "facture": facture,
                    "famille": facture.famille,
                    "reste_a_payer": facture.reste_a_payer,
                    "lien": lien_portail(reverse("releve")),
                },
            )
        rappelees.append(facture)
        logger.info(
            "Rappel de la facture %s (échéance %s) : %s courriel(s)",
            facture.numero,
            facture.date_echeance,
            len(adresses),
        )
    return rappelees
