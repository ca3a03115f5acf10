"""Le journal : une ligne par événement, avec l'identifiant de la requête (X-Request-ID, renvoyé
dans la réponse) et celui de l'utilisateur connecté ; en JSON avec LOGS_JSON=on ; jamais un mot
de passe ni le corps d'une requête."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from commun.journal import ContexteDeRequete, FormateurJson, FormateurUneLigne

RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture
def journal():
    """Ce que la console écrirait avec LOGS_JSON=on (et en texte), tout niveau compris."""
    sorties = {"json": io.StringIO(), "texte": io.StringIO()}
    racine = logging.getLogger()
    gestionnaires = []
    for nom, formateur in (("json", FormateurJson()), ("texte", FormateurUneLigne())):
        gestionnaire = logging.StreamHandler(sorties[nom])
        gestionnaire.addFilter(ContexteDeRequete())
        gestionnaire.setFormatter(formateur)
        racine.addHandler(gestionnaire)
        gestionnaires.append(gestionnaire)
    niveau = racine.level
    racine.setLevel(logging.DEBUG)
    yield sorties
    racine.setLevel(niveau)
    for gestionnaire in gestionnaires:
        racine.removeHandler(gestionnaire)


def lignes_json(journal):
    return [json.loads(ligne) for ligne in journal["json"].getvalue().splitlines()]


def test_une_requete_ecrit_une_ligne_json_avec_son_identifiant_et_l_utilisateur(
    client_dupont, dupont, journal
):
    reponse = client_dupont.get("/releve/")

    assert reponse.status_code == 200
    identifiant = reponse["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", identifiant)
    requetes = [ligne for ligne in lignes_json(journal) if ligne["logger"] == "commun.journal"]
    assert len(requetes) == 1
    ligne = requetes[0]
    assert ligne["message"].startswith("GET /releve/ 200 ")
    assert ligne["request_id"] == identifiant
    assert ligne["user_id"] == dupont.titulaire.utilisateur.pk
    assert ligne["level"] == "INFO" and ligne["time"]


def test_l_identifiant_du_proxy_est_repris_et_renvoye(client, db, journal):
    reponse = client.get("/connexion/", headers={"X-Request-ID": "a1b2c3d4e5f60718"})

    assert reponse["X-Request-ID"] == "a1b2c3d4e5f60718"
    ligne = lignes_json(journal)[-1]
    assert ligne["request_id"] == "a1b2c3d4e5f60718"
    assert ligne["user_id"] is None
    assert "[a1b2c3d4e5f60718 -] GET /connexion/ 200" in journal["texte"].getvalue()


@pytest.mark.parametrize("propose", ["court", "deux mots et plus", "x" * 200, "a\r\nfaux: 1"])
def test_un_identifiant_du_proxy_mal_forme_est_remplace(client, db, propose):
    reponse = client.get("/connexion/", headers={"X-Request-ID": propose})

    assert re.fullmatch(r"[0-9a-f]{32}", reponse["X-Request-ID"])


def test_l_adresse_journalisee_est_celle_declaree_sans_ses_identifiants(client_dupont, journal):
    reponse = client_dupont.get("/factures/987654/pdf/")

    (ligne,) = [ligne for ligne in lignes_json(journal) if ligne["logger"] == "commun.journal"]
    assert ligne["message"].startswith("GET /factures/<id:pk>/pdf/ 404 ")
    # L'avertissement de Django sur la page introuvable porte le même identifiant.
    (introuvable,) = [
        ligne for ligne in lignes_json(journal) if ligne["logger"] == "django.request"
    ]
    assert introuvable["request_id"] == ligne["request_id"] == reponse["X-Request-ID"]


def test_un_mot_de_passe_poste_n_apparait_pas_au_journal(client, dupont, journal, caplog):
    with caplog.at_level(logging.DEBUG):
        reponse = client.post(
            "/connexion/", {"username": "jean.dupont", "password": "Secret-Tres-Prive-42"}
        )

    assert reponse.status_code == 200  # refusé : le formulaire revient
    ecrit = journal["json"].getvalue() + journal["texte"].getvalue() + caplog.text
    assert "POST /connexion/ 200" in journal["texte"].getvalue()
    assert "Secret-Tres-Prive-42" not in ecrit


def test_une_trace_d_erreur_tient_sur_une_ligne(journal):
    try:
        raise ValueError("première\nseconde")
    except ValueError:
        logging.getLogger("portail").exception("Échec")

    texte = journal["texte"].getvalue()
    assert texte.count("\n") == 1
    assert "Échec\\nTraceback" in texte
    (ligne,) = lignes_json(journal)
    assert ligne["message"] == "Échec" and "ValueError" in ligne["exc_info"]


def test_logs_json_on_configure_la_console_en_json():
    environnement = {**os.environ, "DEBUG": "on", "LOGS_JSON": "on"}
    resultat = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import logging; logging.getLogger('portail').warning('essai %s', 1)",
        ],
        cwd=RACINE,
        env=environnement,
        capture_output=True,
        text=True,
        timeout=60,
    )

    lignes = [json.loads(ligne) for ligne in resultat.stderr.splitlines()]
    assert {"level": "WARNING", "logger": "portail", "message": "essai 1"}.items() <= lignes[
        -1
    ].items()
    assert lignes[-1]["request_id"] is None


def test_un_fichier_statique_et_une_adresse_inconnue(client, db, journal):
    client.get("/static/css/nexistepas.css")
    client.get("/jeton-secret-mal-tape/")

    texte = journal["texte"].getvalue()
    assert "GET /static/css/nexistepas.css 404" in texte
    assert "GET - 404" in texte
