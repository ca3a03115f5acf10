"""Le réglage de la file des travaux : la base par défaut, Redis avec TACHES=rq (sur REDIS_URL,
sinon le serveur de CACHE_URL), rien d'autre."""

import json
import os
import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
LIRE = (
    "import json; from django.conf import settings; print(json.dumps({"
    "'backend': settings.TASKS['default']['BACKEND'], "
    "'redis': settings.RQ_QUEUES['default']['URL'], "
    "'apps': [a for a in settings.INSTALLED_APPS if 'rq' in a or 'tasks' in a]}))"
)


def lancer_manage(*arguments, **environnement):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"TACHES", "REDIS_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DEBUG="on", **environnement)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def reglages(**environnement):
    resultat = lancer_manage("shell", "-c", LIRE, **environnement)
    assert resultat.returncode == 0, resultat.stderr
    return json.loads(resultat.stdout.strip().splitlines()[-1])


def test_the_queue_is_in_the_database_by_default():
    assert reglages() == {
        "backend": "django_tasks_db.DatabaseBackend",
        "redis": "redis://127.0.0.1:6379/0",
        "apps": ["django_tasks", "django_tasks_db"],
    }


def test_taches_rq_puts_the_queue_in_the_redis_of_the_cache():
    assert reglages(TACHES="rq", CACHE_URL="rediscache://127.0.0.1:6379/1") == {
        "backend": "django_tasks_rq.RQBackend",
        "redis": "redis://127.0.0.1:6379/1",
        "apps": ["django_tasks", "django_tasks_db", "django_rq", "django_tasks_rq"],
    }


def test_redis_url_chooses_the_redis_of_the_queue():
    lus = reglages(
        TACHES="rq", CACHE_URL="rediscache://127.0.0.1:6379/1", REDIS_URL="redis://file:6379/2"
    )

    assert lus["redis"] == "redis://file:6379/2"


def test_an_unknown_queue_is_refused_in_french():
    resultat = lancer_manage("check", TACHES="celery")

    assert resultat.returncode != 0
    assert "TACHES : « base » (la file dans la base) ou « rq » (Redis)." in resultat.stderr
