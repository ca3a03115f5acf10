from django.urls import path

from dossiers import views

urlpatterns = [
    path("mon-dossier/documents/<int:pk>/fichier/", views.fichier_piece, name="fichier_piece"),
]
