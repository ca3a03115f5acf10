"""Les pages de l'application dossiers : « Mon dossier » (les documents du dossier annuel et la
certification de la fiche, `views/mon_dossier.py`) et le fichier d'un document déposé
(`views/fichiers.py`)."""

from django.urls import path

import commun.convertisseurs  # noqa: F401 (enregistre <id:…>)
from dossiers.views import fichiers, mon_dossier

urlpatterns = [
    path("mon-dossier/", mon_dossier.mon_dossier, name="mon_dossier"),
    path("mon-dossier/fiche/", mon_dossier.certification, name="certification"),
    path(
        "mon-dossier/fiche/<slug:cle>/",
        mon_dossier.certification_etape,
        name="certification_etape",
    ),
    path(
        "mon-dossier/fiche/<slug:cle>/confirmer/",
        mon_dossier.certification_confirmer,
        name="certification_confirmer",
    ),
    path("mon-dossier/documents/<id:pk>/fichier/", fichiers.fichier_piece, name="fichier_piece"),
]
