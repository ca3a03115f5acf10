"""La transmission au Trésor public : chaque facture impayée échue reçoit un règlement
« Titre émis (ORMC n°X) » de ce qui reste dû, une seule fois."""

import datetime
from decimal import Decimal

import pytest

from facturation import services
from facturation.models import Facture, Reglement
from tests.factories import AffectationFactory, FactureFactory, RegieFactory, ReglementFactory

LE_15_DECEMBRE = datetime.date(2026, 12, 15)


@pytest.fixture
def regie(db):
    return RegieFactory(dernier_numero_reglement=228)


@pytest.fixture
def echue(regie, martin):
    """AL-7 : 100,00 €, échue le 30 novembre, 40,00 € déjà payés."""
    facture = FactureFactory(regie=regie, famille=martin, rang=7)
    AffectationFactory(
        reglement=ReglementFactory(regie=regie, famille=martin, montant=Decimal("40.00")),
        facture=facture,
        montant=Decimal("40.00"),
    )
    return facture


def test_unpaid_invoices_past_due_become_titres_emis_for_what_remains(regie, echue):
    a_venir = FactureFactory(
        regie=regie, famille=echue.famille, rang=8, date_echeance=datetime.date(2026, 12, 31)
    )

    rapport = services.transmettre_impayes(au=LE_15_DECEMBRE)

    titre = Reglement.objects.get(mode=Reglement.Mode.TITRE_EMIS)
    assert rapport.reglements == [titre]
    assert titre.montant == Decimal("60.00")
    assert titre.reference == "ORMC-2026-1"
    assert titre.numero == "AL-229"
    assert titre.affectations.get().facture == echue
    assert titre.description == "Règlement : Titre émis (ORMC n°ORMC-2026-1)"
    assert list(Facture.objects.impayees()) == [a_venir]


def test_transmitting_twice_transmits_nothing_twice(regie, echue):
    services.transmettre_impayes(au=LE_15_DECEMBRE)

    second = services.transmettre_impayes(au=LE_15_DECEMBRE)

    assert second.reglements == []
    assert Reglement.objects.filter(mode=Reglement.Mode.TITRE_EMIS).count() == 1


def test_the_ormc_number_can_be_given(regie, echue):
    services.transmettre_impayes(au=LE_15_DECEMBRE, numero_ormc="4521")

    titre = Reglement.objects.get(mode=Reglement.Mode.TITRE_EMIS)
    assert titre.libelle_mode == "Titre émis (ORMC n°4521)"


def test_a_second_transmission_gets_the_next_ormc_number(regie, echue, dupont):
    services.transmettre_impayes(au=LE_15_DECEMBRE)
    FactureFactory(regie=regie, famille=dupont, rang=9)

    rapport = services.transmettre_impayes(au=LE_15_DECEMBRE)

    assert rapport.numero_ormc == "ORMC-2026-2"


def test_the_statement_shows_the_titre_emis(client_dupont, regie, dupont):
    facture = FactureFactory(regie=regie, famille=dupont, rang=12)
    services.transmettre_impayes(au=LE_15_DECEMBRE, numero_ormc="4521")

    response = client_dupont.get("/releve/?annee=2026")

    assert facture.affectations.get().reglement.mode == Reglement.Mode.TITRE_EMIS
    assert "Titre émis (ORMC n°4521)" in response.content.decode()


def test_the_admin_action_transmits_the_selected_invoices(client_agent, regie, martin):
    echue = FactureFactory(
        regie=regie,
        famille=martin,
        rang=7,
        date_echeance=datetime.date.today() - datetime.timedelta(days=1),
    )

    response = client_agent.post(
        "/admin/facturation/facture/",
        {
            "action": "transmettre_au_tresor_public",
            "_selected_action": [echue.pk],
            "confirmer": "1",
            "numero_ormc": "4522",
        },
    )

    assert response.status_code == 302
    titre = Reglement.objects.get(mode=Reglement.Mode.TITRE_EMIS)
    assert titre.reference == "4522"
    assert titre.affectations.get().facture == echue
