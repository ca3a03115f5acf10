from django.core.management.base import BaseCommand, CommandError

from enfants.campagnes import CampagneImpossible, allouer_campagne, tirage_au_sort
from enfants.models import Campagne


class Command(BaseCommand):
    help = (
        "Attribue les places d'une campagne de réservation « équitable » après sa clôture, "
        "selon ses priorités et son tirage au sort, et prévient les familles. Sans effet si "
        "c'est déjà fait."
    )

    def add_arguments(self, parser):
        parser.add_argument("campagne", type=int, help="Le numéro (id) de la campagne.")
        parser.add_argument(
            "--simulation",
            action="store_true",
            help="Calcule et affiche l'attribution sans rien enregistrer ni envoyer.",
        )
        parser.add_argument(
            "--tirage",
            action="store_true",
            help="Rejoue le tirage au sort d'une campagne déjà attribuée et le compare au "
            "rang enregistré de chaque famille.",
        )

    def handle(self, *args, campagne, simulation=False, tirage=False, **options):
        instance = Campagne.objects.filter(pk=campagne).first()
        if instance is None:
            raise CommandError(f"Aucune campagne n° {campagne}.")
        if tirage:
            return self._rejouer(instance)
        try:
            attribution = allouer_campagne(instance, simuler=simulation)
        except CampagneImpossible as refus:
            raise CommandError(refus.message) from None
        if simulation:
            self.stdout.write("Simulation : rien n'est enregistré ni envoyé.")
        self.stdout.write(attribution.resume)
        for resultat in attribution.resultats:
            priorites = ", ".join(resultat.priorites) or "aucune priorité"
            self.stdout.write(
                f"{resultat.rang:>5}. famille {resultat.famille_id} — tirage {resultat.rang_tirage}"
                f" — {priorites} — {resultat.jours_accordes} accordée(s), "
                f"{resultat.jours_en_attente} en attente"
            )

    def _rejouer(self, campagne):
        resultats = list(campagne.resultats.order_by("rang_tirage"))
        if not resultats:
            raise CommandError(f"« {campagne} » n'a pas encore été attribuée : rien à rejouer.")
        rejoue = tirage_au_sort(campagne.graine, [r.famille_id for r in resultats])
        ecarts = [r for r in resultats if rejoue[r.famille_id] != r.rang_tirage]
        self.stdout.write(f"Tirage de « {campagne} » rejoué avec la graine {campagne.graine} :")
        for resultat in resultats:
            self.stdout.write(f"{rejoue[resultat.famille_id]:>5}. famille {resultat.famille_id}")
        if ecarts:
            raise CommandError(
                f"{len(ecarts)} rang(s) diffèrent du tirage enregistré : vérifiez la graine."
            )
        self.stdout.write("Le tirage rejoué est identique au tirage enregistré.")
