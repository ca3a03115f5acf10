"""Le backend `payfip_ws` d'eopayment, ses appels SOAP remplacés au niveau de son client PayFiP."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from facturation.models import Facture, Reglement, TransactionEnLigne
from tests.factories import FactureFactory, RegieFactory
from tests.outils import texte

Statut = TransactionEnLigne.Statut


@pytest.fixture
def facture(dupont):
    aujourdhui = timezone.localdate()
    return FactureFactory(
        famille=dupont,
        regie=RegieFactory(payfip_numcli="123456"),
        rang=36,
        montant=Decimal("42.50"),
        date_facture=aujourdhui - datetime.timedelta(days=5),
        date_echeance=aujourdhui + datetime.timedelta(days=10),
    )


def commencer(client, facture):
    reponse = client.post(
        reverse("payer_facture", args=[facture.pk]), {"email": "jean.dupont@wanadoo.fr"}
    )
    assert reponse.status_code == 302
    return reponse, TransactionEnLigne.objects.get()


def test_payfip_recoit_numcli_saisie_refdet_et_le_reste_a_payer(client_dupont, payfip, facture):
    reponse, transaction = commencer(client_dupont, facture)
    assert reponse.url == "https://www.payfip.gouv.fr/tpa/paiementws.web?idop=IDOP0001"
    demande = payfip["demandes"][0]
    assert demande["numcli"] == "123456"
    assert demande["saisie"] == "T"
    assert demande["refdet"] == "AL-36"
    assert demande["montant"] == "4250"  # en centimes
    assert demande["mel"] == "jean.dupont@wanadoo.fr"
    assert demande["url_notification"].endswith(
        reverse("paiement_notification", args=[transaction.reference])
    )
    assert demande["url_redirect"].endswith(
        reverse("paiement_retour", args=[transaction.reference])
    )
    assert transaction.idop == "IDOP0001"


def test_la_notification_payfip_confirmee_regle_la_facture(client, client_dupont, payfip, facture):
    _, transaction = commencer(client_dupont, facture)
    url = reverse("paiement_notification", args=[transaction.reference])
    for _ in range(3):
        assert client.post(url, {"idOp": "IDOP0001"}).status_code == 200
    transaction.refresh_from_db()
    assert transaction.statut == Statut.PAYEE
    assert "112233" in transaction.reference_passerelle
    reglement = Reglement.objects.get()
    assert reglement.mode == Reglement.Mode.PAIEMENT_EN_LIGNE
    assert Facture.objects.avec_reste_a_payer().get(pk=facture.pk).reste_a_payer == 0


def test_le_retour_payfip_est_confirme_aupres_de_payfip(client_dupont, payfip, facture):
    _, transaction = commencer(client_dupont, facture)
    payfip["resultrans"] = "R"
    retour = client_dupont.post(
        reverse("paiement_retour", args=[transaction.reference]), {"idOp": "IDOP0001"}
    )
    assert "Paiement refusé" in texte(retour)
    assert not Reglement.objects.exists()


def test_un_paiement_payfip_au_mauvais_montant_est_refuse(client, client_dupont, payfip, facture):
    _, transaction = commencer(client_dupont, facture)
    payfip["montant"] = "100"
    url = reverse("paiement_notification", args=[transaction.reference])
    assert client.post(url, {"idOp": "IDOP0001"}).status_code == 400
    assert not Reglement.objects.exists()


def test_un_idop_inconnu_de_payfip_est_refuse(client, client_dupont, payfip, facture):
    _, transaction = commencer(client_dupont, facture)
    payfip["erreur"] = "P1"  # idop inconnu : eopayment répond « expiré »
    url = reverse("paiement_notification", args=[transaction.reference])
    assert client.post(url, {"idOp": "IDOP0001"}).status_code == 200
    transaction.refresh_from_db()
    assert transaction.statut == Statut.EXPIREE
    payfip["erreur"] = "P3"
    assert client.post(url, {"idOp": "IDOP0001"}).status_code == 400
    assert client.post(url, {"idOp": "AUTRE"}).status_code == 400
    assert client.post(url, {}).status_code == 400
    assert not Reglement.objects.exists()


def test_payfip_en_attente_ne_regle_rien(client_dupont, payfip, facture):
    _, transaction = commencer(client_dupont, facture)
    payfip["erreur"] = "P5"  # paiement en cours chez PayFiP
    retour = client_dupont.get(
        reverse("paiement_retour", args=[transaction.reference]), {"idop": "IDOP0001"}
    )
    assert "Paiement en attente" in texte(retour)
    assert not Reglement.objects.exists()
