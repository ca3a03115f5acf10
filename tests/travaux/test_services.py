"""Les travaux de fond par la file de la base (django-tasks-db) : mis dans la file à la
validation de la transaction, faits par le worker (dans le processus du test), leur
avancement, leurs erreurs, leur relance et leur reprise après l'arrêt d'un worker."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.travaux.taches import compter
from travaux import services
from travaux.models import ErreurDeTravail, Travail

pytestmark = pytest.mark.django_db(transaction=True)
Etat = Travail.Etat


def lancer(elements, **parametres):
    return services.creer_travail(
        genre=Travail.Genre.IMPRESSION,
        titre="Compter les éléments",
        tache=compter,
        parametres={"elements": elements, **parametres},
        unite="éléments",
    )


def relire(travail):
    return Travail.objects.get(pk=travail.pk)


def test_a_job_waits_in_the_database_queue_until_a_worker_does_it(faire_la_file):
    travail = relire(lancer([1, 2, 3]))

    tache = DBTaskResult.objects.get()
    assert (travail.etat, travail.resultat_id) == (Etat.EN_ATTENTE, str(tache.id))
    assert tache.status == "READY"
    assert tache.task_path == "tests.travaux.taches.compter"
    assert tache.args_kwargs == {"args": [], "kwargs": {"travail_id": travail.pk}}

    faire_la_file()

    travail = relire(travail)
    assert travail.etat == Etat.TERMINE
    assert (travail.fait, travail.total, travail.progression) == (3, 3, "3 / 3 éléments")
    assert travail.rapport == {"comptes": 3}
    assert travail.debut <= travail.fin
    assert travail.tentatives == 1
    tache.refresh_from_db()
    assert (tache.status, tache.return_value) == ("SUCCESSFUL", "termine")


def test_a_job_enters_the_queue_only_when_its_transaction_commits():
    with transaction.atomic():
        lancer([1])
        assert not DBTaskResult.objects.exists()
    assert DBTaskResult.objects.count() == 1

    with pytest.raises(RuntimeError), transaction.atomic():
        lancer([2])
        raise RuntimeError("annulé")
    assert Travail.objects.count() == DBTaskResult.objects.count() == 1


def test_an_element_in_error_is_noted_and_the_job_goes_on(faire_la_file):
    travail = lancer([1, 2, 3], echecs=[2])

    faire_la_file()

    travail = relire(travail)
    assert travail.etat == Etat.TERMINE_AVEC_ERREURS
    assert (travail.fait, travail.rapport) == (3, {"comptes": 2})
    erreur = travail.erreurs.get()
    assert (erreur.element, erreur.message, erreur.resolue) == (
        "Élément 2",
        "Cet élément ne se compte pas.",
        False,
    )


def test_relaunching_redoes_the_elements_in_error_and_resolves_them(faire_la_file):
    travail = lancer([1, 2, 3], echecs=[2])
    faire_la_file()
    Travail.objects.filter(pk=travail.pk).update(parametres={"elements": [1, 2, 3]})

    assert services.relancer(travail=travail)
    assert relire(travail).etat == Etat.EN_ATTENTE
    faire_la_file()

    travail = relire(travail)
    assert (travail.etat, travail.rapport, travail.tentatives) == (Etat.TERMINE, {"comptes": 3}, 2)
    assert list(travail.erreurs.values_list("element", "resolue")) == [("Élément 2", True)]


def test_an_element_failing_again_keeps_one_open_error(faire_la_file):
    travail = lancer([1, 2], echecs=[2])
    faire_la_file()
    services.relancer(travail=travail)
    faire_la_file()

    assert relire(travail).etat == Etat.TERMINE_AVEC_ERREURS
    assert ErreurDeTravail.objects.filter(travail=travail).count() == 1


def test_a_job_finished_without_error_or_still_waiting_is_not_relaunched(faire_la_file):
    termine = lancer([1])
    faire_la_file()
    en_attente = lancer([2])

    assert not services.relancer(travail=termine)
    assert not services.relancer(travail=en_attente)
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_a_job_put_twice_in_the_queue_is_done_once(faire_la_file):
    travail = lancer([1, 2])
    compter.enqueue(travail_id=travail.pk)

    faire_la_file()

    assert relire(travail).tentatives == 1
    resultats = DBTaskResult.objects.order_by("enqueued_at").values_list("status", "return_value")
    assert list(resultats) == [("SUCCESSFUL", "termine"), ("SUCCESSFUL", None)]


def test_a_refusal_fails_the_job_with_its_french_message(faire_la_file):
    travail = lancer([1], refuser=True)

    faire_la_file()

    travail = relire(travail)
    assert (travail.etat, travail.message) == (
        Etat.ECHOUE,
        "Rien à compter : la liste est refusée.",
    )


def test_an_unexpected_error_fails_the_job_and_the_task(faire_la_file):
    travail = services.creer_travail(
        genre=Travail.Genre.IMPRESSION, titre="Sans éléments", tache=compter, unite="éléments"
    )

    faire_la_file()

    assert (relire(travail).etat, relire(travail).message) == (
        Etat.ECHOUE,
        "Erreur inattendue : 'elements'",
    )
    assert DBTaskResult.objects.get().status == "FAILED"


def il_y_a(minutes):
    return timezone.now() - datetime.timedelta(minutes=minutes)


def tuer_le_worker_pendant(travail):
    """Ce que laisse un worker tué au milieu du travail : sa tâche « en cours » dans la file,
    le travail en cours, sans signe de vie depuis 10 minutes."""
    DBTaskResult.objects.filter(id=relire(travail).resultat_id).update(status="RUNNING")
    pris = services.commencer(travail_id=travail.pk)
    services.avancer(travail=pris, de=1, total=3)
    Travail.objects.filter(pk=travail.pk).update(battement=il_y_a(10))
    return pris


def test_a_job_whose_worker_died_is_put_back_and_finished(faire_la_file):
    travail = lancer([1, 2, 3])
    ancienne = relire(travail).resultat_id
    tuer_le_worker_pendant(travail)

    repris = services.reprendre()

    assert repris == [travail]
    travail = relire(travail)
    assert travail.etat == Etat.EN_ATTENTE and travail.resultat_id != ancienne
    assert DBTaskResult.objects.get(id=ancienne).status == "FAILED"
    faire_la_file()
    travail = relire(travail)
    assert (travail.etat, travail.fait, travail.tentatives) == (Etat.TERMINE, 3, 2)


def test_a_job_still_alive_is_not_taken_over():
    travail = lancer([1, 2, 3])
    services.commencer(travail_id=travail.pk)

    assert services.reprendre() == []
    assert relire(travail).etat == Etat.EN_COURS


def test_the_old_execution_stops_once_its_job_is_taken_over():
    travail = lancer([1, 2, 3])
    ancienne = tuer_le_worker_pendant(travail)
    services.reprendre(inactif_depuis=0)
    nouvelle = services.commencer(travail_id=travail.pk)

    with pytest.raises(services.TravailRepris):
        services.avancer(travail=ancienne)
    with pytest.raises(services.TravailRepris):
        services.terminer(travail=ancienne)
    services.avancer(travail=nouvelle, de=3)
    assert relire(travail).fait == 3


def test_a_job_that_never_reached_the_queue_is_put_back():
    travail = Travail.objects.create(
        genre=Travail.Genre.IMPRESSION,
        titre="Perdu en route",
        tache=compter.module_path,
        parametres={"elements": [1]},
        unite="éléments",
        lance_le=il_y_a(10),
    )

    services.reprendre()

    assert relire(travail).resultat_id == str(DBTaskResult.objects.get().id)


def test_reprendre_travaux_prints_one_line():
    travail = lancer([1])
    tuer_le_worker_pendant(travail)
    sortie = StringIO()

    call_command("reprendre_travaux", stdout=sortie)
    call_command("reprendre_travaux", stdout=sortie)

    assert sortie.getvalue() == (
        f"1 travail(s) remis dans la file : n° {travail.pk} (Compter les éléments).\n"
        "Aucun travail à reprendre.\n"
    )


def test_the_file_of_a_new_execution_replaces_the_old_one(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    travail = services.commencer(travail_id=lancer([1]).pk)
    services.enregistrer_fichier(travail=travail, nom="un.pdf", contenu=b"%PDF-1")
    ancien = travail.fichier.path

    services.enregistrer_fichier(travail=travail, nom="deux.pdf", contenu=b"%PDF-2")

    assert relire(travail).fichier.read() == b"%PDF-2"
    assert not (tmp_path / ancien).exists()
