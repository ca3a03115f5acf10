"""« Mes enfants » d'un parent connecté."""

from django.shortcuts import render

from enfants.models import Enfant
from familles.acces import famille_requise


@famille_requise
def mes_enfants(request):
    enfants = Enfant.objects.filter(famille=request.famille).order_by("date_naissance", "prenom")
    return render(request, "enfants/mes_enfants.html", {"enfants": enfants})
