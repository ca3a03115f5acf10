"""Les réglages de production : refus de démarrer sans clé secrète, check --deploy propre."""

import os
import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]


def lancer_manage(*arguments, **environnement):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(environnement)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_la_production_refuse_de_demarrer_sans_cle_secrete():
    resultat = lancer_manage(
        "check", DEBUG="off", SECRET_KEY="", ALLOWED_HOSTS="portail.exemple.fr"
    )
    assert resultat.returncode != 0
    assert "SECRET_KEY manque" in resultat.stderr


def test_check_deploy_ne_signale_rien_en_production():
    resultat = lancer_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="off",
        SECRET_KEY="une-cle-de-production-longue-et-aleatoire-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="portail.exemple.fr",
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "System check identified no issues" in resultat.stdout


def options_de_la_base(**environnement):
    resultat = lancer_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(sorted(settings.DATABASES['default']"
        ".get('OPTIONS', {}).items()))",
        DEBUG="on",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portail_reglages",
        **environnement,
    )
    assert resultat.returncode == 0, resultat.stderr
    return resultat.stdout.strip().splitlines()[-1]


def test_postgresql_prepare_les_requetes_repetees_sauf_si_on_le_coupe():
    assert options_de_la_base() == "[('prepare_threshold', 5), ('server_side_binding', True)]"
    assert options_de_la_base(DB_REQUETES_PREPAREES="off") == "[]"


def reglage(nom, **environnement):
    resultat = lancer_manage(
        "shell",
        "-c",
        f"from django.conf import settings; print(settings.{nom})",
        DEBUG="on",
        **environnement,
    )
    assert resultat.returncode == 0, resultat.stderr
    return resultat.stdout.strip().splitlines()[-1]


def test_l_adresse_des_liens_suit_le_port_du_serveur_sauf_si_elle_est_donnee(monkeypatch):
    monkeypatch.delenv("PORTAIL_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)

    assert reglage("PORTAIL_URL") == "http://127.0.0.1:8000"
    assert reglage("PORTAIL_URL", PORT="8771") == "http://127.0.0.1:8771"
    assert (
        reglage("PORTAIL_URL", PORT="8771", PORTAIL_URL="https://portail.valvanoise.fr")
        == "https://portail.valvanoise.fr"
    )


def test_les_sessions_vont_en_cache_et_en_base_quand_un_cache_partage_est_configure(
    monkeypatch,
):
    monkeypatch.delenv("CACHE_URL", raising=False)

    assert reglage("SESSION_ENGINE") == "django.contrib.sessions.backends.db"
    assert (
        reglage("SESSION_ENGINE", CACHE_URL="rediscache://127.0.0.1:6379/1")
        == "django.contrib.sessions.backends.cached_db"
    )


def test_make_run_donne_aux_liens_le_port_du_serveur():
    makefile = (RACINE / "Makefile").read_text()

    for cible in ("run", "demo"):
        assert f"{cible}: export PORTAIL_URL ?= http://127.0.0.1:$(PORT)" in makefile
