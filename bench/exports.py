"""Le tableau de bord, les exports et l'import des familles sur le grand jeu de données (pas
lancé par les tests) : requêtes SQL et durée de chaque page, mémoire du processus.

    DATABASE_URL=postgres://…/portail_bench .venv/bin/python -m bench.exports

Sur une base remplie par bench/generer.py (10 000 familles). L'import est simulé (rien n'est
écrit) sur un fichier XLSX des familles de la base, refaites en familles nouvelles ; un import
réel n'est pas mesuré ici (tests/enfants/test_importation_volume.py le chronomètre).
"""

import io
import resource
import time

from bench import preparer_django

preparer_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from enfants.importation import COLONNES, lire_et_importer  # noqa: E402
from familles.models import Famille, Utilisateur  # noqa: E402


def mesurer(titre, faire):
    debut = time.perf_counter()
    with CaptureQueriesContext(connection) as requetes:
        resultat = faire()
    duree = time.perf_counter() - debut
    memoire = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{titre:<48} {duree:6.2f} s  {len(requetes):5d} requêtes  RSS max {memoire:6.0f} Mo")
    return resultat


def fichier_des_familles(nombre):
    """Un XLSX au modèle de l'import : les familles de la base sous des numéros nouveaux."""
    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet()
    feuille.append([c.entete for c in COLONNES])
    familles = Famille.objects.prefetch_related("responsables", "enfants")[:nombre]
    for n, famille in enumerate(familles):
        titulaire = famille.titulaire
        for enfant in famille.enfants.all()[:1] or [None]:
            valeurs = {
                "N° famille": f"{9000000000000 + n}",
                "Responsable : nom": titulaire.nom,
                "Responsable : prénom": titulaire.prenom,
                "Responsable : e-mail": titulaire.email,
                "Code postal": titulaire.code_postal,
                "Ville": titulaire.ville,
                "Enfant : nom": enfant.nom if enfant else "",
                "Enfant : prénom": enfant.prenom if enfant else "",
                "Enfant : date de naissance": enfant.date_naissance if enfant else None,
            }
            feuille.append([valeurs.get(c.entete) for c in COLONNES])
    flux = io.BytesIO()
    classeur.save(flux)
    return flux.getvalue()


def main():
    agent = Utilisateur.objects.filter(is_superuser=True).first() or Utilisateur.objects.create(
        username="agent-bench-exports", is_staff=True, is_superuser=True
    )
    client = Client()
    client.force_login(agent)
    print(f"{Famille.objects.count()} familles")
    mesurer(
        "Tableau de bord (semaine, mois en cours)", lambda: client.get(reverse("tableau_de_bord"))
    )
    for format_, nom in ((0, "CSV"), (1, "XLSX")):
        for liste in ("familles_famille", "enfants_enfant", "facturation_facture"):
            reponse = mesurer(
                f"Export {liste} {nom}",
                lambda liste=liste, format_=format_: client.post(
                    reverse(f"admin:{liste}_export"), {"format": format_}
                ),
            )
            assert reponse.status_code == 200, reponse.status_code
    mesurer(
        "Export enfants_journee XLSX, un mois",
        lambda: client.post(
            reverse("admin:enfants_journee_export") + "?date__gte=2026-11-01&date__lt=2026-12-01",
            {"format": 1},
        ),
    )
    contenu = fichier_des_familles(10_000)
    rapport = mesurer(
        "Import simulé de 10 000 familles (XLSX)",
        lambda: lire_et_importer(contenu, "familles.xlsx", simulation=True),
    )
    print(f"  {rapport.lignes} lignes, {len(rapport.erreurs)} en erreur : {rapport.resume()}")


if __name__ == "__main__":
    main()
