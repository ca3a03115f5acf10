"""« Mes enfants » : la liste, la fiche de chaque enfant, et les demandes qui les concernent."""

from django.urls import path

from demandes import vues_enfants as vues

urlpatterns = [
    path("mes-enfants/", vues.mes_enfants, name="mes_enfants"),
    path("mes-enfants/ajouter/", vues.nouvel_enfant, name="nouvel_enfant"),
    path("mes-enfants/<int:pk>/", vues.enfant_identite, name="enfant_identite"),
    path(
        "mes-enfants/<int:pk>/personnes-autorisees/",
        vues.enfant_personnes,
        name="enfant_personnes",
    ),
    path(
        "mes-enfants/<int:pk>/personnes-autorisees/<int:personne_pk>/modifier/",
        vues.enfant_personne_modifier,
        name="enfant_personne_modifier",
    ),
    path(
        "mes-enfants/<int:pk>/personnes-autorisees/<int:personne_pk>/retirer/",
        vues.enfant_personne_retirer,
        name="enfant_personne_retirer",
    ),
    path(
        "mes-enfants/<int:pk>/donnees-sanitaires/",
        vues.enfant_sanitaire,
        name="enfant_sanitaire",
    ),
    path(
        "mes-enfants/<int:pk>/donnees-sanitaires/vaccins/ajouter/",
        vues.enfant_vaccin_ajouter,
        name="enfant_vaccin_ajouter",
    ),
    path(
        "mes-enfants/<int:pk>/donnees-sanitaires/vaccins/<int:vaccin_pk>/modifier/",
        vues.enfant_vaccin_modifier,
        name="enfant_vaccin_modifier",
    ),
    path(
        "mes-enfants/<int:pk>/donnees-sanitaires/vaccins/<int:vaccin_pk>/retirer/",
        vues.enfant_vaccin_retirer,
        name="enfant_vaccin_retirer",
    ),
    path(
        "mes-enfants/<int:pk>/autorisations/",
        vues.enfant_autorisations,
        name="enfant_autorisations",
    ),
]
