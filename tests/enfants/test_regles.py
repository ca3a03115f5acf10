"""Les règles d'ouverture et de délai des prestations."""

import datetime

import pytest
from django.utils import timezone

from enfants.models import Fermeture, Inscription, Journee, Prestation
from enfants.regles import (
    actions_possibles,
    delai_annulation_en_clair,
    delai_reservation_en_clair,
    horizon_reservation,
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


def test_les_delais_s_expliquent_en_clair(mercredi_apres_midi):
    assert delai_reservation_en_clair(mercredi_apres_midi) == "2 jours avant à 12:00"
    mercredi_apres_midi.reservation_jour_semaine = 4
    assert delai_reservation_en_clair(mercredi_apres_midi) == "le jeudi précédent à 12:00"
    mercredi_apres_midi.annulation_delai_jours = 1
    mercredi_apres_midi.annulation_heure_limite = datetime.time(18, 0)
    assert delai_annulation_en_clair(mercredi_apres_midi) == "la veille à 18:00"


# --- Les actions d'une case de la grille -------------------------------------------------------

AVANT = a_paris(2026, 12, 1, 10, 0)
APRES_LES_LIMITES = a_paris(2026, 12, 8, 9, 0)


def actions(prestation, *, etat=None, jours_reguliers="", jour=MERCREDI, maintenant=AVANT, **kw):
    inscription = Inscription(
        prestation=prestation,
        date_debut=datetime.date(2026, 9, 1),
        jours_reguliers=jours_reguliers,
    )
    journee = Journee(prestation=prestation, date=jour, etat=etat) if etat else None
    possibles = actions_possibles(
        prestation=prestation,
        jour=jour,
        journee=journee,
        inscription=kw.get("inscription", inscription),
        fermetures=kw.get("fermetures", ()),
        maintenant=maintenant,
    )
    return {action for action, possible in possibles.items() if possible}


def test_une_case_libre_propose_de_reserver_jusqu_a_la_limite(mercredi_apres_midi):
    assert actions(mercredi_apres_midi) == {"reserver"}
    assert actions(mercredi_apres_midi, maintenant=APRES_LES_LIMITES) == set()


def test_une_case_reservee_propose_d_annuler_puis_seulement_l_absence(mercredi_apres_midi):
    reserve = Journee.Etat.RESERVE
    assert actions(mercredi_apres_midi, etat=reserve) == {"annuler", "absence"}
    assert actions(mercredi_apres_midi, etat=reserve, maintenant=APRES_LES_LIMITES) == {"absence"}


def test_un_jour_regulier_sans_journee_propose_l_absence(mercredi_apres_midi):
    assert actions(mercredi_apres_midi, jours_reguliers="3") == {"absence"}


def test_une_demande_en_attente_ou_en_liste_d_attente_se_retire(mercredi_apres_midi):
    for etat in (Journee.Etat.RESERVATION_EN_ATTENTE, Journee.Etat.LISTE_ATTENTE):
        assert actions(mercredi_apres_midi, etat=etat, maintenant=APRES_LES_LIMITES) == {"annuler"}


def test_une_reservation_refusee_peut_se_redemander(mercredi_apres_midi):
    assert actions(mercredi_apres_midi, etat=Journee.Etat.RESERVATION_REFUSEE) == {"reserver"}


def test_rien_sans_inscription_ni_un_jour_ferme_ni_un_jour_passe(mercredi_apres_midi):
    fermeture = Fermeture(
        structure=mercredi_apres_midi.structure, date_debut=MERCREDI, date_fin=MERCREDI
    )
    assert actions(mercredi_apres_midi, inscription=None) == set()
    assert actions(mercredi_apres_midi, fermetures=[fermeture]) == set()
    assert actions(mercredi_apres_midi, jour=MERCREDI.replace(day=10)) == set()
    passe = a_paris(2026, 12, 10, 9, 0)
    assert actions(mercredi_apres_midi, etat=Journee.Etat.RESERVE, maintenant=passe) == set()
    for etat in (Journee.Etat.PRESENT, Journee.Etat.ABSENT_EXCUSE, Journee.Etat.ABSENT_FACTURE):
        assert "absence" not in actions(mercredi_apres_midi, etat=etat)


@pytest.mark.parametrize(
    "horizon, aujourdhui, attendu",
    [
        ("annee_suivante", datetime.date(2026, 12, 7), datetime.date(2028, 8, 31)),
        ("annee_suivante", datetime.date(2027, 8, 31), datetime.date(2028, 8, 31)),
        ("annee_suivante", datetime.date(2027, 9, 1), datetime.date(2029, 8, 31)),
        ("annee_en_cours", datetime.date(2026, 12, 7), datetime.date(2027, 8, 31)),
        ("annee_en_cours", datetime.date(2027, 9, 1), datetime.date(2028, 8, 31)),
        ("jours", datetime.date(2026, 12, 7), datetime.date(2027, 2, 5)),
    ],
)
def test_l_horizon_des_reservations_suit_l_annee_scolaire_ou_un_nombre_de_jours(
    horizon, aujourdhui, attendu
):
    prestation = Prestation(horizon_reservation=horizon, horizon_jours=60)

    assert horizon_reservation(prestation, aujourdhui) == attendu
