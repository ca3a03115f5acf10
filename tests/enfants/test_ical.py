"""L'agenda iCalendar d'un enfant : un événement « journée entière » par jour où il est
attendu pendant l'année scolaire, provisoire tant que la réservation attend, avec un UID qui ne
change pas d'une lecture à l'autre."""

import datetime

import pytest
from icalendar import Calendar

from enfants.ical import agenda_de, annee_scolaire
from enfants.models import Journee
from tests.factories import InscriptionFactory, JourneeFactory, PrestationFactory

Etat = Journee.Etat
AUJOURDHUI = datetime.date(2026, 11, 26)


@pytest.fixture
def lucas(dupont):
    return dupont.enfants.get()


@pytest.fixture
def mercredi(lucas):
    prestation = PrestationFactory(nom="ALSH Mercredi après-midi", jours_ouverture="3")
    InscriptionFactory(enfant=lucas, prestation=prestation)
    return prestation


def evenements(enfant):
    calendrier = Calendar.from_ical(agenda_de(enfant=enfant, aujourdhui=AUJOURDHUI))
    return {e.decoded("dtstart"): e for e in calendrier.walk("VEVENT")}


def test_the_school_year_runs_from_september_to_august():
    assert annee_scolaire(datetime.date(2026, 11, 26)) == (
        datetime.date(2026, 9, 1),
        datetime.date(2027, 8, 31),
    )
    assert annee_scolaire(datetime.date(2027, 3, 1))[0] == datetime.date(2026, 9, 1)


def test_booked_present_and_pending_days_become_all_day_events(lucas, mercredi):
    for jour, etat in (
        (datetime.date(2026, 11, 4), Etat.PRESENT),
        (datetime.date(2026, 12, 9), Etat.RESERVE),
        (datetime.date(2026, 12, 16), Etat.RESERVATION_EN_ATTENTE),
        (datetime.date(2026, 12, 2), Etat.ABSENT_EXCUSE),
        (datetime.date(2026, 11, 18), Etat.RESERVATION_REFUSEE),
        (datetime.date(2026, 6, 3), Etat.RESERVE),  # l'année scolaire passée
    ):
        JourneeFactory(enfant=lucas, prestation=mercredi, date=jour, etat=etat)

    parjour = evenements(lucas)

    assert sorted(parjour) == [
        datetime.date(2026, 11, 4),
        datetime.date(2026, 12, 9),
        datetime.date(2026, 12, 16),
    ]
    reserve = parjour[datetime.date(2026, 12, 9)]
    assert str(reserve["summary"]) == "ALSH Mercredi après-midi — Lucas"
    assert reserve.decoded("dtend") == datetime.date(2026, 12, 10)
    assert str(reserve["status"]) == "CONFIRMED"
    assert str(parjour[datetime.date(2026, 12, 16)]["status"]) == "TENTATIVE"
    journee = Journee.objects.get(date=datetime.date(2026, 12, 9))
    assert str(reserve["uid"]) == f"journee-{journee.pk}@portail-familles"


def test_regular_days_are_in_the_agenda_except_holidays_and_absences(lucas):
    cantine = PrestationFactory(nom="Restauration scolaire", jours_ouverture="1245")
    InscriptionFactory(enfant=lucas, prestation=cantine, jours_reguliers="1")
    JourneeFactory(
        enfant=lucas, prestation=cantine, date=datetime.date(2026, 12, 7), etat=Etat.ABSENT_EXCUSE
    )

    parjour = evenements(lucas)

    lundis = sorted(parjour)
    assert lundis[0] == datetime.date(2026, 9, 7)
    assert datetime.date(2026, 11, 30) in lundis
    assert datetime.date(2026, 12, 7) not in lundis  # absent excusé
    assert datetime.date(2026, 12, 21) not in lundis  # vacances de Noël
    assert datetime.date(2027, 3, 29) not in lundis  # lundi de Pâques
    assert all(jour.isoweekday() == 1 for jour in lundis)
    assert str(parjour[datetime.date(2026, 11, 30)]["description"]).endswith(": Régulier.")


def test_the_uids_do_not_change_from_one_read_to_the_next(lucas, mercredi):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=datetime.date(2026, 12, 9))
    cantine = PrestationFactory(nom="Restauration scolaire", jours_ouverture="1245")
    InscriptionFactory(enfant=lucas, prestation=cantine, jours_reguliers="4")

    premiers = {str(e["uid"]) for e in evenements(lucas).values()}
    seconds = {str(e["uid"]) for e in evenements(lucas).values()}

    assert premiers == seconds
    assert len(premiers) > 30


def test_an_empty_agenda_is_still_a_valid_calendar(lucas):
    calendrier = Calendar.from_ical(agenda_de(enfant=lucas, aujourdhui=AUJOURDHUI))

    assert calendrier.walk("VEVENT") == []
    assert str(calendrier["x-wr-calname"]).startswith("Planning de Lucas")
