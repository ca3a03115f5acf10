"""Les fichiers de deploy/ restent d'accord avec le portail : le fichier d'environnement nomme
chaque variable que lisent les réglages, nginx laisse passer les fichiers que le portail accepte
et parle au gunicorn de l'unité, les statiques qu'il sert sont ceux que range collectstatic.
(make prod-check les fait tourner ensemble : deploy/verifier-production.sh.)"""

import re
from pathlib import Path

from familles.fichiers import TAILLE_MAX_PIECE_JOINTE

RACINE = Path(__file__).resolve().parents[2]
DEPLOY = RACINE / "deploy"


def _lire(chemin):
    return (RACINE / chemin).read_text(encoding="utf-8")


def _variables_du_modele():
    """{variable: valeur} du modèle d'environnement, lignes commentées comprises."""
    return {
        nom: valeur.strip('"')
        for nom, valeur in re.findall(
            r"^(?:# )?([A-Z][A-Z0-9_]+)=(.*)$", _lire("deploy/portail.env.example"), re.M
        )
    }


def test_le_modele_d_environnement_nomme_chaque_variable_des_reglages():
    appel = r"env(?:\.[a-z_]+)?\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']"
    lues = set(re.findall(appel, _lire("portail/settings.py")))

    assert {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "STATIC_ROOT"} <= lues
    assert sorted(lues - set(_variables_du_modele())) == []


def test_le_modele_d_environnement_est_celui_de_la_production():
    variables = _variables_du_modele()

    assert variables["DEBUG"] == "off"
    assert variables["PAYFIP_BACKEND"] == "payfip_ws"
    assert variables["CSRF_TRUSTED_ORIGINS"] == variables["PORTAIL_URL"]
    assert variables["PORTAIL_URL"].startswith("https://")


def test_nginx_laisse_passer_un_fichier_de_la_taille_acceptee_par_le_portail():
    (limite,) = re.findall(r"client_max_body_size (\d+)m;", _lire("deploy/nginx/portail.conf"))

    # La place du formulaire autour du fichier, sans ouvrir la porte bien au-delà.
    assert TAILLE_MAX_PIECE_JOINTE < int(limite) * 1024 * 1024 <= TAILLE_MAX_PIECE_JOINTE * 2


def test_nginx_parle_au_gunicorn_de_l_unite_et_sert_les_statiques_de_collectstatic():
    site = _lire("deploy/nginx/portail.conf")
    unite = _lire("deploy/systemd/portail-gunicorn.service")
    (adresse,) = re.findall(r"--bind (\S+)", unite)
    (statiques,) = re.findall(r"location /static/ \{\s*alias (\S+);", site)

    assert f"server {adresse} " in site
    assert statiques == _variables_du_modele()["STATIC_ROOT"] + "/"
    assert re.search(r"location /media/ \{\s*return 404;", site)
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "ExecReload=/bin/kill -s HUP $MAINPID" in unite
