"""La file dans Redis (TACHES=rq) : un travail mis dans la file par django-tasks-rq et fait
par un worker de RQ, contre le Redis local (sa base 14, vidée par ce test). Sans Redis sur
127.0.0.1:6379, ce test échoue : il ne se saute pas."""

import django_rq
import pytest
from django_tasks_rq import Job
from rq import SimpleWorker

from tests.travaux.taches import compter
from travaux import services
from travaux.models import Travail

REDIS_DES_TESTS = "redis://127.0.0.1:6379/14"


@pytest.fixture
def file_redis(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS_DES_TESTS}}
    connexion = django_rq.get_connection("default")
    connexion.flushdb()  # sans Redis : ConnectionError, le test échoue
    yield connexion
    connexion.flushdb()


@pytest.mark.django_db(transaction=True)
def test_a_job_goes_through_redis_and_is_done_by_an_rq_worker(file_redis):
    travail = services.creer_travail(
        genre=Travail.Genre.IMPRESSION,
        titre="Compter par Redis",
        tache=compter,
        parametres={"elements": [1, 2, 3], "echecs": [3]},
        unite="éléments",
    )
    file = django_rq.get_queue("default", job_class=Job)
    travail.refresh_from_db()

    assert file.job_ids == [travail.resultat_id]
    assert travail.etat == Travail.Etat.EN_ATTENTE

    SimpleWorker([file], connection=file_redis, job_class=Job).work(burst=True)

    travail.refresh_from_db()
    assert (travail.etat, travail.progression) == (
        Travail.Etat.TERMINE_AVEC_ERREURS,
        "3 / 3 éléments",
    )
    assert travail.rapport == {"comptes": 2}
    assert travail.erreurs.get().element == "Élément 3"
    resultat = compter.get_result(travail.resultat_id)
    assert (resultat.status, resultat.return_value) == ("SUCCESSFUL", "termine_avec_erreurs")
    assert file.count == 0
