"""« Mon compte » et la « Boîte de réception » d'un parent connecté."""

from django.shortcuts import render

from familles.acces import famille_requise
from familles.models import Message


@famille_requise
def mon_compte(request):
    """Les informations de la famille : le responsable connecté, l'autre responsable, les
    informations fiscales et CAF (lecture seule)."""
    conjoint = request.famille.responsables.exclude(pk=request.responsable.pk).first()
    return render(
        request,
        "familles/mon_compte.html",
        {"famille": request.famille, "responsable": request.responsable, "conjoint": conjoint},
    )


@famille_requise
def boite(request):
    """Les messages du service à la famille, les plus récents d'abord."""
    messages_recus = Message.objects.filter(
        famille=request.famille, sens=Message.Sens.VERS_FAMILLE
    ).order_by("-date_envoi")
    return render(request, "familles/boite.html", {"messages_recus": messages_recus})
