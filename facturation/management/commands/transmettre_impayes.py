import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from facturation import services


class Command(BaseCommand):
    help = (
        "Transmet au Trésor public les factures impayées dont l'échéance est passée : "
        "un règlement « Titre émis (ORMC n°X) » pour chacune."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Le jour de la transmission : AAAA-MM-JJ (aujourd'hui).")
        parser.add_argument("--ormc", help="Le numéro de l'ORMC (par défaut : ORMC-année-n).")

    def handle(self, *args, date=None, ormc=None, **options):
        au = timezone.localdate()
        if date:
            try:
                au = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(
                    f"Date invalide : « {date} ». Indiquez-la ainsi : 2026-11-30."
                ) from None
        rapport = services.transmettre_impayes(au=au, numero_ormc=ormc)
        self.stdout.write(str(rapport))
