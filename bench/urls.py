"""Les routes du portail, plus la page de référence des benchmarks."""

from django.urls import path

from bench.vues import grille_nue
from portail.urls import handler500  # noqa: F401 (la page 500 du portail)
from portail.urls import urlpatterns as urls_du_portail

urlpatterns = [
    path("bench/grille-nue/", grille_nue, name="bench_grille_nue"),
    *urls_du_portail,
]
