from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portail.demo import COMPTES, construire_demo


class Command(BaseCommand):
    help = (
        "Charge la démonstration du portail : les familles Dupont et Martin du guide, leurs "
        "enfants, le planning du mois, les factures et un agent du service enfance. "
        "Peut être relancée : elle remet les données et les mots de passe de démonstration "
        "en état sans rien dupliquer. Refuse de tourner en production (DEBUG désactivé)."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "La démonstration ne se charge pas sur une configuration de production "
                "(DEBUG désactivé) : elle crée des comptes aux mots de passe connus. "
                "Lancez-la avec DEBUG=on."
            )
        comptes = construire_demo()
        self.stdout.write(
            f"Démonstration prête : {comptes['familles']} familles, {comptes['enfants']} "
            f"enfants, {comptes['prestations']} prestations, {comptes['factures']} factures."
        )
        for identifiant, mot_de_passe, role in COMPTES:
            self.stdout.write(f"  {role} : {identifiant} / {mot_de_passe}")
