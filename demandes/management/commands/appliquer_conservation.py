import datetime
import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demandes.conservation import appliquer_conservation

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation des données personnelles : anonymise les "
        "familles sans activité depuis CONSERVATION_INACTIVITE_ANNEES ans (factures et "
        "règlements gardés), efface les documents du dossier CONSERVATION_PIECES_ANNEES ans "
        "après la fin de leur validité, et les créations de compte jamais confirmées. "
        "À lancer chaque nuit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Le jour de référence : AAAA-MM-JJ (aujourd'hui).")
        parser.add_argument(
            "--simulation", action="store_true", help="Compte ce qui serait fait, sans rien écrire."
        )

    def handle(self, *args, date=None, simulation=False, **options):
        au = timezone.localdate()
        if date:
            try:
                au = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(
                    f"Date invalide : « {date} ». Indiquez-la ainsi : 2026-11-30."
                ) from None
        familles, documents, creations = appliquer_conservation(au=au, simulation=simulation)
        verbe = "à anonymiser" if simulation else "anonymisée(s)"
        resume = (
            f"Conservation au {au:%d/%m/%Y}{' (simulation)' if simulation else ''} : "
            f"{familles} famille(s) inactive(s) depuis "
            f"{settings.CONSERVATION_INACTIVITE_ANNEES} ans {verbe}, "
            f"{documents} document(s) du dossier {'à effacer' if simulation else 'effacé(s)'}, "
            f"{creations} création(s) de compte non confirmée(s) "
            f"{'à effacer' if simulation else 'effacée(s)'}."
        )
        logger.info("%s", resume)
        self.stdout.write(resume)
