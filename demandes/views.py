"""La « Liste des demandes » d'un parent connecté."""

import calendar
import datetime

from django.shortcuts import render
from django.utils import timezone

from demandes.models import Demande
from familles.acces import famille_requise


def un_mois_avant(jour):
    """Le même quantième le mois précédent, ramené au dernier jour d'un mois plus court."""
    annee, mois = (jour.year, jour.month - 1) if jour.month > 1 else (jour.year - 1, 12)
    dernier_jour = calendar.monthrange(annee, mois)[1]
    return datetime.date(annee, mois, min(jour.day, dernier_jour))


@famille_requise
def demandes(request):
    """Les demandes de la famille datant de moins d'un mois, acceptées, refusées ou en attente."""
    depuis = un_mois_avant(timezone.localdate())
    liste = (
        Demande.objects.filter(famille=request.famille, date_demande__date__gte=depuis)
        .select_related("enfant")
        .order_by("-date_demande")
    )
    return render(request, "demandes/liste.html", {"demandes": liste, "depuis": depuis})
