from django.core.management.base import BaseCommand

from facturation.paiement import rapprocher_paiements


class Command(BaseCommand):
    help = (
        "Demande à PayFiP (ou à son simulateur) ce que sont devenus les paiements en ligne "
        "restés « en cours » depuis plus de 20 minutes, et les enregistre ou les clôt."
    )

    def handle(self, *args, **options):
        self.stdout.write(str(rapprocher_paiements()))
