"""Deux workers sur la même file de la base : chaque tâche est prise par un seul (django-tasks-db
verrouille la ligne qu'il prend, SKIP LOCKED), chaque travail fait une fois. De vrais processus
sur PostgreSQL."""

import time

import pytest
from django_tasks_db.models import DBTaskResult

from tests.travaux.taches import compter
from travaux import services
from travaux.models import Travail

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]
TRAVAUX = 12


def test_two_workers_on_the_same_queue_never_do_a_job_twice(lancer_un_worker, tmp_path):
    travaux = [
        services.creer_travail(
            genre=Travail.Genre.IMPRESSION,
            titre=f"Compter {n}",
            tache=compter,
            parametres={"elements": [1, 2, 3, 4], "pause": 0.1},
            unite="éléments",
        )
        for n in range(TRAVAUX)
    ]

    workers = [lancer_un_worker("--batch", "--worker-id", nom, journal=nom) for nom in ("A", "B")]
    limite = time.monotonic() + 120
    while any(worker.poll() is None for worker in workers) and time.monotonic() < limite:
        time.sleep(0.2)

    journaux = "\n".join((tmp_path / f"{nom}.log").read_text() for nom in ("A", "B"))
    assert [worker.returncode for worker in workers] == [0, 0], journaux
    taches = list(DBTaskResult.objects.all())
    assert len(taches) == TRAVAUX
    assert all(tache.status == "SUCCESSFUL" for tache in taches)
    assert all(len(tache.worker_ids) == 1 for tache in taches)
    assert {tache.worker_ids[0] for tache in taches} == {"A", "B"}  # tous deux ont travaillé
    for travail in Travail.objects.filter(pk__in=[t.pk for t in travaux]):
        assert (travail.etat, travail.tentatives, travail.rapport) == (
            Travail.Etat.TERMINE,
            1,
            {"comptes": 4},
        )
