"""Les pages de l'application enfants : « Mes enfants », la fiche de chaque enfant et les
demandes qui les concernent (`views/enfants.py`), le planning et l'agenda (`views/planning.py`)."""

import datetime

from django.urls import path, register_converter

import commun.convertisseurs  # noqa: F401 (enregistre <id:…>)
from enfants.planning import annee_du_planning
from enfants.views import enfants as vues
from enfants.views import planning


class JourConverter:
    """« 2026-12-09 » ↔ date(2026, 12, 9) ; une date impossible (2026-02-30), ou d'une année
    que la grille ne montre pas (9999-12-31), ne correspond à aucune page (404)."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value):
        jour = datetime.date.fromisoformat(value)
        if not annee_du_planning(jour.year):
            raise ValueError(value)
        return jour

    def to_url(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value


register_converter(JourConverter, "jour")

urlpatterns = [
    path("mes-enfants/", vues.mes_enfants, name="mes_enfants"),
    path("mes-enfants/ajouter/", vues.nouvel_enfant, name="nouvel_enfant"),
    path("mes-enfants/<id:pk>/", vues.enfant_identite, name="enfant_identite"),
    path(
        "mes-enfants/<id:pk>/personnes-autorisees/",
        vues.enfant_personnes,
        name="enfant_personnes",
    ),
    path(
        "mes-enfants/<id:pk>/personnes-autorisees/<id:personne_pk>/modifier/",
        vues.enfant_personne_modifier,
        name="enfant_personne_modifier",
    ),
    path(
        "mes-enfants/<id:pk>/personnes-autorisees/<id:personne_pk>/retirer/",
        vues.enfant_personne_retirer,
        name="enfant_personne_retirer",
    ),
    path(
        "mes-enfants/<id:pk>/donnees-sanitaires/",
        vues.enfant_sanitaire,
        name="enfant_sanitaire",
    ),
    path(
        "mes-enfants/<id:pk>/donnees-sanitaires/vaccins/ajouter/",
        vues.enfant_vaccin_ajouter,
        name="enfant_vaccin_ajouter",
    ),
    path(
        "mes-enfants/<id:pk>/donnees-sanitaires/vaccins/<id:vaccin_pk>/modifier/",
        vues.enfant_vaccin_modifier,
        name="enfant_vaccin_modifier",
    ),
    path(
        "mes-enfants/<id:pk>/donnees-sanitaires/vaccins/<id:vaccin_pk>/retirer/",
        vues.enfant_vaccin_retirer,
        name="enfant_vaccin_retirer",
    ),
    path(
        "mes-enfants/<id:pk>/autorisations/",
        vues.enfant_autorisations,
        name="enfant_autorisations",
    ),
    # Le planning
    path("mes-enfants/<id:pk>/planning/", planning.planning, name="enfant_planning"),
    path(
        "mes-enfants/<id:pk>/planning/plusieurs-jours/",
        planning.reserver_plusieurs_jours,
        name="enfant_planning_periode",
    ),
    path(
        "mes-enfants/<id:pk>/planning/agenda/",
        planning.creer_agenda,
        name="enfant_agenda_creer",
    ),
    path(
        "mes-enfants/<id:pk>/planning/agenda/revoquer/",
        planning.revoquer_agenda,
        name="enfant_agenda_revoquer",
    ),
    path(
        "mes-enfants/<id:pk>/planning/<id:prestation_pk>/<jour:jour>/",
        planning.jour_planning,
        name="enfant_planning_jour",
    ),
    path(
        "mes-enfants/<id:pk>/planning/<id:prestation_pk>/<jour:jour>/reserver/",
        planning.reserver_jour,
        name="enfant_planning_reserver",
    ),
    path(
        "mes-enfants/<id:pk>/planning/<id:prestation_pk>/<jour:jour>/annuler/",
        planning.annuler_jour,
        name="enfant_planning_annuler",
    ),
    path(
        "mes-enfants/<id:pk>/planning/<id:prestation_pk>/<jour:jour>/absence/",
        planning.absence_jour,
        name="enfant_planning_absence",
    ),
    path("agenda/<uuid:jeton>.ics", planning.agenda, name="agenda"),
]
