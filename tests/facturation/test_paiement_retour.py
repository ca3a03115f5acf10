"""La page de retour de PayFiP : la référence du paiement ne suffit pas à en voir le détail.
Seule la famille connectée qui doit la facture voit le numéro, le montant et l'adresse du reçu ;
les autres lisent une page neutre, et le paiement est confirmé quand même."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from facturation import paiement, simulateur_payfip
from facturation.models import Facture, TransactionEnLigne
from tests.factories import FactureFactory, RegieFactory

EMAIL = "parent.paiement@exemple.fr"
NEUTRE = "Le résultat de votre paiement vous sera communiqué sur le portail une fois connecté."


@pytest.fixture(autouse=True)
def simulateur(settings):
    settings.PAYFIP_BACKEND = "simulateur"
    settings.PAYFIP_MONTANT_MINIMUM = Decimal("1.00")


@pytest.fixture
def adresse_de_retour(dupont):
    """Dupont paie AL-39 (171,30 €) ; l'adresse de retour avec la réponse « payée » de
    PayFiP, avant toute notification."""
    aujourdhui = timezone.localdate()
    facture = FactureFactory(
        famille=dupont,
        regie=RegieFactory(payfip_numcli="123456"),
        rang=39,
        montant=Decimal("171.30"),
        date_facture=aujourdhui - datetime.timedelta(days=5),
        date_echeance=aujourdhui + datetime.timedelta(days=10),
    )
    transaction, url = paiement.commencer_paiement(
        facture=facture, email=EMAIL, adresse_absolue=lambda chemin: f"http://testserver{chemin}"
    )
    idop = parse_qs(urlsplit(url).query)["idop"][0]
    reponse = simulateur_payfip.signer(
        {"idop": idop, "montant": "171.30", "statut": TransactionEnLigne.Statut.PAYEE}
    )
    return (
        reverse("paiement_retour", args=[transaction.reference])
        + "?"
        + urlencode({"idop": reponse})
    )


def confidentiel(page):
    """Ce qu'un tiers ne doit pas lire : le numéro de la facture, le montant, l'adresse."""
    contenu = page.content.decode()
    return [secret for secret in ("AL-39", "171,30", EMAIL) if secret in contenu]


def reste(facture_numero="AL-39"):
    return Facture.objects.avec_reste_a_payer().get(numero=facture_numero).reste_a_payer


def test_la_famille_qui_a_paye_voit_le_detail(client_dupont, adresse_de_retour):
    page = client_dupont.get(adresse_de_retour)
    assert page.status_code == 200
    assert "Paiement accepté" in page.content.decode()
    assert confidentiel(page) == ["AL-39", "171,30", EMAIL]
    assert reste() == 0


def test_un_visiteur_deconnecte_lit_une_page_neutre_et_le_paiement_est_confirme(
    client, adresse_de_retour
):
    page = client.get(adresse_de_retour)
    assert page.status_code == 200
    assert NEUTRE in page.content.decode()
    assert confidentiel(page) == []
    assert "Paiement accepté" not in page.content.decode()
    # La session a pu expirer pendant le paiement : la réponse de PayFiP compte quand même.
    assert TransactionEnLigne.objects.get().statut == "payee"
    assert reste() == 0


def test_une_autre_famille_lit_une_page_neutre(client_martin, adresse_de_retour):
    page = client_martin.get(adresse_de_retour)
    assert page.status_code == 200
    assert NEUTRE in page.content.decode()
    assert confidentiel(page) == []
    assert reste() == 0


def test_sans_reponse_de_payfip_un_tiers_ne_voit_rien_non_plus(client, client_martin, dupont):
    aujourdhui = timezone.localdate()
    facture = FactureFactory(
        famille=dupont,
        rang=39,
        montant=Decimal("171.30"),
        date_facture=aujourdhui,
        date_echeance=aujourdhui + datetime.timedelta(days=10),
    )
    transaction, _ = paiement.commencer_paiement(
        facture=facture, email=EMAIL, adresse_absolue=lambda chemin: f"http://testserver{chemin}"
    )
    page = client_martin.get(reverse("paiement_retour", args=[transaction.reference]))
    assert NEUTRE in page.content.decode()
    assert confidentiel(page) == []
