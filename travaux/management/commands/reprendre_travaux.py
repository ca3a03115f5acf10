from django.conf import settings
from django.core.management.base import BaseCommand

from travaux import services


class Command(BaseCommand):
    help = (
        "Remet dans la file les travaux abandonnés : en cours sans signe de vie (leur worker a "
        "été arrêté) ou en attente sans avoir atteint la file. À lancer au démarrage des "
        "workers et toutes les quelques minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--inactifs-depuis",
            type=int,
            default=settings.TRAVAUX_INACTIF_APRES,
            metavar="SECONDES",
            help=(
                "Reprendre un travail sans signe de vie depuis ce délai (par défaut "
                "%(default)s s, réglage TRAVAUX_INACTIF_APRES). 0 : tous les travaux en cours, "
                "quand on sait qu'aucun worker ne tourne."
            ),
        )

    def handle(self, *args, inactifs_depuis, **options):
        repris = services.reprendre(inactif_depuis=max(inactifs_depuis, 0))
        if not repris:
            self.stdout.write("Aucun travail à reprendre.")
            return
        noms = ", ".join(f"n° {travail.pk} ({travail.titre})" for travail in repris)
        self.stdout.write(f"{len(repris)} travail(s) remis dans la file : {noms}.")
