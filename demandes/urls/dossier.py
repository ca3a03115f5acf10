"""« Mon dossier » : les documents du dossier annuel et la certification de la fiche."""

from django.urls import path

from demandes.views import dossier as vues

urlpatterns = [
    path("mon-dossier/", vues.mon_dossier, name="mon_dossier"),
    path("mon-dossier/fiche/", vues.certification, name="certification"),
    path("mon-dossier/fiche/<slug:cle>/", vues.certification_etape, name="certification_etape"),
    path(
        "mon-dossier/fiche/<slug:cle>/confirmer/",
        vues.certification_confirmer,
        name="certification_confirmer",
    ),
]
