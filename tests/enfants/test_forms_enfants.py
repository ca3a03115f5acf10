"""Les dates saisies au calendrier du navigateur : bornées au jour où la page s'affiche."""

import datetime
import re

import pytest
from django.template import engines
from django.utils import timezone

from dossiers.forms import DepotForm
from enfants.forms.enfants import ChampDate, NouvelEnfantForm, VaccinationForm

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{{ champ|as_crispy_field }}")


def champ(bound_field):
    """Le champ tel que les pages l'écrivent (crispy-forms et son gabarit Bootstrap 5)."""
    return CRISPY.render({"champ": bound_field})


def _borne(html):
    return re.search(r'<input type="date"[^>]* max="([0-9-]+)"', html)[1]


def test_le_calendrier_est_borne_au_jour_de_l_affichage_pas_au_demarrage(monkeypatch):
    """Les champs sont construits au chargement du module ; un worker lancé la veille doit
    pourtant proposer la date du jour, et pas au-delà."""
    aujourdhui = timezone.localdate()
    formulaire = DepotForm(exigences=[])
    assert _borne(champ(formulaire["date_document"])) == aujourdhui.isoformat()

    demain = aujourdhui + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: demain)
    assert _borne(champ(DepotForm(exigences=[])["date_document"])) == demain.isoformat()
    vaccination = VaccinationForm(enfant=None)["date"]
    assert _borne(CRISPY.render({"champ": vaccination})) == demain.isoformat()
    naissance = NouvelEnfantForm()["date_naissance"]
    assert _borne(CRISPY.render({"champ": naissance})) == demain.isoformat()


def test_le_calendrier_ne_propose_rien_avant_1900():
    for html in (
        champ(DepotForm(exigences=[])["date_document"]),
        CRISPY.render({"champ": VaccinationForm(enfant=None)["date"]}),
    ):
        assert re.search(r'<input type="date"[^>]* min="1900-01-01"', html), html


@pytest.mark.parametrize("saisie", ["0001-01-01", "1899-12-31", "31/12/1899"])
def test_une_date_d_avant_1900_est_refusee_en_clair(saisie):
    vaccination = VaccinationForm({"vaccin": "BCG", "date": saisie}, enfant=None)
    depot = DepotForm({"document": "", "date_document": saisie}, exigences=[])

    assert vaccination.errors["date"] == [
        "Vérifiez la date : elle ne peut pas être antérieure au 01/01/1900."
    ]
    assert depot.errors["date_document"] == [
        "Vérifiez la date : elle ne peut pas être antérieure au 01/01/1900."
    ]


def test_le_1er_janvier_1900_est_accepte():
    assert ChampDate().clean("1900-01-01") == datetime.date(1900, 1, 1)
