"""Une erreur du serveur est envoyée aux ADMINS par la file d'envoi des courriels, sans rien de
ce que la famille a envoyé (données de santé, mot de passe), ni cookie, ni secret des réglages ;
Sentry n'est initialisé qu'avec un DSN."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
import sentry_sdk
from django.core import mail
from post_office.models import Email

from commun.suivi import initialiser_sentry

RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture
def page_qui_echoue(settings):
    settings.ROOT_URLCONF = "tests.portail.urls_erreur"
    settings.ADMINS = [("Informatique", "informatique@exemple.fr")]
    settings.REDIS_URL = "redis://:mot-de-passe-redis@127.0.0.1:6379/0"
    return settings


def test_une_erreur_500_part_aux_admins_par_la_file_sans_donnees_personnelles(
    client_dupont, page_qui_echoue
):
    client_dupont.raise_request_exception = False
    cookie_de_session = client_dupont.cookies["sessionid"].value

    reponse = client_dupont.post(
        "/panne/?allergie=arachides",
        {"traitement": "Ventoline deux bouffées", "password": "Secret-Tres-Prive-42"},
    )

    assert reponse.status_code == 500
    assert "Le service rencontre un problème" in reponse.content.decode()
    courriel = Email.objects.get()  # écrit dans la file d'envoi (post_office)
    assert courriel.to == ["informatique@exemple.fr"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["informatique@exemple.fr"]
    sujet, texte = mail.outbox[0].subject, mail.outbox[0].body
    assert sujet.startswith("[Portail Familles] ERROR")
    assert "Panne simulée" in texte and "RuntimeError" in texte
    assert f"Identifiant de la requête : {reponse['X-Request-ID']}" in texte
    assert "traitement = '********************'" in texte  # le nom du champ, pas sa valeur
    for secret in (
        "Ventoline",
        "arachides",
        "Secret-Tres-Prive-42",
        cookie_de_session,
        "mot-de-passe-redis",
    ):
        assert secret not in texte
        assert secret not in courriel.message


def test_sans_admins_aucun_courriel(client_dupont, page_qui_echoue):
    page_qui_echoue.ADMINS = []
    client_dupont.raise_request_exception = False

    assert client_dupont.get("/panne/").status_code == 500
    assert not Email.objects.exists()


def test_admins_se_lit_dans_l_environnement():
    from email.utils import parseaddr

    valeur = "Service informatique <si@exemple.fr>,astreinte@exemple.fr"
    assert [parseaddr(admin) for admin in valeur.split(",")] == [
        ("Service informatique", "si@exemple.fr"),
        ("", "astreinte@exemple.fr"),
    ]


def test_sentry_n_est_pas_initialise_sans_dsn():
    assert not sentry_sdk.is_initialized()  # les réglages des tests n'ont pas de SENTRY_DSN
    with mock.patch("sentry_sdk.init") as init:
        assert initialiser_sentry("", environnement="production") is False
    init.assert_not_called()


def test_sentry_est_initialise_avec_un_dsn_sans_donnees_personnelles():
    with mock.patch("sentry_sdk.init") as init:
        assert initialiser_sentry("https://cle@sentry.exemple.fr/3", environnement="essai")

    init.assert_called_once()
    options = init.call_args.kwargs
    assert options["dsn"] == "https://cle@sentry.exemple.fr/3"
    assert options["environment"] == "essai"
    assert options["send_default_pii"] is False
    assert options["max_request_body_size"] == "never"
    assert options["include_local_variables"] is False


def test_les_reglages_initialisent_sentry_seulement_avec_sentry_dsn():
    def initialise(**environnement):
        resultat = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "import sentry_sdk; print(sentry_sdk.is_initialized())",
            ],
            cwd=RACINE,
            env={**os.environ, "DEBUG": "on", "SENTRY_DSN": "", **environnement},
            capture_output=True,
            text=True,
            timeout=60,
        )
        return resultat.stdout.strip().splitlines()[-1]

    assert initialise() == "False"
    # Un DSN local (port « discard ») : rien ne part tant qu'aucune erreur n'est envoyée.
    assert initialise(SENTRY_DSN="http://cle@127.0.0.1:9/1") == "True"
