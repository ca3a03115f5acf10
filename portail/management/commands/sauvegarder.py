import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from portail.sauvegardes import (
    SauvegardeImpossible,
    eliminer_les_anciennes,
    fichiers_deposes,
    sauvegarder,
)

logger = logging.getLogger("portail.sauvegardes")


class Command(BaseCommand):
    help = (
        "Sauvegarde la base (PostgreSQL : pg_dump ; SQLite : copie cohérente) et les fichiers "
        "déposés (MEDIA_ROOT) dans un dossier daté, avec le manifeste de leurs empreintes "
        "SHA-256 (docs/sauvegarde.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            nargs="?",
            help="Le dossier des sauvegardes (par défaut : le réglage SAUVEGARDES_DIR).",
        )
        parser.add_argument(
            "--garder",
            type=int,
            metavar="N",
            help="Efface ensuite les sauvegardes de ce dossier au-delà des N plus récentes.",
        )

    def handle(self, *args, destination=None, garder=None, **options):
        if garder is not None and garder < 1:
            raise CommandError("--garder : au moins 1 (la sauvegarde qui vient d'être faite).")
        destination = destination or settings.SAUVEGARDES_DIR
        try:
            bilan = sauvegarder(destination=destination)
        except SauvegardeImpossible as erreur:
            raise CommandError(str(erreur)) from erreur
        ligne = (
            f"Sauvegarde écrite : {bilan.dossier} (base et {fichiers_deposes(bilan.fichiers)}, "
            f"{filesizeformat(bilan.octets)})"
        )
        if garder is not None:
            effacees = eliminer_les_anciennes(destination=destination, garder=garder)
            ligne += f" ; {len(effacees)} ancienne(s) effacée(s)" if effacees else ""
        ligne += "."
        logger.info(ligne)
        self.stdout.write(ligne)
