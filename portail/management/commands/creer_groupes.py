from django.core.management.base import BaseCommand

from portail.groupes import creer_groupes


class Command(BaseCommand):
    help = (
        "Crée les groupes « Agents du service enfance » et « Agents habilités aux données "
        "sanitaires », ou remet leurs permissions à l'identique."
    )

    def handle(self, *args, **options):
        groupes = creer_groupes()
        self.stdout.write(
            "Groupes prêts : "
            + " ; ".join(
                f"{nom} ({g.permissions.count()} permissions)" for nom, g in groupes.items()
            )
            + "."
        )
