from django.conf import settings
from django.core.management.base import BaseCommand

from courriels.envoi import envoyer_la_file


class Command(BaseCommand):
    help = (
        "Envoie les courriels de la file d'attente (à lancer chaque minute) ; un courriel "
        "refusé est réessayé plus tard, un seul envoi tourne à la fois."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--verrou",
            help="Le fichier verrou de la machine (par défaut : le réglage COURRIELS_VERROU).",
        )

    def handle(self, *args, verrou=None, **options):
        self.stdout.write(str(envoyer_la_file(fichier_verrou=verrou or settings.COURRIELS_VERROU)))
