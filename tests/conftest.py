"""Les trois acteurs de chaque test : la famille Dupont (propriétaire), la famille Martin
(l'étrangère, qui ne doit rien voir de Dupont) et un agent du service enfance."""

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission

from familles.models import Responsable
from tests.factories import (
    EnfantFactory,
    FamilleFactory,
    ResponsableFactory,
    UtilisateurFactory,
)


def pytest_collection_modifyitems(config, items):
    """Les tests marqués `postgresql` ne tournent que sur PostgreSQL : sur SQLite ils sont
    désélectionnés (et non sautés) ; la CI les passe avec DATABASE_URL."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    gardes, retires = [], []
    for item in items:
        (retires if item.get_closest_marker("postgresql") else gardes).append(item)
    if retires:
        config.hook.pytest_deselected(items=retires)
        items[:] = gardes


_sautes = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _sautes.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """En CI, rien ne se saute faute de PostgreSQL ou de Chromium : un test sauté échoue."""
    if os.environ.get("CI") and _sautes and exitstatus == 0:
        print(f"\nCI : {len(_sautes)} test(s) sauté(s), ce qui n'est pas admis :")
        for nodeid in _sautes:
            print(f"  {nodeid}")
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def cache_vide():
    """Chaque test part de caches vides : les compteurs des limites (portail/limites.py), les
    fragments et le calendrier de l'affichage ne passent pas d'un test à l'autre."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def courriels_sans_attente(settings, tmp_path_factory):
    """Chaque courriel passe par la file d'envoi (post_office), comme en production, et en
    sort aussitôt vers mail.outbox (priorité « now ») : les tests qui lisent mail.outbox juste
    après une action n'ont rien à envoyer. Les tests de la file elle-même demandent
    `file_courriels`, qui l'y laisse jusqu'à ce qu'ils l'envoient."""
    settings.EMAIL_BACKEND = "post_office.EmailBackend"
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
        "DEFAULT_PRIORITY": "now",
    }
    # Un verrou d'envoi à ces tests : d'autres suites tournent peut-être sur la machine.
    settings.COURRIELS_VERROU = str(tmp_path_factory.getbasetemp() / "envoi-courriels.lock")


@pytest.fixture
def file_courriels(courriels_sans_attente, settings):
    """La file d'envoi comme en production : un courriel y reste « en attente » jusqu'à ce que
    le test appelle `file_courriels()` (l'envoi de la commande envoyer_courriels), qui rend
    le bilan ; les courriels envoyés sont alors dans mail.outbox."""
    from courriels.envoi import envoyer_la_file

    settings.POST_OFFICE = {**settings.POST_OFFICE, "DEFAULT_PRIORITY": "medium"}
    return envoyer_la_file


@pytest.fixture
def dupont(db):
    """La famille Dupont du guide : JEAN (titulaire, avec un compte) et JEANNE (conjoint)."""
    famille = FamilleFactory(numero="1001001819331")
    ResponsableFactory(
        famille=famille,
        civilite=Responsable.Civilite.MONSIEUR,
        nom="DUPONT",
        prenom="JEAN",
        qualite=Responsable.Qualite.PERE,
        situation=Responsable.Situation.SEPARE,
        adresse="12 RUE DES BONBONS",
        code_postal="31400",
        ville="SAINT - JEAN",
        telephone_domicile="01 02 03 04 05",
        email="jean.dupont@wanadoo.fr",
        utilisateur=UtilisateurFactory(username="jean.dupont", email="jean.dupont@wanadoo.fr"),
    )
    ResponsableFactory(
        famille=famille,
        role=Responsable.Role.CONJOINT,
        nom="DUPONT",
        prenom="JEANNE",
        qualite=Responsable.Qualite.MERE,
        situation="",
        adresse="Lotissement les bons bonbons",
        code_postal="31400",
        ville="SAINT - JEAN",
        email="",
        utilisateur=None,
    )
    EnfantFactory(famille=famille, nom="DUPONT", prenom="Lucas", sexe="M")
    return famille


@pytest.fixture
def martin(db):
    """La famille Martin : l'étrangère."""
    famille = FamilleFactory(numero="1001001820442")
    ResponsableFactory(famille=famille, utilisateur=UtilisateurFactory(username="marie.martin"))
    EnfantFactory(famille=famille)
    return famille


@pytest.fixture
def agent(db):
    """Un agent du service enfance : staff, pas superutilisateur."""
    utilisateur = UtilisateurFactory(username="agent", is_staff=True)
    utilisateur.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["familles", "enfants", "facturation", "demandes"]
        )
    )
    return utilisateur


@pytest.fixture
def client_dupont(client, dupont):
    client.force_login(dupont.titulaire.utilisateur)
    return client


@pytest.fixture
def client_martin(client, martin):
    client.force_login(martin.titulaire.utilisateur)
    return client


@pytest.fixture
def client_agent(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def taches_immediates(settings, tmp_path):
    """Les travaux de fond faits dès leur mise dans la file (ImmediateBackend de
    django-tasks), pour les tests qui ne portent pas sur la file elle-même. Un travail entre
    dans la file à la validation de la transaction : envelopper ce qui le lance de
    `django_capture_on_commit_callbacks(execute=True)`. Les PDF produits vont dans un dossier
    temporaire."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.TASKS


@pytest.fixture
def faire_la_file():
    """Fait, dans le processus du test, les tâches en attente de la file de la base : le
    worker de django-tasks-db en mode « batch » (il s'arrête la file vide). Les tâches
    doivent être validées en base : tests `django_db(transaction=True)`."""
    from django_tasks_db.management.commands.db_worker import Worker

    def faire():
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="worker-des-tests",
            excluded_queue_names=[],
        ).run()

    return faire


@pytest.fixture
def lancer_un_worker(settings, tmp_path):
    """Démarre un worker `manage.py db_worker` dans un processus à part, sur la base des
    tests (PostgreSQL, tests `django_db(transaction=True)` : le worker ne voit que ce qui est
    validé), ses fichiers dans le MEDIA_ROOT du test, ses courriels nulle part (dummymail).
    Rend son Popen ; son journal est dans tmp_path/<journal>.log. Ceux qui tournent encore à
    la fin du test sont arrêtés."""
    from django.db import connection

    base = connection.settings_dict
    identite = quote(base["USER"] or "") + (
        f":{quote(base['PASSWORD'])}" if base["PASSWORD"] else ""
    )
    url = (
        f"postgres://{identite}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/{base['NAME']}"
    )
    lances = []

    def lancer(*options, journal="worker"):
        environnement = {
            **os.environ,
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DEBUG": "on",
            "EMAIL_URL": "dummymail://",
            "TACHES": "base",
        }
        with open(tmp_path / f"{journal}.log", "w") as sortie:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.1",
                    *options,
                ],
                cwd=settings.BASE_DIR,
                env=environnement,
                stdout=sortie,
                stderr=subprocess.STDOUT,
            )
        lances.append(worker)
        return worker

    yield lancer
    for worker in lances:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
