from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from facturation import services, taches
from facturation.models import Regie


def mois_de(texte):
    """« 2026-11 » → le 1er novembre 2026 ; sinon une CommandError en français."""
    try:
        return services.mois_du_texte(texte)
    except ValidationError as erreur:
        raise CommandError(" ".join(erreur.messages)) from None


class Command(BaseCommand):
    help = (
        "Lance l'émission des factures d'un mois : une par famille et régie, pour les jours "
        "facturables, par un travail de fond par régie (suivi dans l'administration, Travaux). "
        "À terme échu, un mois se facture une fois terminé ; à échoir, au plus tard le mois "
        "suivant. Toutes les régies ou aucune : une régie qui refuse le mois n'en laisse "
        "lancer aucune."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mois", required=True, help="Le mois à facturer : AAAA-MM.")
        parser.add_argument("--regie", help="Le préfixe de la régie (par défaut : toutes).")

    def handle(self, *args, mois, regie=None, **options):
        debut = mois_de(mois)
        if regie is not None:
            try:
                regies = [Regie.objects.get(prefixe=regie.upper())]
            except Regie.DoesNotExist:
                raise CommandError(f"Régie inconnue : « {regie} ».") from None
        else:
            regies = list(Regie.objects.all())
        if not regies:
            self.stdout.write("Aucune régie : rien à facturer.")
            return
        try:
            travaux = taches.lancer_facturation(regies=regies, mois=debut)
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from None
        liste = settings.PORTAIL_URL.rstrip("/") + reverse("admin:travaux_travail_changelist")
        numeros = ", ".join(f"n° {travail.pk}" for travail in travaux)
        self.stdout.write(
            f"Facturation de {debut:%m/%Y} lancée : {len(travaux)} travail(s) ({numeros}), "
            f"{len(regies)} régie(s) ; à suivre dans l'administration : {liste}"
        )
