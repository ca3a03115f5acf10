"""Le bouton « Payer en ligne » ne s'affiche que là où le paiement est possible.

`{% payable_en_ligne facture as payable %}` : pour une facture annotée de reste_a_payer (sans
requête, pour l'accueil). Le relevé reçoit de sa vue les id de ses factures payables
(paiement.factures_payables)."""

from django import template
from django.utils import timezone

from facturation import paiement
from facturation.comptes import raison_sans_paiement_en_ligne

register = template.Library()


def _famille(context):
    return getattr(context.get("request"), "famille", None)


@register.simple_tag(takes_context=True)
def payable_en_ligne(context, facture):
    famille = _famille(context)
    return (
        famille is not None
        and facture.famille_id == famille.pk
        and (paiement.est_payable(facture, famille))
    )


@register.simple_tag(takes_context=True)
def raison_sans_paiement(context, facture):
    """Pourquoi une facture impayée (annotée de reste_a_payer) n'a pas de bouton « Payer en
    ligne », ou "" ; sans requête."""
    famille = _famille(context)
    if famille is None or facture.famille_id != famille.pk:
        return ""
    return raison_sans_paiement_en_ligne(facture, famille=famille, maintenant=timezone.now())
