"""Les trop-perçus dans l'administration (la liste, l'action « Rembourser ») et sur le relevé de
compte de la famille."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from facturation import paiement
from facturation.comptes import Compte, solde_famille
from facturation.models import Reglement, TropPercu
from facturation.services import enregistrer_reglement
from tests.factories import FactureFactory, RegieFactory
from tests.outils import texte

LISTE = "admin:facturation_troppercu_changelist"
AUJOURDHUI = datetime.date(2026, 12, 7)


def trop_percu_de(famille, *, montant="171.30", jour=AUJOURDHUI, rang=39):
    """Un paiement en ligne de `montant` reçu pour une facture déjà réglée par chèque."""
    regie = RegieFactory()
    facture = FactureFactory(
        famille=famille,
        regie=regie,
        rang=rang,
        montant=Decimal(montant),
        date_facture=jour - datetime.timedelta(days=5),
        date_echeance=jour + datetime.timedelta(days=10),
    )
    enregistrer_reglement(
        famille=famille,
        regie=regie,
        mode=Reglement.Mode.CHEQUE,
        montant=facture.montant,
        date=jour,
        affectations={facture: facture.montant},
    )
    reglement = enregistrer_reglement(
        famille=famille,
        regie=regie,
        mode=Reglement.Mode.PAIEMENT_EN_LIGNE,
        montant=facture.montant,
        date=jour,
    )
    return paiement.enregistrer_trop_percu(
        reglement=reglement, facture=facture, montant=facture.montant, reste_a_payer=Decimal(0)
    )


@pytest.fixture(autouse=True)
def le_7_decembre(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: AUJOURDHUI)


def rembourser(client, trop_percu, **champs):
    donnees = {
        "action": "rembourser",
        "_selected_action": [trop_percu.pk],
        "confirmer": "1",
        "date": "07/12/2026",
        "mode": "cheque",
        "reference": "CHQ 0012",
        **champs,
    }
    return client.post(reverse(LISTE), donnees, follow=True)


def test_la_liste_se_filtre_par_statut(client_agent, dupont, martin):
    a_rembourser = trop_percu_de(dupont)
    rembourse = trop_percu_de(martin, montant="12.40", rang=40)
    paiement.rembourser_trop_percu(trop_percu=rembourse, date=AUJOURDHUI, mode="virement")
    page = texte(client_agent.get(reverse(LISTE), {"statut__exact": "a_rembourser"}))
    assert a_rembourser.reglement.numero in page
    assert "171,30 €" in page
    assert "12,40 €" not in page
    page = texte(client_agent.get(reverse(LISTE), {"statut__exact": "rembourse"}))
    assert "12,40 €" in page
    assert "07/12/2026, Virement" in page


def test_la_liste_tient_en_un_nombre_borne_de_requetes(
    client_agent, dupont, martin, django_assert_max_num_queries
):
    for rang, famille in enumerate([dupont, martin, dupont], start=40):
        trop_percu_de(famille, rang=rang)
    with django_assert_max_num_queries(12):
        assert client_agent.get(reverse(LISTE)).status_code == 200


def test_une_date_avant_le_paiement_ne_rembourse_rien(client_agent, dupont):
    trop_percu = trop_percu_de(dupont)
    page = rembourser(client_agent, trop_percu, date="06/12/2026")
    assert "ne peut pas précéder le paiement reçu le 07/12/2026" in texte(page)
    page = rembourser(client_agent, trop_percu, date="31/02/2026")
    assert "Date invalide" in texte(page)
    trop_percu.refresh_from_db()
    assert trop_percu.statut == TropPercu.Statut.A_REMBOURSER
    assert solde_famille(famille=dupont, au=AUJOURDHUI) == Decimal("-171.30")


def test_le_service_ne_rembourse_pas_deux_fois(dupont, agent):
    trop_percu = trop_percu_de(dupont)
    paiement.rembourser_trop_percu(trop_percu=trop_percu, date=AUJOURDHUI, mode="cheque", par=agent)
    with pytest.raises(ValidationError, match="déjà remboursé"):
        paiement.rembourser_trop_percu(trop_percu=trop_percu, date=AUJOURDHUI, mode="virement")
    with pytest.raises(ValidationError, match="Mode de remboursement inconnu"):
        paiement.rembourser_trop_percu(
            trop_percu=trop_percu_de(dupont, rang=40), date=AUJOURDHUI, mode="bitcoin"
        )


def test_la_fiche_se_consulte_sans_se_modifier(client_agent, dupont):
    trop_percu = trop_percu_de(dupont)
    fiche = client_agent.get(reverse("admin:facturation_troppercu_change", args=[trop_percu.pk]))
    assert fiche.status_code == 200
    assert "déjà réglée" in texte(fiche)
    assert 'name="montant"' not in fiche.content.decode()
    assert client_agent.get(reverse("admin:facturation_troppercu_add")).status_code == 403


def test_une_famille_n_atteint_pas_l_administration(client_dupont, dupont):
    trop_percu_de(dupont)
    assert client_dupont.get(reverse(LISTE)).status_code == 302
    assert client_dupont.post(reverse(LISTE), {"action": "rembourser"}).status_code == 302


def test_le_releve_montre_le_remboursement_au_debit_parmi_les_reglements(
    client_dupont, dupont, django_assert_max_num_queries
):
    trop_percu = trop_percu_de(dupont, jour=datetime.date(2026, 12, 1))
    paiement.rembourser_trop_percu(trop_percu=trop_percu, date=AUJOURDHUI, mode="virement")
    releve = Compte.de_la_famille(dupont).releve(AUJOURDHUI)
    (ligne,) = [op for op in releve.operations if op.debit and not op.facture_id]
    assert ligne.description == (
        f"Remboursement du trop-perçu (règlement {trop_percu.reglement.numero})"
    )
    assert ligne.debit == Decimal("171.30")
    assert ligne in releve.operations_de("reglements")
    assert releve.solde == 0
    # Pas de requête de plus que le relevé sans trop-perçu.
    with django_assert_max_num_queries(6):
        page = texte(client_dupont.get(reverse("releve"), {"vue": "reglements"}))
    assert "Remboursement du trop-perçu" in page
    assert solde_famille(famille=dupont, au=AUJOURDHUI) == 0
    # La veille du remboursement, le solde était en faveur de la famille.
    veille = AUJOURDHUI - datetime.timedelta(days=1)
    assert solde_famille(famille=dupont, au=veille) == Decimal("-171.30")
    assert Compte.de_la_famille(dupont).solde(veille) == Decimal("-171.30")
