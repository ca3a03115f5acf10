"""Les règles d'ouverture et de délai des prestations."""

import datetime

import pytest
from django.utils import timezone

from enfants.models import Fermeture, Prestation
from enfants.regles import (
    limite_annulation,
    limite_reservation,
    marque_du_jour,
    peut_encore_annuler,
    raison_de_fermeture,
)
from tests.factories import PrestationFactory

MERCREDI = datetime.date(2026, 12, 9)


def a_paris(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def mercredi_apres_midi(db):
    return PrestationFactory(nom="ALSH Mercredi après-midi", jours_ouverture="3")


def test_le_jeudi_precedent_a_midi_s_exprime(mercredi_apres_midi):
    mercredi_apres_midi.reservation_jour_semaine = 4
    mercredi_apres_midi.reservation_heure_limite = datetime.time(12, 0)
    assert limite_reservation(mercredi_apres_midi, MERCREDI) == a_paris(2026, 12, 3, 12, 0)


def test_n_jours_avant_a_l_heure_dite(mercredi_apres_midi):
    mercredi_apres_midi.annulation_delai_jours = 2
    mercredi_apres_midi.annulation_heure_limite = datetime.time(18, 30)
    assert limite_annulation(mercredi_apres_midi, MERCREDI) == a_paris(2026, 12, 7, 18, 30)


def test_une_absence_apres_la_limite_n_est_plus_excusee(mercredi_apres_midi):
    assert peut_encore_annuler(mercredi_apres_midi, MERCREDI, a_paris(2026, 12, 7, 11, 59))
    assert not peut_encore_annuler(mercredi_apres_midi, MERCREDI, a_paris(2026, 12, 7, 12, 1))


def test_la_prestation_n_ouvre_que_ses_jours(mercredi_apres_midi):
    assert raison_de_fermeture(mercredi_apres_midi, MERCREDI) is None
    assert "n'a pas lieu le" in raison_de_fermeture(mercredi_apres_midi, MERCREDI.replace(day=10))


def test_un_jour_ferie_et_les_vacances_ferment_une_prestation_scolaire(mercredi_apres_midi):
    noel = datetime.date(2026, 12, 25)
    garderie = PrestationFactory(nom="Garderie matin", jours_ouverture="1245")
    assert marque_du_jour(noel).code == "F"
    assert "jour férié" in raison_de_fermeture(garderie, noel)
    vacances = datetime.date(2026, 12, 23)  # un mercredi des vacances de Noël (zone A)
    assert marque_du_jour(vacances).code == "P"
    assert "période scolaire" in raison_de_fermeture(mercredi_apres_midi, vacances)


def test_une_prestation_des_vacances_n_ouvre_qu_en_vacances(db):
    vacances = PrestationFactory(periode=Prestation.Periode.VACANCES)
    assert raison_de_fermeture(vacances, datetime.date(2026, 12, 23)) is None
    assert "pendant les vacances" in raison_de_fermeture(vacances, datetime.date(2026, 12, 9))
    assert marque_du_jour(datetime.date(2027, 7, 20)).code == "G"


def test_une_fermeture_de_la_structure_ferme_ses_prestations(mercredi_apres_midi):
    fermeture = Fermeture.objects.create(
        structure=mercredi_apres_midi.structure,
        date_debut=MERCREDI,
        date_fin=MERCREDI,
        motif="Formation des animateurs",
    )
    raison = raison_de_fermeture(mercredi_apres_midi, MERCREDI, [fermeture])
    assert "fermé" in raison and "Formation des animateurs" in raison
    autre = PrestationFactory(structure__nom="Garderie périscolaire", jours_ouverture="3")
    assert raison_de_fermeture(autre, MERCREDI, [fermeture]) is None
