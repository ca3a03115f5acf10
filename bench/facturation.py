"""Benchmark de la facturation mensuelle (pas lancé par les tests).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_bench \\
        .venv/bin/python bench/facturation.py 10000

Crée N familles (un enfant chacune ; la moitié en restauration scolaire régulière les lundi,
mardi et jeudi, toutes avec des mercredis réservés à l'Accueil de Loisirs) sur novembre 2026,
dans la base de DATABASE_URL (migrée si besoin), puis lance facturer_periode et affiche :
familles, factures, lignes, jours, requêtes, secondes, ms par famille (cible : ≤ 6 ms).
Le rendu des PDF et les courriels (après validation) ne sont pas mesurés ici.
Refuse une base qui contient déjà des familles, sauf --force.
"""

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from enfants.models import Enfant, Inscription, Journee, Prestation, Structure  # noqa: E402
from facturation import services  # noqa: E402
from facturation.models import Regie, Tarif, TrancheQuotient  # noqa: E402
from familles.models import Famille, Responsable  # noqa: E402

NOVEMBRE = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
MERCREDIS = [datetime.date(2026, 11, j) for j in (4, 18, 25)]  # le 11 est férié


def generer(nombre):
    structure, _ = Structure.objects.get_or_create(nom="Bench — Accueil de Loisirs")
    regie, _ = Regie.objects.get_or_create(prefixe="BN", defaults={"nom": "Régie bench"})
    mercredi, _ = Prestation.objects.get_or_create(
        structure=structure, nom="ALSH Mercredi journée", defaults={"jours_ouverture": "3"}
    )
    cantine, _ = Prestation.objects.get_or_create(
        structure=structure, nom="Restauration scolaire", defaults={"jours_ouverture": "1245"}
    )
    Tarif.objects.get_or_create(
        prestation=mercredi,
        date_debut=datetime.date(2026, 9, 1),
        defaults={"regie": regie, "prix_unitaire": Decimal("15.00")},
    )
    tarif, cree = Tarif.objects.get_or_create(
        prestation=cantine,
        date_debut=datetime.date(2026, 9, 1),
        defaults={"regie": regie, "mode": "quotient", "prix_unitaire": Decimal("4.20")},
    )
    if cree:
        TrancheQuotient.objects.bulk_create(
            [
                TrancheQuotient(tarif=tarif, qf_min=0, qf_max=700, prix_unitaire=Decimal("3.10")),
                TrancheQuotient(tarif=tarif, qf_min=701, prix_unitaire=Decimal("4.20")),
            ]
        )
    debut = Famille.objects.count()
    familles = Famille.objects.bulk_create(
        Famille(numero=f"9{debut + n:012d}", quotient_familial=400 + (n * 37) % 1200)
        for n in range(nombre)
    )
    responsables = Responsable.objects.bulk_create(
        Responsable(famille=f, nom="BENCH", prenom=f"Parent {n}", email="")
        for n, f in enumerate(familles)
    )
    enfants = Enfant.objects.bulk_create(
        Enfant(
            famille=f, nom="BENCH", prenom=f"Enfant {n}", date_naissance=datetime.date(2018, 1, 1)
        )
        for n, f in enumerate(familles)
    )
    Inscription.objects.bulk_create(
        Inscription(
            enfant=e,
            prestation=cantine,
            responsable=r,
            date_debut=datetime.date(2026, 9, 1),
            jours_reguliers="124",
        )
        for n, (e, r) in enumerate(zip(enfants, responsables, strict=True))
        if n % 2 == 0
    )
    Journee.objects.bulk_create(
        (
            Journee(enfant=e, prestation=mercredi, date=jour, etat=Journee.Etat.RESERVE)
            for e in enfants
            for jour in MERCREDIS
        ),
        batch_size=5000,
    )
    return regie


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("familles", type=int, nargs="?", default=10000)
    parser.add_argument("--force", action="store_true", help="Accepte une base déjà remplie.")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if Famille.objects.exists() and not args.force:
        sys.exit(
            f"La base {connection.settings_dict['NAME']} contient déjà des familles : "
            "utilisez une base vide, ou --force."
        )
    print(f"Base : {connection.vendor} {connection.settings_dict['NAME']}")
    t0 = time.perf_counter()
    regie = generer(args.familles)
    print(f"Génération : {time.perf_counter() - t0:.1f} s")

    with CaptureQueriesContext(connection) as requetes:
        t0 = time.perf_counter()
        rapport = services.facturer_periode(
            regie=regie, debut=NOVEMBRE[0], fin=NOVEMBRE[1], produire_pdf=False, annoncer=False
        )
        secondes = time.perf_counter() - t0

    factures = len(rapport.factures)
    lignes = [
        ("familles", f"{args.familles}"),
        ("factures", f"{factures}"),
        ("lignes", f"{rapport.nombre_lignes}"),
        ("jours facturés", f"{rapport.nombre_jours}"),
        ("requêtes SQL", f"{len(requetes)}"),
        ("secondes", f"{secondes:.2f}"),
        ("ms par famille", f"{1000 * secondes / max(args.familles, 1):.2f} (cible ≤ 6)"),
    ]
    largeur = max(len(nom) for nom, _ in lignes)
    for nom, valeur in lignes:
        print(f"{nom:<{largeur}}  {valeur}")


if __name__ == "__main__":
    main()
