"""Le calendrier scolaire : jours fériés français et vacances scolaires de la zone.

Les dates viennent de la bibliothèque `holidays` (zones A, B et C depuis 2017-2018), jamais
d'une table écrite à la main.
"""

from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=64)
def jours_feries(annee):
    """Les jours fériés de l'année : {date: nom}."""
    return dict(holidays.country_holidays("FR", years=annee, language="fr"))


@lru_cache(maxsize=64)
def vacances_scolaires(annee, zone=None):
    """Les jours de vacances scolaires de l'année pour la zone : {date: nom des vacances}."""
    zone = zone or settings.ZONE_SCOLAIRE
    return dict(
        holidays.country_holidays(
            "FR", subdiv=f"Zone {zone}", years=annee, categories=("school",), language="fr"
        )
    )


def est_ferie(jour):
    return jour in jours_feries(jour.year)


def est_en_vacances(jour, zone=None):
    return jour in vacances_scolaires(jour.year, zone)
