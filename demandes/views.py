"""La « Liste des demandes » d'un parent, et le retrait d'une demande encore en attente."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from demandes.decisions import retirer_demande
from demandes.liste import page_liste
from demandes.models import Demande
from demandes.services import DemandeImpossible
from familles.acces import famille_requise


def _get_demande_for_famille(request, pk):
    return get_object_or_404(Demande, pk=pk, famille=request.famille)


@famille_requise
@require_POST
def retirer(request, pk):
    """La famille retire une demande encore en attente."""
    demande = _get_demande_for_famille(request, pk)
    try:
        retirer_demande(demande=demande, par=request.user)
    except DemandeImpossible as erreur:
        messages.error(request, erreur.message)
    else:
        messages.success(request, "Votre demande a été retirée : rien n'a été modifié.")
    # `suivant` est une adresse du portail (« /demandes/?onglet=… »), jamais un nom de vue :
    # un texte quelconque ferait chercher une vue de ce nom (NoReverseMatch, une erreur 500).
    suivant = request.POST.get("suivant", "")
    if not suivant.startswith("/") or not url_has_allowed_host_and_scheme(
        suivant, {request.get_host()}, request.is_secure()
    ):
        suivant = reverse("demandes")
    return redirect(suivant)


@famille_requise
def demandes(request):
    """Les demandes de la famille datant de moins d'un mois, par onglet et par type."""
    contexte = page_liste(
        request.famille,
        timezone.localdate(),
        onglet=request.GET.get("onglet"),
        type=request.GET.get("type"),
    )
    return render(request, "demandes/liste.html", contexte)
