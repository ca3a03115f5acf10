"""« Mon compte » et ses demandes, la « Liste des demandes »."""

from django.urls import path

import commun.convertisseurs  # noqa: F401 (enregistre <id:…>)
from demandes.views import mon_compte as views

urlpatterns = [
    path("mon-compte/", views.mon_compte, name="mon_compte"),
    path("mon-compte/demande/conjoint/", views.declarer_conjoint, name="declarer_conjoint"),
    path("mon-compte/demande/<slug:bloc>/", views.demander, name="demande_bloc_famille"),
    path(
        "mon-compte/demande/<slug:bloc>/<str:role>/",
        views.demander,
        name="demande_bloc",
    ),
    path("demandes/", views.demandes, name="demandes"),
    path("demandes/<id:pk>/retirer/", views.retirer, name="retirer_demande"),
]
