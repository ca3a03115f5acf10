"""La « Liste des demandes » d'un parent et le retrait d'une demande."""

from django.urls import path

import commun.convertisseurs  # noqa: F401 (enregistre <id:…>)
from demandes import views

urlpatterns = [
    path("demandes/", views.demandes, name="demandes"),
    path("demandes/<id:pk>/retirer/", views.retirer, name="retirer_demande"),
]
