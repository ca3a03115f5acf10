"""La grille du planning d'un mois : chaque état de la légende du guide avec sa phrase pour les
lecteurs d'écran, les marques du calendrier (F, P, G), les jours réguliers, les fermetures,
les actions permises, et un nombre fixe de requêtes quel que soit le nombre de lignes."""

import datetime

import pytest
from django.core.cache import caches
from django.template import Context, Template
from django.utils import timezone

from enfants.models import Journee, Prestation
from enfants.planning import (
    LEGENDE,
    construire_jour,
    construire_planning,
    decaler_mois,
    lire_mois,
)
from tests.factories import (
    FermetureFactory,
    InscriptionFactory,
    JourneeFactory,
    PrestationFactory,
    StructureFactory,
)

Etat = Journee.Etat
DECEMBRE = datetime.date(2026, 12, 1)
# Le mardi 1er décembre 2026 à 10:00 : le mercredi 9 se réserve encore (limite : lundi 7).
MAINTENANT = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 0))

# Les sept lignes de la grille d'avril 2015 du guide.
LIGNES_DU_GUIDE = (
    ("Accueil de Loisirs", "ALSH Mercredi après-midi", "3", "scolaire"),
    ("Accueil de Loisirs", "ALSH Mercredi journée", "3", "scolaire"),
    ("Accueil de Loisirs", "ALSH Vacances après-midi", "12345", "vacances"),
    ("Accueil de Loisirs", "ALSH Vacances journée", "12345", "vacances"),
    ("Accueil de Loisirs", "ALSH Vacances matin", "12345", "vacances"),
    ("Garderie périscolaire", "Garderie matin", "1245", "scolaire"),
    ("Garderie périscolaire", "Restauration scolaire", "1245", "scolaire"),
)


def prestation(structure, nom, jours="3", periode="scolaire", ordre=0):
    return PrestationFactory(
        structure=StructureFactory(nom=structure, ordre=1 if structure.startswith("A") else 2),
        nom=nom,
        jours_ouverture=jours,
        periode=periode,
        ordre=ordre,
    )


@pytest.fixture
def lucas(dupont):
    return dupont.enfants.get()


@pytest.fixture
def mercredi(lucas):
    p = prestation("Accueil de Loisirs", "ALSH Mercredi après-midi")
    InscriptionFactory(enfant=lucas, prestation=p)
    return p


@pytest.fixture
def tous_les_jours(lucas):
    """Une prestation ouverte chaque jour de l'année, pour y poser chaque état."""
    p = prestation("Accueil de Loisirs", "Accueil permanent", "1234567", "toutes")
    InscriptionFactory(enfant=lucas, prestation=p)
    return p


def grille(enfant, mois=DECEMBRE, maintenant=MAINTENANT):
    return construire_planning(enfant=enfant, mois=mois, maintenant=maintenant)


def case(planning, nom, jour):
    ligne = next(ligne for ligne in planning.lignes if ligne.nom == nom)
    return ligne.cases[jour - 1]


# --- Les lignes et les colonnes ----------------------------------------------------------------


def test_one_row_per_enrolment_of_the_month_in_the_seed_order(lucas):
    for ordre, (structure, nom, jours, periode) in enumerate(LIGNES_DU_GUIDE):
        p = prestation(structure, nom, jours, periode, ordre)
        InscriptionFactory(enfant=lucas, prestation=p)
    ancienne = prestation("Garderie périscolaire", "Garderie du soir", "1245")
    InscriptionFactory(
        enfant=lucas,
        prestation=ancienne,
        date_debut=datetime.date(2026, 9, 1),
        date_fin=datetime.date(2026, 11, 30),
    )

    planning = grille(lucas)

    assert [(ligne.structure, ligne.nom) for ligne in planning.lignes] == [
        (structure, nom) for structure, nom, _, _ in LIGNES_DU_GUIDE
    ]
    assert {ligne.responsable for ligne in planning.lignes} == {"DUPONT JEAN"}


def test_one_column_per_day_headed_like_the_seed(lucas, mercredi):
    planning = grille(lucas)

    assert len(planning.colonnes) == 31
    assert [c.entete for c in planning.colonnes[:3]] == ["Ma 01", "Me 02", "Je 03"]
    assert planning.colonnes[0].en_clair == "Mardi 1er décembre"
    assert planning.colonnes[8].en_clair == "Mercredi 9 décembre"
    assert planning.titre == "Décembre 2026"
    assert (planning.precedent, planning.suivant) == (
        datetime.date(2026, 11, 1),
        datetime.date(2027, 1, 1),
    )
    assert "auj" in planning.colonnes[0].classe  # aujourd'hui
    assert "we" in planning.colonnes[4].classe  # samedi 5


# --- Les états de la légende ---------------------------------------------------------------


@pytest.mark.parametrize(
    "etat, symbole, en_clair",
    [
        (Etat.RESERVE, "R", "réservé"),
        (Etat.ERREUR, "!", "erreur"),
        (Etat.CONGE, "C", "congé"),
        (Etat.HORS_CONTRAT, "H", "heure hors contrat"),
        (Etat.REGULIER, "Rg", "régulier"),
        (Etat.FERMETURE, "×", "fermeture"),
        (Etat.ABSENT_FACTURE, "AF", "absent facturé"),
        (Etat.DEMANDE_EN_ATTENTE, "?", "demande en attente"),
        (Etat.ABSENT_EXCUSE, "AE", "absent excusé"),
        (Etat.RESERVATION_EN_ATTENTE, "R?", "réservation en cours de traitement"),
        (Etat.RESERVATION_REFUSEE, "R✗", "réservation refusée"),
        (Etat.ABSENCE_EN_ATTENTE, "A?", "absence en cours de traitement"),
    ],
)
def test_each_stored_state_shows_its_code_and_its_sentence(
    lucas, mercredi, etat, symbole, en_clair
):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=datetime.date(2026, 12, 9), etat=etat)

    mercredi_9 = case(grille(lucas), "ALSH Mercredi après-midi", 9)

    assert mercredi_9.symbole == symbole
    assert mercredi_9.classe == f"c-{etat}"
    assert mercredi_9.libelle == Etat(etat).label
    assert mercredi_9.texte == f"Mercredi 9 décembre, ALSH Mercredi après-midi : {en_clair}"
    assert mercredi_9.cle == f"{mercredi.pk}/2026-12-09"  # la case mène à sa page


def test_present_shows_a_tick_and_a_tick_on_a_reserved_day(lucas, mercredi):
    JourneeFactory(
        enfant=lucas, prestation=mercredi, date=datetime.date(2026, 11, 4), etat=Etat.PRESENT
    )
    JourneeFactory(
        enfant=lucas,
        prestation=mercredi,
        date=datetime.date(2026, 11, 18),
        etat=Etat.PRESENT,
        reservee=True,
    )

    planning = grille(lucas, mois=datetime.date(2026, 11, 1))

    sans_reservation = case(planning, "ALSH Mercredi après-midi", 4)
    reserve = case(planning, "ALSH Mercredi après-midi", 18)
    assert (sans_reservation.symbole, sans_reservation.classe) == ("✓", "c-present")
    assert sans_reservation.texte.endswith(": présent")
    assert (reserve.symbole, reserve.classe) == ("R✓", "c-present_reserve")
    assert reserve.texte.endswith(": présent sur une journée réservée")


def test_a_state_added_later_is_shown_through_its_label(lucas, mercredi):
    JourneeFactory(
        enfant=lucas,
        prestation=mercredi,
        date=datetime.date(2026, 12, 9),
        etat=Etat.LISTE_ATTENTE,
    )

    mercredi_9 = case(grille(lucas), "ALSH Mercredi après-midi", 9)

    assert mercredi_9.libelle == "En liste d'attente"
    assert mercredi_9.texte.endswith(": en liste d'attente")


def test_the_legend_lists_every_state_of_the_seed_and_the_calendar_marks():
    libelles = [apparence.libelle for apparence in LEGENDE]

    for libelle in (
        "Réservé",
        "Présent",
        "Présent sur une journée réservée",
        "Erreur",
        "Congé",
        "Heure hors contrat",
        "Régulier",
        "Fermeture",
        "Absent facturé",
        "Demande en attente",
        "Absent excusé",
        "Réservation en cours de traitement",
        "Réservation refusée",
        "Absence en cours de traitement",
        "Petites vacances",
        "Grandes vacances",
        "Jour férié",
    ):
        assert libelle in libelles
    assert len({apparence.symbole for apparence in LEGENDE}) == len(LEGENDE)  # pas deux pareils


# --- Le calendrier, les inscriptions régulières, les fermetures --------------------------------


def test_christmas_is_a_public_holiday_on_every_row(lucas, mercredi, tous_les_jours):
    planning = grille(lucas)

    for nom in ("ALSH Mercredi après-midi", "Accueil permanent"):
        noel = case(planning, nom, 25)
        assert (noel.symbole, noel.libelle) == ("F", "Jour férié")
        assert noel.texte == f"Vendredi 25 décembre, {nom} : jour férié (Noël)"
        assert not any(noel.actions.values())


def test_school_holidays_of_zone_a_mark_school_rows_with_p(lucas, mercredi):
    vacances = prestation("Accueil de Loisirs", "ALSH Vacances journée", "12345", "vacances")
    InscriptionFactory(enfant=lucas, prestation=vacances)

    planning = grille(lucas)

    mercredi_23 = case(planning, "ALSH Mercredi après-midi", 23)
    assert (mercredi_23.symbole, mercredi_23.libelle) == ("P", "Petites vacances")
    assert mercredi_23.texte.endswith(": petites vacances (Vacances de Noël)")
    assert case(planning, "ALSH Mercredi après-midi", 16).symbole != "P"  # encore l'école
    lundi_21 = case(planning, "ALSH Vacances journée", 21)
    assert lundi_21.symbole == "+"  # l'accueil de loisirs ouvre : réservable
    assert lundi_21.actions["reserver"]


def test_summer_holidays_are_marked_g(lucas, mercredi):
    juillet = grille(lucas, mois=datetime.date(2027, 7, 1))

    mercredi_21 = case(juillet, "ALSH Mercredi après-midi", 21)
    assert (mercredi_21.symbole, mercredi_21.libelle) == ("G", "Grandes vacances")
    assert case(juillet, "ALSH Mercredi après-midi", 14).symbole == "F"  # Fête nationale


def test_a_regular_day_without_a_journee_shows_regulier(lucas):
    cantine = prestation("Garderie périscolaire", "Restauration scolaire", "1245")
    InscriptionFactory(enfant=lucas, prestation=cantine, jours_reguliers="12")

    planning = grille(lucas)

    lundi_7 = case(planning, "Restauration scolaire", 7)
    assert (lundi_7.symbole, lundi_7.etat) == ("Rg", Etat.REGULIER)
    assert lundi_7.texte == "Lundi 7 décembre, Restauration scolaire : régulier"
    assert lundi_7.actions["absence"]
    assert case(planning, "Restauration scolaire", 10).symbole == "+"  # jeudi : pas régulier
    assert case(planning, "Restauration scolaire", 21).symbole == "P"  # vacances : pas d'école


def test_a_closure_of_the_structure_shows_fermeture_with_its_reason(lucas, mercredi):
    FermetureFactory(
        structure=mercredi.structure,
        date_debut=datetime.date(2026, 12, 16),
        date_fin=datetime.date(2026, 12, 16),
        motif="Formation des animateurs",
    )

    mercredi_16 = case(grille(lucas), "ALSH Mercredi après-midi", 16)

    assert (mercredi_16.symbole, mercredi_16.libelle) == ("×", "Fermeture")
    assert mercredi_16.texte.endswith(": fermeture (Formation des animateurs)")
    assert not any(mercredi_16.actions.values())


def test_days_the_service_does_not_open_are_blank_and_say_so(lucas, mercredi):
    planning = grille(lucas)

    jeudi_3 = case(planning, "ALSH Mercredi après-midi", 3)
    assert (jeudi_3.symbole, jeudi_3.classe, jeudi_3.cle) == ("", "", "")
    assert jeudi_3.texte == "Jeudi 3 décembre, ALSH Mercredi après-midi : pas d'accueil"


# --- Les actions ---------------------------------------------------------------------------


def test_a_free_day_before_the_deadline_can_be_booked(lucas, mercredi):
    planning = grille(lucas)

    mercredi_9 = case(planning, "ALSH Mercredi après-midi", 9)
    assert mercredi_9.actions == {"reserver": True, "annuler": False, "absence": False}
    assert mercredi_9.actions_permises == "reserver"
    assert mercredi_9.texte.endswith(": aucune réservation, réservable")
    mercredi_2 = case(planning, "ALSH Mercredi après-midi", 2)  # limite passée (lundi 30)
    assert not any(mercredi_2.actions.values())
    assert mercredi_2.cle == ""


def test_a_reserved_day_offers_cancellation_and_absence(lucas, mercredi):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=datetime.date(2026, 12, 9))

    mercredi_9 = case(grille(lucas), "ALSH Mercredi après-midi", 9)

    assert mercredi_9.actions == {"reserver": False, "annuler": True, "absence": True}


def lignes_rendues(planning):
    """Les <tr> de la grille telles que la page les écrit (la balise du gabarit du planning)."""
    return Template("{% load planning %}{% lignes_du_planning planning %}").render(
        Context({"planning": planning})
    )


def test_each_linked_cell_is_written_once_with_its_sentence(lucas, mercredi):
    planning = construire_planning(
        enfant=lucas, mois=DECEMBRE, maintenant=MAINTENANT, lien_des_cases="/p/"
    )

    cellules = lignes_rendues(planning)
    assert cellules.count("<td") == 31
    assert (
        f'<a href="/p/{mercredi.pk}/2026-12-09/" data-actions="reserver" '
        'title="Mercredi 9 décembre, ALSH Mercredi après-midi : aucune réservation, réservable">'
    ) in cellules
    assert '<span aria-hidden="true">F</span>' in cellules


def test_names_are_escaped_in_the_cells(lucas):
    p = prestation("Accueil de Loisirs", "Atelier <b>&</b>", "1234567", "toutes")
    InscriptionFactory(enfant=lucas, prestation=p)

    planning = construire_planning(enfant=lucas, mois=DECEMBRE, maintenant=MAINTENANT)

    assert "<b>" not in lignes_rendues(planning)
    assert "Atelier &lt;b&gt;&amp;&lt;/b&gt;" in lignes_rendues(planning)


# --- Un nombre fixe de requêtes ----------------------------------------------------------------


def test_la_grille_tient_en_quatre_requetes_avec_sept_lignes_ou_une(
    lucas, mercredi, django_assert_num_queries
):
    with django_assert_num_queries(4):
        une = grille(lucas)
    assert len(une.lignes) == 1

    for ordre, (structure, nom, jours, periode) in enumerate(LIGNES_DU_GUIDE[1:], start=1):
        p = prestation(structure, nom, jours, periode, ordre)
        InscriptionFactory(enfant=lucas, prestation=p)
        for jour in range(1, 29, 3):
            JourneeFactory(enfant=lucas, prestation=p, date=datetime.date(2026, 12, jour))
    FermetureFactory(structure=mercredi.structure)
    caches["affichage"].clear()  # une minute plus tard : le calendrier affiché est relu

    with django_assert_num_queries(4):
        sept = grille(lucas)
    assert len(sept.lignes) == 7
    assert sum(len(ligne.cases) for ligne in sept.lignes) == 7 * 31

    # Dans la minute, les fermetures et les campagnes du mois viennent du cache de l'affichage.
    with django_assert_num_queries(2):
        assert len(grille(lucas).lignes) == 7


# --- Le mois demandé et la page d'un jour -------------------------------------------------------


@pytest.mark.parametrize(
    "valeur, attendu",
    [
        ("2026-12", datetime.date(2026, 12, 1)),
        ("2015-04", datetime.date(2015, 4, 1)),
        ("2026-13", datetime.date(2026, 11, 1)),
        ("2026-00", datetime.date(2026, 11, 1)),
        ("abc", datetime.date(2026, 11, 1)),
        ("99999-01", datetime.date(2026, 11, 1)),
        ("", datetime.date(2026, 11, 1)),
        (None, datetime.date(2026, 11, 1)),
    ],
)
def test_a_bad_month_falls_back_to_the_current_month(valeur, attendu):
    assert lire_mois(valeur, datetime.date(2026, 11, 26)) == attendu


def test_months_move_across_years():
    assert decaler_mois(datetime.date(2026, 12, 1), 1) == datetime.date(2027, 1, 1)
    assert decaler_mois(datetime.date(2027, 1, 1), -1) == datetime.date(2026, 12, 1)


def test_the_page_of_a_day_explains_its_deadlines(lucas, mercredi):
    detail = construire_jour(
        enfant=lucas,
        prestation_id=mercredi.pk,
        jour=datetime.date(2026, 12, 2),
        maintenant=MAINTENANT,
    )

    assert detail.aucune_action
    assert detail.sans_action_parce_que == (
        "les réservations étaient possibles jusqu'au lundi 30 novembre à 12:00."
    )
    assert detail.ligne.responsable == "DUPONT JEAN"


def test_no_page_for_a_prestation_the_child_is_not_enrolled_in(lucas, mercredi):
    autre = Prestation.objects.create(structure=mercredi.structure, nom="Autre")

    assert (
        construire_jour(enfant=lucas, prestation_id=autre.pk, jour=datetime.date(2026, 12, 9))
        is None
    )
