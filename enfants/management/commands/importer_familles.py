from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enfants.importation import FichierIllisible, lire_et_importer


class Command(BaseCommand):
    help = (
        "Importe les familles, responsables (avec leur compte), enfants et inscriptions d'un "
        "fichier CSV ou XLSX (docs/import.md), d'un seul tenant et seulement si aucune ligne "
        "n'est en erreur. Relancé sur le même fichier, ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Le fichier .csv ou .xlsx.")
        parser.add_argument(
            "--simulation",
            action="store_true",
            help="Vérifie et dit ce qui serait créé ou mis à jour, sans rien écrire ni envoyer.",
        )
        parser.add_argument(
            "--detail", action="store_true", help="Affiche chaque opération, ligne par ligne."
        )

    def handle(self, *args, fichier, simulation=False, detail=False, **options):
        chemin = Path(fichier)
        if not chemin.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")
        try:
            rapport = lire_et_importer(chemin.read_bytes(), chemin.name, simulation=simulation)
        except FichierIllisible as erreur:
            raise CommandError(str(erreur)) from None
        if not rapport.importable:
            for numero, erreurs in rapport.erreurs:
                self.stderr.write(f"Ligne {numero} : {' '.join(erreurs)}")
            raise CommandError(
                f"{len(rapport.erreurs)} ligne(s) en erreur sur {rapport.lignes} : rien n'est "
                "importé."
            )
        if detail:
            for numero, texte in rapport.operations:
                self.stdout.write(f"Ligne {numero} : {texte}")
        prefixe = "Simulation, rien n'est écrit : " if simulation else "Import terminé : "
        self.stdout.write(f"{prefixe}{rapport.lignes} ligne(s), {rapport.resume()}.")
