"""Le bouton « Payer en ligne » ne s'affiche que là où le paiement est possible.

`{% factures_payables as payables %}` : les id des factures payables de la famille connectée
(une requête, pour le relevé) ; `{% payable_en_ligne facture as payable %}` : la même règle pour
une facture annotée de reste_a_payer (sans requête, pour l'accueil)."""

from django import template

from facturation import paiement

register = template.Library()


def _famille(context):
    return getattr(context.get("request"), "famille", None)


@register.simple_tag(takes_context=True)
def factures_payables(context):
    famille = _famille(context)
    return paiement.factures_payables(famille=famille) if famille is not None else set()


@register.simple_tag(takes_context=True)
def payable_en_ligne(context, facture):
    famille = _famille(context)
    return (
        famille is not None
        and facture.famille_id == famille.pk
        and (paiement.est_payable(facture, famille))
    )
