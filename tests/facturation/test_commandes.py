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
from travaux.models import Travail


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


def test_facturer_launches_a_job_and_prints_one_line(planning):
    sortie = appeler("facturer", "--mois", "2026-11", "--regie", "AL")

    travail = Travail.objects.get()
    assert sortie == (
        f"Facturation de 11/2026 lancée : 1 travail(s) (n° {travail.pk}), 1 régie(s) ; à suivre "
        "dans l'administration : http://127.0.0.1:8000/admin/travaux/travail/\n"
    )
    assert travail.titre == "Facturation de novembre 2026 — Régie garderie ALSH"
    assert travail.etat == Travail.Etat.EN_ATTENTE
    assert not Facture.objects.exists()  # le worker facture, pas la commande


def test_the_job_launched_by_facturer_bills_the_month(
    planning, taches_immediates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeler("facturer", "--mois", "2026-11", "--regie", "AL")

    assert Facture.objects.get().numero == "AL-38"
    travail = Travail.objects.get()
    assert (travail.etat, travail.rapport["factures"]) == (Travail.Etat.TERMINE, 1)
    assert travail.rapport["montant"] == "15,00\xa0€"


def test_facturer_without_regie_launches_one_job_per_regie(planning):
    RegieFactory(nom="Régie périscolaire", prefixe="RS")

    appeler("facturer", "--mois", "2026-11")

    assert sorted(Travail.objects.values_list("titre", flat=True)) == [
        "Facturation de novembre 2026 — Régie garderie ALSH",
        "Facturation de novembre 2026 — Régie périscolaire",
    ]


@pytest.mark.parametrize("mois", ["2026-13", "novembre", "2026"])
def test_a_bad_month_is_refused_in_french_and_nothing_is_written(planning, mois):
    with pytest.raises(CommandError, match="Mois invalide"):
        appeler("facturer", "--mois", mois)

    assert not Travail.objects.exists()


def test_an_unknown_regie_is_refused_in_french(planning):
    with pytest.raises(CommandError, match="Régie inconnue : « ZZ »"):
        appeler("facturer", "--mois", "2026-11", "--regie", "ZZ")

    assert not Travail.objects.exists()


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
