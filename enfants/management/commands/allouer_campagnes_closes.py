import logging

from django.core.management.base import BaseCommand
from django.utils import timezone

from enfants.campagnes import CampagneImpossible, allouer_campagne
from enfants.models import Campagne

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Attribue les places de chaque campagne « équitable » close et pas encore attribuée, et "
        "prévient les familles (à lancer toutes les cinq minutes : l'attribution suit la "
        "clôture). Sans effet sur une campagne déjà attribuée."
    )

    def handle(self, *args, **options):
        maintenant = timezone.now()
        closes = Campagne.objects.filter(
            mode=Campagne.Mode.ATTRIBUTION, cloture__lte=maintenant, attribuee_le__isnull=True
        ).order_by("cloture", "pk")
        faites, refusees = [], []
        for campagne in closes:
            try:
                attribution = allouer_campagne(campagne, maintenant=maintenant)
            except CampagneImpossible as refus:
                logger.warning("Campagne « %s » : %s", campagne.nom, refus.message)
                refusees.append(campagne.nom)
                continue
            if not attribution.deja_faite:  # une autre exécution a pu la faire entre-temps
                faites.append(f"« {campagne.nom} » ({attribution.resume})")
        if faites:
            resume = f"Campagnes attribuées : {' ; '.join(faites)}."
        else:
            resume = "Aucune campagne close à attribuer."
        if refusees:
            resume += f" Refusées : {', '.join(refusees)}."
        self.stdout.write(resume)
        logger.info("%s", resume)
