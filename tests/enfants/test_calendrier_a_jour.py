"""Les fermetures, les campagnes et les exigences de dossier lues à jour (enfants/lectures.py,
dossiers/services.py) : la page d'un jour servie après une écriture de l'une d'elles la voit
aussitôt, quelle que soit l'écriture (création, `update()`, suppression, prestations d'une
campagne), la grille du mois au plus tard une minute après, et le service des réservations les
relit dans sa transaction."""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enfants.models import Campagne, Fermeture, Journee
from tests.factories import FermetureFactory, InscriptionFactory, PrestationFactory
from tests.outils import texte

MAINTENANT = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 0))
MERCREDI = datetime.date(2026, 12, 9)


@pytest.fixture(autouse=True)
def fige(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MAINTENANT)


@pytest.fixture
def lucas(dupont):
    return dupont.enfants.get()


@pytest.fixture
def mercredi(lucas):
    prestation = PrestationFactory(nom="ALSH Mercredi", jours_ouverture="3")
    InscriptionFactory(enfant=lucas, prestation=prestation)
    return prestation


def page_du_jour(client, enfant, prestation):
    return texte(
        client.get(reverse("enfant_planning_jour", args=[enfant.pk, prestation.pk, MERCREDI]))
    )


def tables_lues(client, url):
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return " ".join(requete["sql"] for requete in requetes)


def test_the_day_page_reads_closures_and_campaigns_afresh(client_dupont, lucas, mercredi):
    url = reverse("enfant_planning_jour", args=[lucas.pk, mercredi.pk, MERCREDI])
    premiere = tables_lues(client_dupont, url)
    seconde = tables_lues(client_dupont, url)

    assert "enfants_fermeture" in premiere and "enfants_campagne" in premiere
    assert "enfants_fermeture" in seconde and "enfants_campagne" in seconde


def test_the_month_grid_reads_the_calendar_at_most_once_a_minute(
    client_dupont, lucas, mercredi, monkeypatch
):
    url = reverse("enfant_planning", args=[lucas.pk]) + "?mois=2026-12"
    assert "enfants_fermeture" in tables_lues(client_dupont, url)
    FermetureFactory(date_debut=MERCREDI, date_fin=MERCREDI, motif="Travaux")

    seconde = tables_lues(client_dupont, url)
    assert "enfants_fermeture" not in seconde and "enfants_campagne" not in seconde
    assert "Travaux" not in texte(client_dupont.get(url))

    plus_tard = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: plus_tard)
    assert "enfants_fermeture" in tables_lues(client_dupont, url)
    assert "Travaux" in texte(client_dupont.get(url))


def test_a_closure_written_after_a_page_shows_on_the_next_one(client_dupont, lucas, mercredi):
    assert "Travaux" not in page_du_jour(client_dupont, lucas, mercredi)

    fermeture = FermetureFactory(date_debut=MERCREDI, date_fin=MERCREDI, motif="Travaux")
    assert "Travaux" in page_du_jour(client_dupont, lucas, mercredi)

    Fermeture.objects.filter(pk=fermeture.pk).update(motif="Grève")
    assert "Grève" in page_du_jour(client_dupont, lucas, mercredi)

    fermeture.delete()
    page = page_du_jour(client_dupont, lucas, mercredi)
    assert "Grève" not in page and "Demander une réservation" in page


def test_a_campaign_given_a_prestation_shows_on_the_next_page(client_dupont, lucas, mercredi):
    campagne = Campagne.objects.create(
        nom="Vacances de Noël",
        date_debut=MERCREDI,
        date_fin=MERCREDI,
        ouverture=MAINTENANT + datetime.timedelta(days=2),
        cloture=MAINTENANT + datetime.timedelta(days=4),
    )
    assert "Vacances de Noël" not in page_du_jour(client_dupont, lucas, mercredi)

    campagne.prestations.add(mercredi)
    assert "Vacances de Noël" in page_du_jour(client_dupont, lucas, mercredi)

    campagne.prestations.clear()
    assert "Vacances de Noël" not in page_du_jour(client_dupont, lucas, mercredi)


# --- Les exigences de dossier des prestations, lues par chaque réservation ----------------

MERCREDI_SUIVANT = datetime.date(2026, 12, 16)
RENTREE = datetime.date(2027, 1, 6)  # le premier mercredi après les vacances de Noël


def reserver_par_la_page(client, enfant, prestation, jour):
    """Le bouton « Réserver » : (le SQL lu, la page où il ramène)."""
    url = reverse("enfant_planning_reserver", args=[enfant.pk, prestation.pk, jour])
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.post(url)
    assert reponse.status_code == 302
    return " ".join(requete["sql"] for requete in requetes), texte(client.get(reponse.url))


def test_each_booking_reads_the_prestation_s_requirement_and_sees_it_change(
    client_dupont, lucas, mercredi
):
    from dossiers.models import ExigenceDossier
    from tests.dossiers.fabriques import semer_types

    semer_types()
    premiere, _ = reserver_par_la_page(client_dupont, lucas, mercredi, MERCREDI)
    seconde, _ = reserver_par_la_page(client_dupont, lucas, mercredi, MERCREDI_SUIVANT)
    assert "dossiers_exigencedossier" in premiere
    assert "dossiers_exigencedossier" in seconde
    assert Journee.objects.filter(enfant=lucas, etat=Journee.Etat.RESERVE).count() == 2

    exigence = ExigenceDossier.objects.create(prestation=mercredi, dossier_complet_requis=True)
    _, page = reserver_par_la_page(client_dupont, lucas, mercredi, RENTREE)
    assert "demande un dossier complet" in page
    assert not Journee.objects.filter(enfant=lucas, date=RENTREE).exists()

    ExigenceDossier.objects.filter(pk=exigence.pk).update(dossier_complet_requis=False)
    _, page = reserver_par_la_page(client_dupont, lucas, mercredi, RENTREE)
    assert "Réservation enregistrée pour le mercredi 6 janvier" in page


def test_a_booking_reads_closures_and_campaigns_inside_its_transaction(
    client_dupont, lucas, mercredi
):
    """Le service lit les fermetures, les campagnes et l'exigence de la prestation entre le
    début de sa transaction et l'écriture de la journée, jamais d'un cache."""
    url = reverse("enfant_planning_reserver", args=[lucas.pk, mercredi.pk, MERCREDI_SUIVANT])
    with CaptureQueriesContext(connection) as requetes:
        assert client_dupont.post(url).status_code == 302

    sql = [requete["sql"] for requete in requetes]
    debut = next(rang for rang, q in enumerate(sql) if q.startswith(("BEGIN", "SAVEPOINT")))
    ecriture = next(
        rang for rang, q in enumerate(sql) if q.startswith('INSERT INTO "enfants_journee"')
    )
    dans_la_transaction = " ".join(sql[debut:ecriture])
    for table in ("enfants_fermeture", "enfants_campagne", "dossiers_exigencedossier"):
        assert table in dans_la_transaction, table
    assert Journee.objects.get(enfant=lucas, date=MERCREDI_SUIVANT).etat == Journee.Etat.RESERVE


def test_a_booking_takes_at_most_twelve_queries(
    client_dupont, lucas, mercredi, django_assert_max_num_queries
):
    """La session, le compte, les inscriptions, la transaction, le verrou de la prestation,
    les fermetures, les campagnes et l'exigence de la prestation (lues à jour), la journée et
    les places en une requête, la journée écrite et son historique."""
    client_dupont.get(reverse("enfant_planning", args=[lucas.pk]))  # la session renouvelée

    url = reverse("enfant_planning_reserver", args=[lucas.pk, mercredi.pk, MERCREDI_SUIVANT])
    with django_assert_max_num_queries(12):
        assert client_dupont.post(url).status_code == 302

    assert Journee.objects.get(enfant=lucas, date=MERCREDI_SUIVANT).etat == Journee.Etat.RESERVE
