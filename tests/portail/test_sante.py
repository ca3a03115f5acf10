"""La page de santé, `/sante/` : 200 quand la base, les fichiers déposés et la file des travaux
répondent, 503 sinon ; sans connexion, sans rien révéler, même en HTTP."""

import json
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django_tasks_db.models import DBTaskResult

TOUT_VA_BIEN = {"statut": "ok", "composants": {"base": "ok", "fichiers": "ok", "file": "ok"}}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def etat(reponse):
    assert reponse["Content-Type"] == "application/json"
    return json.loads(reponse.content)


def test_tout_repond_200_sans_connexion(client, db, media):
    reponse = client.get("/sante/")

    assert reponse.status_code == 200
    assert etat(reponse) == TOUT_VA_BIEN
    assert "no-store" in reponse["Cache-Control"]
    assert list(media.rglob("*.txt")) == []  # le fichier d'essai est effacé


def test_la_page_ne_montre_aucune_donnee_meme_a_un_parent_connecte(client_dupont, media):
    reponse = client_dupont.get("/sante/")

    assert reponse.status_code == 200
    corps = reponse.content.decode()
    assert etat(reponse) == TOUT_VA_BIEN
    assert "DUPONT" not in corps and "jean.dupont" not in corps


def test_elle_repond_en_http_quand_le_reste_est_redirige_vers_https(client, db, media, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/connexion/").status_code == 301
    assert client.get("/sante/").status_code == 200


def test_503_quand_la_base_ne_repond_pas(client, db, media):
    panne = OperationalError('connection to server at "10.0.0.5" failed: password=secret')
    with mock.patch.object(type(connections["default"]), "ensure_connection", side_effect=panne):
        reponse = client.get("/sante/")

    assert reponse.status_code == 503
    assert etat(reponse)["statut"] == "en panne"
    assert etat(reponse)["composants"]["base"] == "en panne"
    assert etat(reponse)["composants"]["fichiers"] == "ok"
    assert "secret" not in reponse.content.decode()
    assert "10.0.0.5" not in reponse.content.decode()


def test_503_quand_les_fichiers_deposes_ne_s_ecrivent_pas(client, db, settings, tmp_path):
    (tmp_path / "un-fichier").write_text("")
    settings.MEDIA_ROOT = tmp_path / "un-fichier" / "media"  # ne peut pas être un dossier

    reponse = client.get("/sante/")

    assert reponse.status_code == 503
    assert etat(reponse) == {
        "statut": "en panne",
        "composants": {"base": "ok", "fichiers": "en panne", "file": "ok"},
    }


def test_503_quand_la_table_de_la_file_ne_se_lit_pas(client, db, media):
    panne = mock.Mock(**{"only.side_effect": OperationalError("no such table")})
    with mock.patch.object(DBTaskResult, "objects", panne):
        reponse = client.get("/sante/")

    assert reponse.status_code == 503
    assert etat(reponse) == {
        "statut": "en panne",
        "composants": {"base": "ok", "fichiers": "ok", "file": "en panne"},
    }


@pytest.fixture
def file_redis(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    return settings


def test_avec_la_file_dans_redis_redis_doit_repondre(client, db, media, file_redis):
    file_redis.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/9"}}

    reponse = client.get("/sante/")

    assert reponse.status_code == 200
    assert etat(reponse) == TOUT_VA_BIEN


def test_503_quand_redis_ne_repond_pas(client, db, media, file_redis):
    file_redis.RQ_QUEUES = {"default": {"URL": "redis://:motdepasse@127.0.0.1:1/0"}}

    reponse = client.get("/sante/")

    assert reponse.status_code == 503
    assert etat(reponse)["composants"]["file"] == "en panne"
    assert "motdepasse" not in reponse.content.decode()
