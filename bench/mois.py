"""Le mois de facturation de bout en bout, sur la base du banc (bench/__main__.py l'appelle
après les pages et la ruée ; pas lancé par les tests).

Comme en production : deux workers (`manage.py db_worker`, deux processus) sur la base
PostgreSQL du banc, l'envoi des courriels (`manage.py envoyer_courriels`, ici toutes les
5 secondes au lieu de chaque minute) vers un serveur SMTP local (bench/smtp.py). La
facturation est lancée par le service de l'action « Facturer un mois… »
(`facturation.taches.lancer_facturation`, chronométré : la requête doit revenir en moins
d'une seconde), pour le premier mois que le jeu de données n'a pas encore facturé, daté du
2 du mois suivant. Mesuré jusqu'au dernier courriel reçu par le serveur SMTP : le temps
réel, les factures, les PDF archivés, les courriels, et le temps de processeur des deux
workers par facture depuis le lancement (émission, PDF et annonce : l'essentiel est le PDF ;
le démarrage des workers n'est pas compté).
"""

import contextlib
import datetime
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.smtp import ServeurSmtp

RACINE = Path(__file__).resolve().parent.parent
WORKERS = 2
TOP = os.sysconf("SC_CLK_TCK")


@dataclass
class Resultat:
    familles: int = 0
    mois: datetime.date | None = None
    lancement_ms: float = 0.0
    etat: str = ""
    factures: int = 0
    pdf: int = 0
    annoncees: int = 0
    courriels: int = 0
    recus: int = 0
    en_erreur: int = 0
    travail_s: float = 0.0  # du lancement à la fin du travail
    total_s: float = 0.0  # du lancement au dernier courriel reçu
    processeur_s: float = 0.0  # des deux workers
    charge: tuple = ()

    @property
    def complet(self):
        return (
            self.etat == "termine"
            and self.factures > 0
            and self.pdf == self.annoncees == self.factures
            and self.recus == self.courriels > 0
        )

    @property
    def processeur_par_facture_ms(self):
        return 1000 * self.processeur_s / max(self.factures, 1)

    @property
    def reel_par_facture_ms(self):
        return 1000 * self.travail_s / max(self.factures, 1)

    def lignes(self):
        yield (
            f"{self.familles} familles, mois de {self.mois:%m/%Y} : {self.factures} factures, "
            f"{self.pdf} PDF archivés, {self.annoncees} annoncées, {self.courriels} courriels "
            f"dans la file, {self.recus} reçus par le SMTP local ; état « {self.etat} », "
            f"{self.en_erreur} erreur(s)"
        )
        yield (
            f"lancement (le service de l'action) : {self.lancement_ms:.0f} ms ; travail fini en "
            f"{self.travail_s:.1f} s, dernier courriel reçu à {self.total_s:.1f} s"
        )
        yield (
            f"processeur des {WORKERS} workers : {self.processeur_s:.1f} s, soit "
            f"{self.processeur_par_facture_ms:.1f} ms par facture ; temps réel "
            f"{self.reel_par_facture_ms:.1f} ms par facture ; charge de la machine (1 min) "
            + " → ".join(f"{c:.1f}" for c in self.charge)
        )


def _processeur(pid):
    """Secondes de processeur (utilisateur et système) du processus."""
    champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(champs[11]) + int(champs[12])) / TOP


def _environnement(base_url, port, dossier):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": base_url,
        "TACHES": "base",
        "BENCH_COURRIELS": "file",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "COURRIELS_VERROU": str(dossier / "courriels.lock"),
        "FACTURATION_PDF_EN_PARALLELE": str(WORKERS),
    }


def _envoyer_en_boucle(env, arret, journal):
    """`envoyer_courriels` toutes les 5 secondes, comme la minuterie (chaque minute)."""
    while not arret.is_set():
        subprocess.run(
            [sys.executable, "manage.py", "envoyer_courriels"],
            cwd=RACINE,
            env=env,
            stdout=journal,
            stderr=subprocess.STDOUT,
        )
        arret.wait(5)


def mesurer(*, base_url, delai_max):
    """Lance et suit le mois de facturation ; rend un Resultat."""
    from django.db import connections
    from django.db.models import Max
    from post_office.models import STATUS, Email

    from facturation import taches
    from facturation.models import Facture, Regie
    from familles.models import Famille, Utilisateur
    from travaux.models import Travail

    regie = Regie.objects.get(prefixe="AL")
    derniere = Facture.objects.filter(regie=regie).aggregate(fin=Max("periode_fin"))["fin"]
    mois = derniere + datetime.timedelta(days=1)
    le_2_du_mois_suivant = (mois + datetime.timedelta(days=32)).replace(day=2)
    resultat = Resultat(familles=Famille.objects.count(), mois=mois)
    agent = Utilisateur.objects.get(username="agent.bench")
    Email.objects.all().delete()
    connections.close_all()  # les workers et l'envoyeur ouvrent les leurs

    dossier = Path(tempfile.mkdtemp(prefix="bench-mois-"))
    charge = [os.getloadavg()[0]]
    with ServeurSmtp() as smtp, contextlib.ExitStack() as fichiers:
        env = _environnement(base_url, smtp.port, dossier)
        journaux = [
            fichiers.enter_context(open(dossier / f"{nom}.log", "w"))
            for nom in [*(f"worker{n}" for n in range(WORKERS)), "envoi"]
        ]
        workers = [
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"],
                cwd=RACINE,
                env=env,
                stdout=journal,
                stderr=subprocess.STDOUT,
            )
            for journal in journaux[:WORKERS]
        ]
        arret = threading.Event()
        envoyeur = threading.Thread(target=_envoyer_en_boucle, args=(env, arret, journaux[-1]))
        try:
            time.sleep(5)  # les workers démarrent (Django, la connexion) : hors mesure
            processeur_au_depart = sum(_processeur(w.pid) for w in workers)
            debut = time.perf_counter()
            (travail,) = taches.lancer_facturation(
                regies=[regie], mois=mois, par=agent, aujourdhui=le_2_du_mois_suivant
            )
            resultat.lancement_ms = 1000 * (time.perf_counter() - debut)
            envoyeur.start()
            fin_du_travail, annonce = None, debut
            while time.perf_counter() - debut < delai_max:
                time.sleep(1)
                travail.refresh_from_db()
                if fin_du_travail is None and travail.etat not in (
                    Travail.Etat.EN_ATTENTE,
                    Travail.Etat.EN_COURS,
                ):
                    fin_du_travail = time.perf_counter()
                    charge.append(os.getloadavg()[0])
                    resultat.processeur_s = (
                        sum(_processeur(w.pid) for w in workers) - processeur_au_depart
                    )
                if time.perf_counter() - annonce > 30:
                    annonce = time.perf_counter()
                    charge.append(os.getloadavg()[0])
                    print(
                        f"  {annonce - debut:5.0f} s : {travail.progression}, "
                        f"{len(smtp.boite.sujets)} courriels reçus",
                        flush=True,
                    )
                if fin_du_travail is not None:
                    en_file = Email.objects.filter(
                        status__in=[STATUS.queued, STATUS.requeued]
                    ).count()
                    if not en_file or travail.etat == Travail.Etat.ECHOUE:
                        break
            resultat.etat = travail.etat
            resultat.travail_s = (fin_du_travail or time.perf_counter()) - debut
            resultat.total_s = max((smtp.boite.dernier or debut) - debut, resultat.travail_s)
        finally:
            arret.set()
            if envoyeur.is_alive():
                envoyeur.join()
            for worker in workers:
                worker.terminate()
            for worker in workers:
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
        resultat.recus = len(smtp.boite.sujets)
    charge.append(os.getloadavg()[0])
    resultat.charge = tuple(charge)
    factures = Facture.objects.filter(travail=travail)
    resultat.factures = factures.count()
    resultat.pdf = factures.exclude(pdf_sha256="").count()
    resultat.annoncees = factures.filter(annoncee_le__isnull=False).count()
    resultat.courriels = Email.objects.count()
    resultat.en_erreur = travail.erreurs.filter(resolue=False).count()
    if not resultat.complet:
        for chemin in sorted(dossier.glob("*.log")):
            print(f"--- {chemin.name} (fin) ---\n{chemin.read_text()[-2000:]}", file=sys.stderr)
    return resultat
