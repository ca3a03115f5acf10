"""Le fichier de prélèvement SEPA (pain.008) d'un mois, fait avec sepaxml.

Une transaction par facture impayée du mois, pour les familles en prélèvement automatique
qui ont un IBAN. Chaque famille a un mandat (MandatSepa) : sa référence unique (RUM) et sa
date ; il est créé au premier export, avec l'IBAN et le BIC de la famille.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from sepaxml import SepaDD

from facturation.models import Facture, MandatSepa


def mandat_de(famille, *, le=None):
    """Le mandat SEPA de la famille, créé s'il manque (RUM : « RUM-<N° famille> »)."""
    mandat, _ = MandatSepa.objects.get_or_create(
        famille=famille,
        defaults={
            "reference": f"RUM-{famille.numero}",
            "date_signature": le or timezone.localdate(),
            "iban": famille.iban.replace(" ", "").upper(),
            "bic": famille.bic.replace(" ", "").upper(),
        },
    )
    return mandat


def factures_a_prelever(*, regie, mois):
    debut = mois.replace(day=1)
    fin = (debut + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return (
        Facture.objects.impayees()
        .filter(
            regie=regie,
            periode_debut__gte=debut,
            periode_debut__lte=fin,
            famille__prelevement_automatique=True,
        )
        .exclude(famille__iban="")
        .select_related("famille")
        .order_by("rang")
    )


def _configuration():
    creancier = settings.PRELEVEMENT_CREANCIER
    manquants = [cle for cle in ("nom", "iban", "ics") if not creancier.get(cle)]
    if manquants:
        raise ImproperlyConfigured(
            "Le créancier du prélèvement n'est pas configuré : PRELEVEMENT_CREANCIER_"
            + ", PRELEVEMENT_CREANCIER_".join(m.upper() for m in manquants)
            + "."
        )
    config = {
        "name": creancier["nom"][:70],
        "IBAN": creancier["iban"].replace(" ", ""),
        "batch": True,
        "creditor_id": creancier["ics"],
        "currency": "EUR",
    }
    if creancier.get("bic"):
        config["BIC"] = creancier["bic"]
    return config


def _debiteur(famille):
    titulaire = famille.titulaire
    nom = famille.titulaire_compte or (titulaire.nom_complet if titulaire else famille.numero)
    return nom[:70]


@transaction.atomic
def exporter_prelevements(*, regie, mois):
    """Le fichier pain.008.001.02 (bytes) des factures impayées du mois de `mois` (une date
    du mois) de la régie, pour les familles en prélèvement automatique avec un IBAN."""
    sepa = SepaDD(_configuration(), schema="pain.008.001.02", clean=True)
    for facture in factures_a_prelever(regie=regie, mois=mois):
        famille = facture.famille
        mandat = mandat_de(famille)
        paiement = {
            "name": _debiteur(famille),
            "IBAN": mandat.iban,
            "amount": int(facture.reste_a_payer * 100),
            "type": "RCUR",
            "collection_date": max(facture.date_echeance, timezone.localdate()),
            "mandate_id": mandat.reference,
            "mandate_date": mandat.date_signature,
            "description": f"Facture {facture.numero} du {facture.date_facture:%d/%m/%Y}",
            "endtoend_id": facture.numero.replace("-", ""),
        }
        if mandat.bic:
            paiement["BIC"] = mandat.bic
        sepa.add_payment(paiement)
    return sepa.export(validate=True)
