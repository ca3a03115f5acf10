"""Exactement une fois, sur PostgreSQL : la notification et le retour du navigateur arrivent
ensemble (ou dix notifications à la fois), un seul règlement."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from facturation import paiement, simulateur_payfip
from facturation.models import Facture, Reglement, TransactionEnLigne
from facturation.views import paiement as vues_paiement
from tests.factories import (
    FactureFactory,
    FamilleFactory,
    RegieFactory,
    ResponsableFactory,
    UtilisateurFactory,
)
from tests.facturation.test_numerotation import en_parallele


@pytest.fixture
def transaction_payee(settings):
    """Une transaction commencée et la réponse « payée » du simulateur, pas encore reçue."""
    settings.PAYFIP_BACKEND = "simulateur"
    famille = FamilleFactory()
    ResponsableFactory(famille=famille, utilisateur=UtilisateurFactory())
    aujourdhui = timezone.localdate()
    facture = FactureFactory(
        famille=famille,
        regie=RegieFactory(),
        montant=Decimal("42.50"),
        date_facture=aujourdhui - datetime.timedelta(days=5),
        date_echeance=aujourdhui + datetime.timedelta(days=10),
    )
    transaction, url = paiement.commencer_paiement(
        facture=facture,
        email="parent@exemple.fr",
        adresse_absolue=lambda chemin: f"http://testserver{chemin}",
    )
    idop = parse_qs(urlsplit(url).query)["idop"][0]
    reponse = simulateur_payfip.signer(
        {"idop": idop, "montant": "42.50", "statut": TransactionEnLigne.Statut.PAYEE}
    )
    return transaction, reponse


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_la_notification_et_le_retour_ensemble_font_un_seul_reglement(transaction_payee):
    transaction, reponse = transaction_payee
    retour = reverse("paiement_retour", args=[transaction.reference])
    statuts = []

    def notifier():
        statuts.append(
            vues_paiement.traiter_notification(transaction.reference, {"idop": reponse}).status_code
        )

    def revenir():
        statuts.append(Client().get(retour, {"idop": reponse}).status_code)

    assert en_parallele(notifier, revenir, notifier, revenir) == []
    assert statuts == [200, 200, 200, 200]
    assert Reglement.objects.count() == 1
    facture = Facture.objects.avec_reste_a_payer().get(pk=transaction.facture_id)
    assert facture.reste_a_payer == 0


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_dix_notifications_simultanees_font_un_seul_reglement(transaction_payee):
    transaction, reponse = transaction_payee

    def notifier():
        paiement.confirmer_paiement(reference=transaction.reference, donnees={"idop": reponse})

    assert en_parallele(*[notifier] * 10) == []
    assert Reglement.objects.count() == 1
    transaction.refresh_from_db()
    assert transaction.statut == TransactionEnLigne.Statut.PAYEE
    assert [etape["statut"] for etape in transaction.historique] == ["en_cours", "payee"]
