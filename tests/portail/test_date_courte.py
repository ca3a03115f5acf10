"""Le filtre `date_courte` : le texte de `|date:"d/m/Y"` de Django, à l'heure de Paris."""

import datetime
import zoneinfo

import pytest
from django.template import engines

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _rendre(gabarit, **contexte):
    return engines["django"].from_string("{% load portail %}" + gabarit).render(contexte)


@pytest.mark.parametrize(
    "valeur",
    [
        datetime.date(2026, 12, 7),
        datetime.date(2027, 1, 1),
        # 23 h 30 en UTC le 31 décembre : déjà le 1er janvier à Paris.
        datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC),
        datetime.datetime(2026, 7, 14, 8, 0, tzinfo=PARIS),
        None,
        "",
    ],
)
def test_meme_texte_que_le_filtre_date_de_django(valeur):
    assert _rendre("{{ v|date_courte }}", v=valeur) == _rendre('{{ v|date:"d/m/Y" }}', v=valeur)


def test_un_instant_s_ecrit_a_l_heure_de_paris():
    instant = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    assert _rendre("{{ v|date_courte }}", v=instant) == "01/01/2027"
