"""Les pages des parents sous charge : gunicorn (2 workers, DEBUG off) sur PostgreSQL, chargé
par wrk depuis un second processus sur la boucle locale, à côté de la grille nue.

Fonctions utilisées par bench/__main__.py :
- `familles_echantillon` : les familles dont on charge les pages (la grande, la petite, puis
  des familles dont un enfant a la grille complète de 7 lignes) ;
- `ouvrir_session` : une session de parent ouverte côté serveur par `login()` (sans le
  formulaire de connexion : la connexion n'est pas ce qu'on mesure) ;
- `compter_requetes` : les requêtes SQL d'une page, par le client de test de Django ;
- `Serveur` : gunicorn lancé sur un port libre, arrêté à la fin, la mémoire de ses workers ;
- `charger` : wrk sur une liste de (chemin, cookie), et ce qu'il mesure.
"""

import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import RACINE
from enfants.models import Enfant, Inscription
from facturation.models import Facture
from facturation.pdf import archiver_pdf
from familles.models import Famille

GUNICORN = Path(os.environ.get("VIRTUAL_ENV", RACINE / ".venv")) / "bin" / "gunicorn"
SCRIPT_WRK = RACINE / "bench" / "wrk.lua"
GRILLE_NUE = "/bench/grille-nue/"

# Les pages d'un parent, dans l'ordre des onglets ; {enfant} et {facture} sont ceux de la famille.
PAGES = (
    ("Accueil", "/"),
    ("Mon compte", "/mon-compte/"),
    ("Mes enfants", "/mes-enfants/"),
    ("Planning (grille du mois)", "/mes-enfants/{enfant}/planning/"),
    ("Relevé de compte", "/releve/"),
    ("Boîte de réception", "/messages/"),
    ("Liste des demandes", "/demandes/"),
    ("Mon dossier", "/mon-dossier/"),
    ("Infos./Documents", "/infos/"),
    ("PDF d'une facture (archivé)", "/factures/{facture}/pdf/"),
)


@dataclass
class FamilleChargee:
    """Une famille de l'échantillon : son compte, l'enfant de la grille, une facture."""

    famille: Famille
    utilisateur_id: int
    enfant_id: int
    facture_id: int | None
    lignes_planning: int
    cookie: str = ""

    def chemin(self, modele):
        return modele.format(enfant=self.enfant_id, facture=self.facture_id)


def familles_echantillon(nombre):
    """La grande famille (n° 0), la petite (n° 1), puis des familles réparties dans la base dont
    un enfant est inscrit à toutes les prestations (sa grille a toutes les lignes)."""
    lignes = (
        Inscription.objects.values("enfant_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "enfant_id")
        .values_list("enfant_id", "n")
    )
    par_enfant = dict(lignes)
    plein = max(par_enfant.values(), default=0)
    enfants = (
        Enfant.objects.filter(pk__in=[pk for pk, n in par_enfant.items() if n == plein])
        .order_by("famille_id", "pk")
        .values_list("famille_id", "pk")
    )
    premier_enfant = {}
    for famille_id, enfant_id in enfants:
        premier_enfant.setdefault(famille_id, enfant_id)
    ids = sorted(premier_enfant)
    pas = max(1, len(ids) // max(nombre, 1))
    choisis = ids[:2] + ids[2::pas]
    choisis = list(dict.fromkeys(choisis))[:nombre]
    familles = Famille.objects.in_bulk(choisis)
    derniere_facture = {}
    for facture_id, famille_id in (
        Facture.objects.filter(famille_id__in=choisis, montant__gt=0)
        .order_by("date_facture", "rang")
        .values_list("pk", "famille_id")
    ):
        derniere_facture[famille_id] = facture_id
    echantillon = []
    for famille_id in choisis:
        famille = familles[famille_id]
        titulaire = famille.titulaire
        echantillon.append(
            FamilleChargee(
                famille=famille,
                utilisateur_id=titulaire.utilisateur_id,
                enfant_id=premier_enfant[famille_id],
                facture_id=derniere_facture.get(famille_id),
                lignes_planning=plein,
            )
        )
    return echantillon


def archiver_les_pdf(echantillon):
    """Le PDF de la facture de chaque famille, archivé comme à l'émission."""
    ids = [f.facture_id for f in echantillon if f.facture_id]
    for facture in Facture.objects.filter(pk__in=ids).select_related("regie", "famille"):
        archiver_pdf(facture=facture)


def ouvrir_session(utilisateur):
    """Une session connectée pour ce compte, ouverte par `login()` comme après le formulaire de
    connexion (signaux compris : dernière connexion, journal d'axes, échéance de la session),
    sans le formulaire ni le mot de passe ; renvoie la clé de la session."""
    client = Client()
    client.force_login(utilisateur, backend="familles.backends.ComptesBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def cookie_de_session(cle):
    return f"{settings.SESSION_COOKIE_NAME}={cle}"


@dataclass
class Comptage:
    statut: int
    requetes: int
    sql: list = field(default_factory=list)


def compter_requetes(cle_session, chemin):
    """Le statut et le nombre de requêtes SQL d'une page, session comprise, au travers de toute
    la pile Django (client de test)."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cle_session
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(chemin)
        if getattr(reponse, "streaming", False):
            b"".join(reponse.streaming_content)
    return Comptage(reponse.status_code, len(requetes), [q["sql"] for q in requetes])


def port_libre():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serveur:
    """gunicorn -w 2 sur un port libre de 127.0.0.1, avec les réglages des benchmarks."""

    def __init__(self, *, workers=2, classe="sync", threads=1, environnement=None):
        self.port = port_libre()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers, self.classe, self.threads = workers, classe, threads
        self.environnement = {**os.environ, **(environnement or {})}
        self.processus = None

    def __enter__(self):
        commande = [
            str(GUNICORN),
            "portail.wsgi:application",
            f"--workers={self.workers}",
            f"--worker-class={self.classe}",
            f"--threads={self.threads}",
            f"--bind=127.0.0.1:{self.port}",
            f"--chdir={RACINE}",
            "--log-level=warning",
            "--timeout=120",
        ]
        self.environnement["DJANGO_SETTINGS_MODULE"] = "bench.settings"
        self.journal = tempfile.TemporaryFile()
        self.processus = subprocess.Popen(
            commande, env=self.environnement, stdout=self.journal, stderr=subprocess.STDOUT
        )
        limite = time.monotonic() + 60
        while time.monotonic() < limite:
            if self.processus.poll() is not None:
                raise RuntimeError(f"gunicorn s'est arrêté :\n{self.lire_journal()}")
            try:
                with urllib.request.urlopen(self.base + GRILLE_NUE, timeout=5) as reponse:
                    if reponse.status == 200 and len(self.pids_workers()) == self.workers:
                        return self
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn ne répond pas :\n{self.lire_journal()}")

    def __exit__(self, *exc):
        if self.processus is not None and self.processus.poll() is None:
            self.processus.terminate()
            try:
                self.processus.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.processus.kill()
                self.processus.wait()

    def lire_journal(self):
        self.journal.seek(0)
        return self.journal.read().decode(errors="replace")[-4000:]

    def pids_workers(self):
        chemin = Path(f"/proc/{self.processus.pid}/task/{self.processus.pid}/children")
        try:
            return [int(pid) for pid in chemin.read_text().split()]
        except FileNotFoundError:
            return []

    def memoire_workers(self):
        """{pid: VmRSS en Mo} de chaque worker, lu dans /proc/<pid>/status."""
        memoire = {}
        for pid in self.pids_workers():
            statut = Path(f"/proc/{pid}/status").read_text()
            trouve = re.search(r"^VmRSS:\s+(\d+) kB", statut, re.MULTILINE)
            if trouve:
                memoire[pid] = int(trouve[1]) / 1024
        return memoire

    def obtenir(self, chemin, cookie=""):
        """(statut, octets) d'un GET, sans suivre les redirections."""
        requete = urllib.request.Request(self.base + chemin, headers={"Cookie": cookie})
        ouvreur = urllib.request.build_opener(_SansRedirection)
        try:
            with ouvreur.open(requete, timeout=30) as reponse:
                return reponse.status, reponse.read()
        except urllib.error.HTTPError as erreur:
            return erreur.code, erreur.read()


class _SansRedirection(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Charge:
    """Ce que wrk a mesuré sur une page."""

    requetes: int
    secondes: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    erreurs: int  # connexion, lecture, écriture, délai, et statuts hors 2xx/3xx

    @property
    def par_seconde(self):
        return self.requetes / self.secondes if self.secondes else 0.0


RESULTAT = re.compile(r"RESULTAT (.*)")


def cumuler(charges):
    """Plusieurs tranches d'une même mesure en une : requêtes, durée et erreurs additionnées ;
    chaque centile est la médiane des centiles des tranches (une approximation)."""

    def mediane(valeurs):
        return sorted(valeurs)[len(valeurs) // 2]

    return Charge(
        requetes=sum(c.requetes for c in charges),
        secondes=sum(c.secondes for c in charges),
        p50_ms=mediane([c.p50_ms for c in charges]),
        p90_ms=mediane([c.p90_ms for c in charges]),
        p95_ms=mediane([c.p95_ms for c in charges]),
        p99_ms=mediane([c.p99_ms for c in charges]),
        erreurs=sum(c.erreurs for c in charges),
    )


def charger(serveur, cibles, *, duree=10, connexions=8, threads=2):
    """wrk sur le serveur : `cibles` est une liste de (chemin, cookie), visitées à tour de rôle."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fichier:
        for chemin, cookie in cibles:
            fichier.write(f"{chemin} {cookie}\n")
    try:
        sortie = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connexions}",
                f"-d{duree}s",
                "--timeout=30s",
                "--latency",
                "-s",
                str(SCRIPT_WRK),
                serveur.base,
                "--",
                fichier.name,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(fichier.name)
    trouve = RESULTAT.search(sortie)
    if trouve is None:
        raise RuntimeError(f"Sortie de wrk illisible :\n{sortie}")
    valeurs = dict(paire.split("=") for paire in trouve[1].split())
    v = {cle: int(valeur) for cle, valeur in valeurs.items()}
    return Charge(
        requetes=v["requetes"],
        secondes=v["duree_us"] / 1e6,
        p50_ms=v["p50_us"] / 1000,
        p90_ms=v["p90_us"] / 1000,
        p95_ms=v["p95_us"] / 1000,
        p99_ms=v["p99_us"] / 1000,
        erreurs=sum(v[c] for c in ("connexion", "lecture", "ecriture", "statut", "delai")),
    )
