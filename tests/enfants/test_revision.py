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
from enfants.models import Campagne, Fermeture, RevisionDuCalendrier
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
