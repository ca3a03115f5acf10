"""Les dates saisies au calendrier du navigateur : bornées au jour où la page s'affiche."""

import datetime
import re

from django.template import engines
from django.utils import timezone

from commun.champs import champ
from demandes.formulaires_dossier import DepotForm
from demandes.formulaires_enfants import NouvelEnfantForm, VaccinationForm

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{{ champ|as_crispy_field }}")


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
