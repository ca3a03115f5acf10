"""Les règlements : numérotés dans la suite de la régie, répartis sur les factures sans
dépasser ce qui reste dû ; une affectation qui ne convient pas n'écrit rien."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from facturation import services
from facturation.models import Affectation, Facture, Reglement
from tests.factories import FactureFactory, RegieFactory

LE_10 = datetime.date(2026, 11, 10)


@pytest.fixture
def regie(db):
    return RegieFactory(dernier_numero_reglement=228)


@pytest.fixture
def al36(regie, dupont):
    return FactureFactory(regie=regie, famille=dupont, rang=36, montant=Decimal("120.60"))


def regler(regie, famille, montant, affectations, **options):
    return services.enregistrer_reglement(
        famille=famille,
        regie=regie,
        mode=Reglement.Mode.CHEQUE,
        montant=Decimal(montant),
        date=LE_10,
        affectations=affectations,
        **options,
    )


def test_a_payment_is_numbered_and_pays_the_invoice(regie, dupont, al36, agent):
    reglement = regler(regie, dupont, "120.60", {al36: Decimal("120.60")}, par=agent)

    assert reglement.numero == "AL-229"
    assert reglement.saisi_par == agent
    facture = Facture.objects.avec_reste_a_payer().get(pk=al36.pk)
    assert facture.reste_a_payer == Decimal("0.00")
    assert not Facture.objects.impayees().exists()


def test_a_partial_payment_leaves_the_rest_due(regie, dupont, al36):
    regler(regie, dupont, "50.00", {al36: Decimal("50.00")})

    assert Facture.objects.impayees().get().reste_a_payer == Decimal("70.60")


def test_an_over_allocation_is_refused_and_nothing_is_written(regie, dupont, al36):
    regler(regie, dupont, "100.00", {al36: Decimal("100.00")})

    with pytest.raises(ValidationError) as erreur:
        regler(regie, dupont, "50.00", {al36: Decimal("30.00")})

    assert "Il ne reste que 20,60" in erreur.value.messages[0]
    assert Reglement.objects.count() == 1
    regie.refresh_from_db()
    assert regie.dernier_numero_reglement == 229


def test_allocations_cannot_exceed_the_payment(regie, dupont, al36):
    with pytest.raises(ValidationError, match="dépassent le montant du règlement"):
        regler(regie, dupont, "10.00", {al36: Decimal("20.00")})

    assert not Reglement.objects.exists()
    assert not Affectation.objects.exists()


def test_a_payment_cannot_pay_another_family_invoice(regie, martin, al36):
    with pytest.raises(ValidationError, match="celle d'une autre famille"):
        regler(regie, martin, "120.60", {al36: Decimal("120.60")})

    assert not Reglement.objects.exists()


def test_a_payment_cannot_pay_another_regie_invoice(dupont, al36):
    autre = RegieFactory(nom="Régie restauration", prefixe="RS")

    with pytest.raises(ValidationError, match="autre régie"):
        regler(autre, dupont, "120.60", {al36: Decimal("120.60")})

    assert not Reglement.objects.exists()


def test_a_zero_allocation_is_refused(regie, dupont, al36):
    with pytest.raises(ValidationError, match="doit être positif"):
        regler(regie, dupont, "10.00", {al36: Decimal("0")})

    assert not Reglement.objects.exists()


def test_the_admin_form_records_a_cheque_through_the_service(client_agent, regie, dupont, al36):
    response = client_agent.post(
        "/admin/facturation/reglement/add/",
        {
            "regie": regie.pk,
            "famille": dupont.pk,
            "date": "10/11/2026",
            "mode": "cheque",
            "montant": "120.60",
            "reference": "0001234",
            "observations": "",
            "affectations-TOTAL_FORMS": "1",
            "affectations-INITIAL_FORMS": "0",
            "affectations-MIN_NUM_FORMS": "0",
            "affectations-MAX_NUM_FORMS": "1000",
            "affectations-0-facture": al36.pk,
            "affectations-0-montant": "120.60",
        },
    )

    assert response.status_code == 302
    reglement = Reglement.objects.get()
    assert reglement.numero == "AL-229"
    assert reglement.affectations.get().facture == al36
