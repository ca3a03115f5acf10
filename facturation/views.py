"""Le « Relevé de compte » d'un parent connecté."""

from django.shortcuts import render
from django.utils import timezone

from facturation.comptes import releve_annee_scolaire
from familles.acces import famille_requise


@famille_requise
def releve(request):
    """Les factures et les règlements de l'année scolaire en cours."""
    releve = releve_annee_scolaire(famille=request.famille, jour=timezone.localdate())
    return render(request, "facturation/releve.html", {"releve": releve})
