"""La transmission des impayés planifiée : chaque jour, `transmettre_impayes --jour-des-regies`
ne transmet que pour les régies dont c'est le jour (Regie.jour_transmission_impayes), et une
fois seulement."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from facturation.models import Regie, Reglement
from tests.factories import FactureFactory, RegieFactory


@pytest.fixture
def deux_regies(dupont):
    """AL transmet le 5 du mois ; CA n'a pas de jour (elle transmet elle-même). Chacune a une
    facture de novembre impayée, échue le 30/11/2026."""
    alsh = RegieFactory(prefixe="AL", nom="Régie garderie ALSH", jour_transmission_impayes=5)
    cantine = RegieFactory(prefixe="CA", nom="Régie cantine")
    FactureFactory(famille=dupont, regie=alsh, rang=36)
    FactureFactory(famille=dupont, regie=cantine, rang=12)
    return alsh, cantine


def transmettre(date):
    sortie = StringIO()
    call_command("transmettre_impayes", "--jour-des-regies", "--date", date, stdout=sortie)
    return sortie.getvalue()


def titres():
    return list(
        Reglement.objects.filter(mode=Reglement.Mode.TITRE_EMIS)
        .order_by("pk")
        .values_list("affectations__facture__numero", flat=True)
    )


def test_hors_du_jour_de_la_regie_rien_n_est_transmis(deux_regies):
    assert transmettre("2026-12-04") == "Aucune régie ne transmet ses impayés le 04/12/2026.\n"
    assert titres() == []


def test_le_jour_de_la_regie_ses_impayes_seuls_sont_transmis_une_fois(deux_regies):
    sortie = transmettre("2026-12-05")

    assert sortie == (
        "AL : 1 facture(s) transmise(s) au Trésor public (ORMC n°ORMC-2026-1), 100,00\xa0€.\n"
    )
    assert titres() == ["AL-36"]
    assert transmettre("2026-12-05") == "AL : Aucune facture impayée échue au 05/12/2026.\n"
    assert titres() == ["AL-36"]


@pytest.mark.parametrize(
    ("jour", "date", "attendu"),
    [
        (31, datetime.date(2027, 2, 28), True),  # février n'a pas de 31 : son dernier jour
        (31, datetime.date(2027, 2, 27), False),
        (31, datetime.date(2026, 12, 31), True),
        (15, datetime.date(2026, 12, 15), True),
        (None, datetime.date(2026, 12, 15), False),
    ],
)
def test_le_jour_de_transmission_d_un_mois_plus_court_est_son_dernier(jour, date, attendu):
    assert Regie(jour_transmission_impayes=jour).transmet_les_impayes_le(date) is attendu
