"""Les commandes `facturer` et `transmettre_impayes` : une ligne de résumé, une erreur en
français et rien d'écrit quand l'entrée ne convient pas."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from facturation.models import Facture, Reglement
from tests.factories import (
    FactureFactory,
    JourneeFactory,
    PrestationFactory,
    RegieFactory,
    TarifFactory,
)


@pytest.fixture
def regie(db):
    return RegieFactory(dernier_numero_facture=37)


@pytest.fixture
def planning(regie, dupont):
    prestation = PrestationFactory(nom="ALSH Mercredi journée", jours_ouverture="3")
    TarifFactory(prestation=prestation, regie=regie, prix_unitaire=Decimal("15.00"))
    JourneeFactory(
        enfant=dupont.enfants.get(), prestation=prestation, date=datetime.date(2026, 11, 4)
    )


def appeler(*args):
    sortie = StringIO()
    call_command(*args, stdout=sortie)
    return sortie.getvalue()


def test_facturer_bills_the_month_and_prints_one_line(planning):
    sortie = appeler("facturer", "--mois", "2026-11", "--regie", "AL")

    assert sortie == "Facturation de 11/2026 : 1 facture(s), 1 ligne(s), 15,00\xa0€ (1 régie(s)).\n"
    assert Facture.objects.get().numero == "AL-38"


def test_facturer_without_regie_bills_every_regie(planning):
    appeler("facturer", "--mois", "2026-11")

    assert Facture.objects.count() == 1


@pytest.mark.parametrize("mois", ["2026-13", "novembre", "2026"])
def test_a_bad_month_is_refused_in_french_and_nothing_is_written(planning, mois):
    with pytest.raises(CommandError, match="Mois invalide"):
        appeler("facturer", "--mois", mois)

    assert not Facture.objects.exists()


def test_an_unknown_regie_is_refused_in_french(planning):
    with pytest.raises(CommandError, match="Régie inconnue : « ZZ »"):
        appeler("facturer", "--mois", "2026-11", "--regie", "ZZ")

    assert not Facture.objects.exists()


def test_transmettre_impayes_prints_one_line(regie, martin):
    FactureFactory(regie=regie, famille=martin, rang=7)

    sortie = appeler("transmettre_impayes", "--date", "2026-12-15", "--ormc", "4521")

    assert sortie == "1 facture(s) transmise(s) au Trésor public (ORMC n°4521), 100,00\xa0€.\n"
    assert Reglement.objects.get().reference == "4521"


def test_transmettre_impayes_refuses_a_bad_date(regie, martin):
    FactureFactory(regie=regie, famille=martin, rang=7)

    with pytest.raises(CommandError, match="Date invalide"):
        appeler("transmettre_impayes", "--date", "2026-02-30")

    assert not Reglement.objects.exists()
