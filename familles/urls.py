from django.urls import path

import commun.convertisseurs  # noqa: F401 (enregistre <id:…>)
from familles import views

urlpatterns = [
    path("messages/", views.boite, name="boite"),
    path("messages/ecrire/", views.ecrire_au_service, name="ecrire_au_service"),
    path("messages/<id:pk>/", views.message, name="message"),
    path("messages/<id:pk>/repondre/", views.repondre, name="repondre"),
    path("messages/<id:pk>/piece-jointe/", views.piece_jointe, name="piece_jointe"),
    path("infos/", views.infos, name="infos"),
    path("infos/formulaires/<id:pk>/", views.formulaire, name="formulaire"),
]
