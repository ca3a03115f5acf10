"""Ce que reçoit un téléphone sur un réseau lent : Lighthouse sur chaque page des parents, au
travers de la pile de production.

Le site nginx livré (deploy/nginx/portail.conf : TLS, HTTP/2, gzip, statiques en cache long),
monté ici par deploy/nginx-local.sh devant le gunicorn du banc, sur des ports libres, avec un
certificat jetable. Lighthouse (le paquet npm de front/, `make bench` l'installe) pilote le
Chromium de Debian en émulation mobile (ses réglages par défaut : écran de téléphone, 4G lente
et processeur ralenti quatre fois, simulés) ; chaque page est chargée avec la session d'un
parent, comme une première visite (cache vide). On retient les notes de performance,
d'accessibilité et de bonnes pratiques, et les octets transférés.
"""

import json
import os
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from bench import RACINE

LIGHTHOUSE = RACINE / "front" / "node_modules" / ".bin" / "lighthouse"
NGINX = Path(os.environ.get("NGINX", "/usr/sbin/nginx"))
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices")
# Les cibles de l'issue : performance ≥ 0,95, accessibilité et bonnes pratiques 1, une première
# visite ≤ 60 Ko transférés.
CIBLE_PERFORMANCE = 0.95
CIBLE_OCTETS = 60 * 1024


@dataclass
class Note:
    page: str
    performance: float
    accessibilite: float
    bonnes_pratiques: float
    octets: int

    @property
    def atteinte(self):
        return (
            self.performance >= CIBLE_PERFORMANCE
            and self.accessibilite == 1
            and self.bonnes_pratiques == 1
            and self.octets <= CIBLE_OCTETS
        )

    def valeur(self):
        return (
            f"performance {self.performance:.2f}, accessibilité {self.accessibilite:.2f}, "
            f"bonnes pratiques {self.bonnes_pratiques:.2f} ; {self.octets / 1024:.0f} Ko"
        )


def manquants():
    """Ce qui manque pour mesurer (le banc échoue plutôt que de sauter la mesure)."""
    return [
        f"{chemin} ({remede})"
        for chemin, remede in (
            (LIGHTHOUSE, "make bench l'installe : npm ci --prefix front"),
            (NGINX, "apt-get install nginx"),
            (Path(CHROMIUM), "apt-get install chromium"),
        )
        if not chemin.exists()
    ]


class Nginx:
    """Le site nginx livré devant le gunicorn du banc (`port_gunicorn`), en HTTPS."""

    def __init__(self, port_gunicorn):
        from bench.pages import port_libre  # après la mise en place de Django (bench.pages)

        self.port_gunicorn = port_gunicorn
        self.port_https, self.port_http = port_libre(), port_libre()
        self.base = f"https://127.0.0.1:{self.port_https}"
        self.processus = None

    def __enter__(self):
        self.dossier = Path(tempfile.mkdtemp(prefix="portail-lighthouse-"))
        self.dossier.chmod(0o755)  # les workers de nginx (www-data) lisent les statiques
        subprocess.run(
            [
                str(RACINE / "deploy" / "nginx-local.sh"),
                str(self.dossier),
                str(self.port_http),
                str(self.port_https),
                str(self.port_gunicorn),
                str(settings.STATIC_ROOT),
            ],
            check=True,
        )
        self.processus = subprocess.Popen(
            [
                str(NGINX),
                "-p",
                str(self.dossier / "nginx"),
                "-c",
                str(self.dossier / "nginx" / "nginx.conf"),
                "-e",
                str(self.dossier / "journaux" / "nginx-principal.log"),
                "-g",
                "daemon off;",
            ]
        )
        contexte = _contexte_tls(self.dossier / "tls" / "fullchain.pem")
        limite = time.monotonic() + 30
        while time.monotonic() < limite:
            try:
                with urllib.request.urlopen(
                    f"{self.base}/connexion/", timeout=5, context=contexte
                ) as reponse:
                    if reponse.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("nginx ne répond pas devant le gunicorn du banc.")

    def __exit__(self, *exc):
        if self.processus is not None and self.processus.poll() is None:
            self.processus.terminate()
            self.processus.wait(timeout=30)
        shutil.rmtree(self.dossier, ignore_errors=True)


def _contexte_tls(certificat):
    return ssl.create_default_context(cafile=str(certificat))


def noter(base, nom, chemin, cookie="", *, essais=3):
    """Une page passée par Lighthouse (émulation mobile, première visite) : sa Note. Lighthouse
    perd parfois la trace d'un chargement (« NO_NAVSTART ») : la page est alors rechargée, trois
    fois au plus, avant d'abandonner."""
    for essai in range(1, essais + 1):
        try:
            return _noter_une_fois(base, nom, chemin, cookie)
        except (subprocess.CalledProcessError, RuntimeError) as erreur:
            if essai == essais:
                raise RuntimeError(
                    f"Lighthouse sur {chemin} : {essais} échecs ({erreur})"
                ) from erreur
            print(f"  Lighthouse sur {chemin} : {erreur} ; nouvel essai", flush=True)
    raise AssertionError("inatteignable")


def _noter_une_fois(base, nom, chemin, cookie):
    with tempfile.TemporaryDirectory(prefix="portail-lighthouse-") as dossier:
        rapport = Path(dossier) / "rapport.json"
        commande = [
            str(LIGHTHOUSE),
            base + chemin,
            "--quiet",
            "--output=json",
            f"--output-path={rapport}",
            f"--only-categories={','.join(CATEGORIES)}",
            # Le certificat jetable de nginx ; pas de bac à sable pour root dans la CI.
            "--chrome-flags=--headless=new --no-sandbox --ignore-certificate-errors",
        ]
        if cookie:
            commande.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
        subprocess.run(
            commande,
            check=True,
            env={**os.environ, "CHROME_PATH": CHROMIUM, "HOME": dossier},
            stdout=subprocess.DEVNULL,
            timeout=300,
        )
        resultat = json.loads(rapport.read_text(encoding="utf-8"))
    if resultat.get("runtimeError"):
        raise RuntimeError(f"Lighthouse sur {chemin} : {resultat['runtimeError']['message']}")
    notes = {code: resultat["categories"][code]["score"] for code in CATEGORIES}
    return Note(
        page=nom,
        performance=notes["performance"],
        accessibilite=notes["accessibility"],
        bonnes_pratiques=notes["best-practices"],
        octets=int(resultat["audits"]["total-byte-weight"]["numericValue"]),
    )
