import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portail.sauvegardes import (
    SauvegardeImpossible,
    decrire,
    fichiers_deposes,
    lire_et_verifier,
    restaurer,
)

logger = logging.getLogger("portail.sauvegardes")


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde faite par `sauvegarder` : vérifie d'abord l'empreinte de chaque "
        "fichier (refuse une sauvegarde altérée), puis remplace la base et remet les fichiers "
        "déposés. Arrêtez le portail et les workers avant (docs/sauvegarde.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dossier", help="Le dossier de la sauvegarde (portail-AAAAMMJJ-…).")
        parser.add_argument(
            "--oui",
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Ne pose pas de question (restauration planifiée, exercice de reprise).",
        )

    def handle(self, *args, dossier, interactive=True, **options):
        try:
            manifeste = lire_et_verifier(dossier)
        except SauvegardeImpossible as erreur:
            raise CommandError(str(erreur)) from erreur
        self.stdout.write(f"Sauvegarde {decrire(manifeste)} vérifiée : chaque empreinte concorde.")
        base = connection.settings_dict["NAME"]
        if interactive:
            question = (
                f"Restaurer cette sauvegarde dans la base « {base} » ? Son contenu actuel sera "
                "remplacé. Tapez « oui » pour continuer : "
            )
            try:
                reponse = input(question)
            except EOFError:
                reponse = ""
            if reponse.strip().lower() != "oui":
                raise CommandError("Restauration abandonnée : rien n'a été modifié.")
        try:
            bilan = restaurer(dossier=dossier, manifeste=manifeste)
        except SauvegardeImpossible as erreur:
            raise CommandError(str(erreur)) from erreur
        ligne = (
            f"Sauvegarde {decrire(manifeste)} restaurée dans la base « {base} » : la base et "
            f"{fichiers_deposes(bilan.fichiers)}."
        )
        logger.info(ligne)
        self.stdout.write(ligne)
        if bilan.fichiers_en_plus:
            self.stdout.write(
                f"{len(bilan.fichiers_en_plus)} fichier(s) déposé(s) absent(s) de la sauvegarde "
                "sont restés en place dans MEDIA_ROOT."
            )
        if bilan.migrations_a_appliquer:
            self.stdout.write(
                f"La base restaurée attend {bilan.migrations_a_appliquer} migration(s) de cette "
                "version du portail : lancez `manage.py migrate`."
            )
