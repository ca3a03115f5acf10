"""Benchmark des PDF de factures (pas lancé par les tests).

    .venv/bin/python bench/pdf.py [--rendus 20] [--telechargements 200]

Dans une base jetable (DATABASE_URL, par défaut un fichier SQLite temporaire) et un MEDIA_ROOT
temporaire : construit la démonstration, puis mesure
  - le rendu du PDF de la facture AL-36 par WeasyPrint (moyenne et p50 sur N rendus) ;
  - le rendu en lot (rendre_pdfs : les factures de la démonstration mises en page dans un seul
    document, puis un PDF par facture), ramené à une facture, temps réel et processeur ;
  - le téléchargement du PDF archivé par les parents, /factures/<id>/pdf/, au travers de
    toute la pile Django (client de test : middlewares, session, accès par la famille,
    vérification de l'empreinte) : p50 et p95 sur N téléchargements. Cible : p50 ≤ 20 ms ;
  - l'impression de l'administration (les 4 factures de la démonstration en un PDF).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DOSSIER = tempfile.mkdtemp(prefix="bench-pdf-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DOSSIER}/bench.sqlite3")
os.environ["MEDIA_ROOT"] = f"{DOSSIER}/media"
os.environ.setdefault("DEBUG", "on")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from facturation.models import Facture  # noqa: E402
from facturation.pdf import archiver_pdf, fusionner_pdfs, rendre_pdf, rendre_pdfs  # noqa: E402
from familles.models import Famille, Utilisateur  # noqa: E402
from portail.demo import construire_demo  # noqa: E402

CIBLE_MS = 20


def chronometrer(fonction, fois):
    durees = []
    for _ in range(fois):
        debut = time.perf_counter()
        fonction()
        durees.append((time.perf_counter() - debut) * 1000)
    return durees


def centile(durees, p):
    rangees = sorted(durees)
    return rangees[min(len(rangees) - 1, round(p / 100 * (len(rangees) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rendus", type=int, default=20)
    parser.add_argument("--telechargements", type=int, default=200)
    options = parser.parse_args()

    call_command("migrate", verbosity=0)
    if Famille.objects.exists() and not Facture.objects.filter(numero="AL-36").exists():
        sys.exit("Cette base contient d'autres familles : donnez une base jetable.")
    construire_demo()
    setup_test_environment()  # le client de test (« testserver ») est admis

    al36 = Facture.objects.select_related("regie", "famille").get(numero="AL-36")
    rendre_pdf(al36)  # le premier rendu charge les polices : hors mesure
    rendus = chronometrer(lambda: rendre_pdf(al36), options.rendus)

    factures = list(
        Facture.objects.select_related("regie", "famille", "facture_corrigee").order_by("pk")
    )
    lots, processeur = [], []
    for _ in range(max(2, options.rendus // 5)):
        debut, debut_processeur = time.perf_counter(), time.process_time()
        rendre_pdfs(factures)
        lots.append((time.perf_counter() - debut) * 1000 / len(factures))
        processeur.append((time.process_time() - debut_processeur) * 1000 / len(factures))

    archiver_pdf(facture=al36)
    client = Client()
    client.force_login(Utilisateur.objects.get(username="jean.dupont"))
    url = reverse("facture_pdf", args=[al36.pk])

    def telecharger():
        reponse = client.get(url)
        assert reponse.status_code == 200
        b"".join(reponse.streaming_content)

    telecharger()
    telechargements = chronometrer(telecharger, options.telechargements)

    factures = list(Facture.objects.select_related("regie", "famille", "facture_corrigee"))
    fusions = chronometrer(lambda: fusionner_pdfs(factures), 10)

    taille = al36.pdf.size
    lignes = [
        ("Rendu WeasyPrint d'AL-36", len(rendus), statistics.mean(rendus), centile(rendus, 50)),
        (
            f"Rendu en lot, par facture ({len(factures)} par document)",
            len(lots),
            statistics.mean(lots),
            centile(lots, 50),
        ),
        (
            "Téléchargement archivé (pile Django)",
            len(telechargements),
            statistics.mean(telechargements),
            centile(telechargements, 50),
        ),
        (
            f"Impression de {len(factures)} factures en un PDF",
            len(fusions),
            statistics.mean(fusions),
            centile(fusions, 50),
        ),
    ]
    print(f"{'Mesure':<42} {'N':>5} {'moyenne ms':>11} {'p50 ms':>8}")
    for nom, n, moyenne, p50 in lignes:
        print(f"{nom:<42} {n:>5} {moyenne:>11.1f} {p50:>8.1f}")
    p50 = centile(telechargements, 50)
    print(f"Rendu en lot : {statistics.mean(processeur):.1f} ms de processeur par facture")
    print(
        f"PDF d'AL-36 : {taille / 1024:.1f} Ko ; téléchargement p95 "
        f"{centile(telechargements, 95):.1f} ms ; p50 {p50:.1f} ms "
        f"(cible ≤ {CIBLE_MS} ms : {'atteinte' if p50 <= CIBLE_MS else 'MANQUÉE'})"
    )


if __name__ == "__main__":
    main()
