"""Les fermetures et les campagnes gardées par processus (enfants/revision.py) : une page
servie après une écriture de l'une d'elles la voit aussitôt, quelle que soit l'écriture
(création, `update()`, suppression, prestations d'une campagne), et une page qui suit une page
sans écriture ne les relit pas."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enfants import revision
from enfants.models import Campagne, Fermeture, Journee, RevisionDuCalendrier
from enfants.planning import fermetures_entre
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


def test_a_second_page_does_not_read_closures_and_campaigns_again(client_dupont, lucas, mercredi):
    revision.toucher()  # un jeton que ce processus n'a pas encore vu
    url = reverse("enfant_planning", args=[lucas.pk])
    premiere = tables_lues(client_dupont, url)
    seconde = tables_lues(client_dupont, url)

    assert "enfants_fermeture" in premiere and "enfants_campagne" in premiere
    assert "enfants_fermeture" not in seconde and "enfants_campagne" not in seconde
    assert "enfants_revisionducalendrier" in seconde  # le jeton, dans la requête de la session


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


def test_a_write_changes_the_token_and_a_rolled_back_one_does_not(db):
    avant = RevisionDuCalendrier.objects.get().jeton
    FermetureFactory(date_debut=MERCREDI, date_fin=MERCREDI)
    apres = RevisionDuCalendrier.objects.get().jeton
    assert apres != avant

    with pytest.raises(RuntimeError), transaction.atomic():
        FermetureFactory(date_debut=MERCREDI, date_fin=MERCREDI)
        raise RuntimeError
    assert RevisionDuCalendrier.objects.get().jeton == apres


def test_outside_a_request_every_read_goes_to_the_database(db, django_assert_num_queries):
    revision.oublier_jeton()
    with django_assert_num_queries(2):
        fermetures_entre(MERCREDI, MERCREDI)
        fermetures_entre(MERCREDI, MERCREDI)


def test_without_the_token_row_nothing_is_kept(client_dupont, lucas, mercredi):
    RevisionDuCalendrier.objects.all().delete()
    url = reverse("enfant_planning", args=[lucas.pk])
    tables_lues(client_dupont, url)

    assert "enfants_fermeture" in tables_lues(client_dupont, url)

    FermetureFactory(date_debut=MERCREDI, date_fin=MERCREDI, motif="Travaux")
    assert RevisionDuCalendrier.objects.filter(pk=1).exists()  # recréée par l'écriture
    assert "Travaux" in page_du_jour(client_dupont, lucas, mercredi)


# --- Les exigences de dossier des prestations, sous le même jeton --------------------------------

MERCREDI_SUIVANT = datetime.date(2026, 12, 16)
RENTREE = datetime.date(2027, 1, 6)  # le premier mercredi après les vacances de Noël


def reserver_par_la_page(client, enfant, prestation, jour):
    """Le bouton « Réserver » : (le SQL lu, la page où il ramène)."""
    url = reverse("enfant_planning_reserver", args=[enfant.pk, prestation.pk, jour])
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.post(url)
    assert reponse.status_code == 302
    return " ".join(requete["sql"] for requete in requetes), texte(client.get(reponse.url))


def test_a_booking_reads_the_prestation_s_requirement_once_then_sees_it_change(
    client_dupont, lucas, mercredi
):
    from dossiers.models import ExigenceDossier
    from tests.dossiers.fabriques import semer_types

    semer_types()
    revision.toucher()
    premiere, _ = reserver_par_la_page(client_dupont, lucas, mercredi, MERCREDI)
    seconde, _ = reserver_par_la_page(client_dupont, lucas, mercredi, MERCREDI_SUIVANT)
    assert "dossiers_exigencedossier" in premiere
    assert "dossiers_exigencedossier" not in seconde
    assert Journee.objects.filter(enfant=lucas, etat=Journee.Etat.RESERVE).count() == 2

    exigence = ExigenceDossier.objects.create(prestation=mercredi, dossier_complet_requis=True)
    _, page = reserver_par_la_page(client_dupont, lucas, mercredi, RENTREE)
    assert "demande un dossier complet" in page
    assert not Journee.objects.filter(enfant=lucas, date=RENTREE).exists()

    ExigenceDossier.objects.filter(pk=exigence.pk).update(dossier_complet_requis=False)
    _, page = reserver_par_la_page(client_dupont, lucas, mercredi, RENTREE)
    assert "Réservation enregistrée pour le mercredi 6 janvier" in page


def test_a_booking_takes_eight_queries_once_the_calendar_is_read(
    client_dupont, lucas, mercredi, django_assert_max_num_queries
):
    """La session (avec le compte et le jeton), les inscriptions, la transaction (deux), le
    verrou de la prestation, la journée et les places en une requête, la journée écrite et son
    historique."""
    revision.toucher()
    reserver_par_la_page(client_dupont, lucas, mercredi, MERCREDI)  # l'exigence, lue une fois
    # Les fermetures et les campagnes du jour : lues par sa page, comme chaque parent la lit
    # avant de réserver.
    client_dupont.get(
        reverse("enfant_planning_jour", args=[lucas.pk, mercredi.pk, MERCREDI_SUIVANT])
    )

    url = reverse("enfant_planning_reserver", args=[lucas.pk, mercredi.pk, MERCREDI_SUIVANT])
    with django_assert_max_num_queries(8):
        assert client_dupont.post(url).status_code == 302

    assert Journee.objects.get(enfant=lucas, date=MERCREDI_SUIVANT).etat == Journee.Etat.RESERVE
