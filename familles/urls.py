"""Les pages de l'application familles : la Boîte de réception et Infos/Documents
(`views/messages.py`), « Mon compte » et ses demandes de modification (`views/mon_compte.py`)."""

from django.urls import path

import commun.convertisseurs  # noqa: F401 (enregistre <id:…>)
from familles.views import messages, mon_compte

urlpatterns = [
    path("messages/", messages.boite, name="boite"),
    path("messages/ecrire/", messages.ecrire_au_service, name="ecrire_au_service"),
    path("messages/<id:pk>/", messages.message, name="message"),
    path("messages/<id:pk>/repondre/", messages.repondre, name="repondre"),
    path("messages/<id:pk>/piece-jointe/", messages.piece_jointe, name="piece_jointe"),
    path("infos/", messages.infos, name="infos"),
    path("infos/formulaires/<id:pk>/", messages.formulaire, name="formulaire"),
    path("mon-compte/", mon_compte.mon_compte, name="mon_compte"),
    path("mon-compte/demande/conjoint/", mon_compte.declarer_conjoint, name="declarer_conjoint"),
    path("mon-compte/demande/<slug:bloc>/", mon_compte.demander, name="demande_bloc_famille"),
    path(
        "mon-compte/demande/<slug:bloc>/<str:role>/",
        mon_compte.demander,
        name="demande_bloc",
    ),
]
