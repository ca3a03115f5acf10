from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from facturation import formats, services
from facturation.models import ZERO, Regie


def mois_de(texte):
    """« 2026-11 » → le 1er novembre 2026 ; sinon une CommandError en français."""
    try:
        return services.mois_du_texte(texte)
    except ValidationError as erreur:
        raise CommandError(" ".join(erreur.messages)) from None


class Command(BaseCommand):
    help = (
        "Émet les factures d'un mois : une par famille et régie, pour les jours facturables. "
        "À terme échu, un mois se facture une fois terminé ; à échoir, au plus tard le mois "
        "suivant."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mois", required=True, help="Le mois à facturer : AAAA-MM.")
        parser.add_argument("--regie", help="Le préfixe de la régie (par défaut : toutes).")

    def handle(self, *args, mois, regie=None, **options):
        debut = mois_de(mois)
        if regie is not None:
            try:
                regie = Regie.objects.get(prefixe=regie.upper())
            except Regie.DoesNotExist:
                raise CommandError(f"Régie inconnue : « {regie} ».") from None
        try:
            rapports = services.facturer_mois(mois=debut, regie=regie)
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from None
        factures = sum(len(rapport.factures) for rapport in rapports)
        lignes = sum(rapport.nombre_lignes for rapport in rapports)
        total = sum((rapport.montant_total for rapport in rapports), ZERO)
        self.stdout.write(
            f"Facturation de {debut:%m/%Y} : {factures} facture(s), {lignes} ligne(s), "
            f"{formats.euros(total)} ({len(rapports)} régie(s))."
        )
