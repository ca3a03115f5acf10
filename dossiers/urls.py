from django.urls import path

import commun.convertisseurs  # noqa: F401 (enregistre <id:…>)
from dossiers import views

urlpatterns = [
    path("mon-dossier/documents/<id:pk>/fichier/", views.fichier_piece, name="fichier_piece"),
]
