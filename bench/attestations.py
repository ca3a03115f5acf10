"""Le benchmark des attestations fiscales (pas lancé par les tests) : le travail « Attestations
fiscales » d'une année sur le grand jeu de données (bench/generer.py), tel que le fait le worker.

    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.attestations

`python -m bench` le lance sur sa base après les pages (étape « Attestations fiscales »). L'année
est celle des règlements du jeu de données (l'année en cours : ils suivent les premières
factures de l'année scolaire) ; le travail est exécuté comme au 15 janvier suivant, l'année
étant alors terminée. Chaque famille qui a un règlement dans l'année est examinée : celles qui
ont payé des frais de garde d'un enfant de moins de 6 ans au 1er janvier reçoivent leur
attestation (calculée, rendue par WeasyPrint, archivée avec son empreinte, envoyée : message et
courriel), puis toutes sont réunies en un PDF. On mesure le total, le temps par attestation
émise, et la part du seul rendu du PDF.
"""

import datetime
import time
from dataclasses import dataclass

from bench import preparer_django

preparer_django()

from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from facturation import attestations, taches  # noqa: E402
from facturation.models import AttestationFiscale, Reglement  # noqa: E402
from travaux.models import Travail  # noqa: E402
from travaux.services import executer  # noqa: E402


@dataclass
class Mesure:
    annee: int
    familles: int
    attestations: int
    sans_frais: int
    secondes: float
    rendu_secondes: float
    requetes: int
    pages: int
    etat: str

    @property
    def ms_par_attestation(self):
        return 1000 * self.secondes / max(self.attestations, 1)

    @property
    def ms_de_rendu(self):
        return 1000 * self.rendu_secondes / max(self.attestations, 1)

    def lignes(self):
        return [
            f"Année {self.annee} : {self.familles} familles avec un règlement, "
            f"{self.attestations} attestations, {self.sans_frais} sans frais de garde",
            f"Travail {self.etat} en {self.secondes:.1f} s : {self.ms_par_attestation:.0f} ms "
            f"par attestation (dont rendu WeasyPrint {self.ms_de_rendu:.0f} ms), "
            f"{self.requetes} requêtes SQL, PDF réuni de {self.pages} pages",
        ]


def mesurer():
    """Exécute le travail des attestations de l'année des règlements ; rend la Mesure."""
    derniere = Reglement.objects.aggregate(date=Max("date"))["date"]
    if derniere is None:
        raise SystemExit("Aucun règlement dans la base : générez d'abord le jeu de données.")
    annee = derniere.year
    aujourdhui = datetime.date(annee + 1, 1, 15)
    # Une base reprise (--reutiliser) : les attestations d'une course précédente s'effacent,
    # sinon le travail les reprendrait telles qu'archivées, sans rien rendre.
    deja = AttestationFiscale.objects.filter(annee=annee)
    for version in sorted(set(deja.values_list("version", flat=True)), reverse=True):
        deja.filter(version=version).delete()
    # Le rendu du PDF, chronométré à part (le reste : calcul, archive, envoi, réunion).
    rendre = attestations.rendre_attestation_fiscale
    rendu = [0.0]

    def rendre_chronometre(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return rendre(*args, **kwargs)
        finally:
            rendu[0] += time.perf_counter() - t0

    attestations.rendre_attestation_fiscale = rendre_chronometre
    # Le travail tel que lancer_attestations le crée, exécuté ici plutôt que par un worker.
    travail = Travail.objects.create(
        genre=Travail.Genre.ATTESTATIONS,
        titre=f"Attestations fiscales {annee} (banc)",
        tache=taches.attester_en_tache.module_path,
        parametres={"annee": annee, "aujourdhui": aujourdhui.isoformat()},
        unite="familles",
    )
    try:
        with CaptureQueriesContext(connection) as requetes:
            t0 = time.perf_counter()
            etat = executer(travail_id=travail.pk, faire=taches._attester)
            secondes = time.perf_counter() - t0
    finally:
        attestations.rendre_attestation_fiscale = rendre
    travail.refresh_from_db()
    pages = 0
    if travail.fichier:
        from pypdf import PdfReader

        with travail.fichier.open("rb") as fichier:
            pages = len(PdfReader(fichier).pages)
    return Mesure(
        annee=annee,
        familles=travail.total,
        attestations=AttestationFiscale.objects.filter(travail=travail).count(),
        sans_frais=travail.rapport.get("sans_frais", 0),
        secondes=secondes,
        rendu_secondes=rendu[0],
        requetes=len(requetes),
        pages=pages,
        etat=etat or "?",
    )


def main():
    for ligne in mesurer().lignes():
        print(ligne)


if __name__ == "__main__":
    main()
