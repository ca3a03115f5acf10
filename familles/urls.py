from django.urls import path

from familles import views

urlpatterns = [
    path("messages/", views.boite, name="boite"),
    path("messages/ecrire/", views.ecrire_au_service, name="ecrire_au_service"),
    path("messages/<int:pk>/", views.message, name="message"),
    path("messages/<int:pk>/repondre/", views.repondre, name="repondre"),
    path("messages/<int:pk>/piece-jointe/", views.piece_jointe, name="piece_jointe"),
    path("infos/", views.infos, name="infos"),
    path("infos/formulaires/<int:pk>/", views.formulaire, name="formulaire"),
]
