"""Les trois acteurs de chaque test : la famille Dupont (propriétaire), la famille Martin
(l'étrangère, qui ne doit rien voir de Dupont) et un agent du service enfance."""

import os

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
