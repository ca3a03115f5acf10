import datetime
import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from facturation import services

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Transmet au Trésor public les factures impayées dont l'échéance est passée : "
        "un règlement « Titre émis (ORMC n°X) » pour chacune. Avec --jour-des-regies (la "
        "tâche planifiée, chaque jour) : seulement les régies dont c'est le jour de transmission."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Le jour de la transmission : AAAA-MM-JJ (aujourd'hui).")
        parser.add_argument("--ormc", help="Le numéro de l'ORMC (par défaut : ORMC-année-n).")
        parser.add_argument(
            "--jour-des-regies",
            action="store_true",
            help="Seulement les régies dont c'est le jour de transmission des impayés.",
        )

    def handle(self, *args, date=None, ormc=None, jour_des_regies=False, **options):
        au = timezone.localdate()
        if date:
            try:
                au = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(
                    f"Date invalide : « {date} ». Indiquez-la ainsi : 2026-11-30."
                ) from None
        if jour_des_regies:
            if ormc:
                raise CommandError("--ormc ne s'emploie pas avec --jour-des-regies.")
            resume = self._selon_les_regies(au)
        else:
            resume = str(services.transmettre_impayes(au=au, numero_ormc=ormc))
        logger.info("%s", resume)
        self.stdout.write(resume)

    @staticmethod
    def _selon_les_regies(au):
        rapports = services.transmettre_les_impayes_du_jour(au=au)
        if not rapports:
            return f"Aucune régie ne transmet ses impayés le {au:%d/%m/%Y}."
        return " ; ".join(f"{regie.prefixe} : {rapport}" for regie, rapport in rapports)
