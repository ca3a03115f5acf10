import datetime
import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dossiers.rappels import rappeler_les_documents_qui_expirent
from facturation.rappels import rappeler_les_echeances

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Rappelle par courriel, une fois chacune, les factures impayées proches de leur "
        "échéance (RAPPEL_ECHEANCE_JOURS) et les documents du dossier proches de leur "
        "expiration (RAPPEL_DOCUMENT_JOURS). À lancer chaque matin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Le jour du rappel : AAAA-MM-JJ (aujourd'hui).")

    def handle(self, *args, date=None, **options):
        au = timezone.localdate()
        if date:
            try:
                au = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(
                    f"Date invalide : « {date} ». Indiquez-la ainsi : 2026-11-30."
                ) from None
        factures = rappeler_les_echeances(au=au)
        familles = rappeler_les_documents_qui_expirent(au=au)
        documents = sum(len(exigences) for exigences in familles.values())
        resume = (
            f"Rappels du {au:%d/%m/%Y} : {len(factures)} facture(s) proche(s) de l'échéance, "
            f"{documents} document(s) proche(s) de l'expiration ({len(familles)} famille(s))."
        )
        logger.info("%s", resume)
        self.stdout.write(resume)
