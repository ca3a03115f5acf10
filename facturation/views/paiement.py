"""Le paiement en ligne d'une facture : la page de paiement, la notification de PayFiP et la
page de retour. La logique est dans facturation.paiement."""

import logging

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from facturation import paiement
from facturation.acces import get_facture_for_famille
from facturation.models import Facture, TransactionEnLigne
from familles.acces import famille_requise, responsable_connecte

logger = logging.getLogger(__name__)


class PaiementForm(forms.Form):
    email = forms.EmailField(
        label="Adresse e-mail pour recevoir le reçu de paiement",
        max_length=80,
        min_length=6,
        error_messages={
            "required": "Saisissez l'adresse e-mail qui recevra le reçu.",
            "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
        },
    )
    # La référence du paiement en cours que la page annonçait : recommencer le remplace.
    remplacer = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)


@famille_requise
@require_http_methods(["GET", "POST"])
def payer(request, pk):
    """La facture, le montant et l'adresse du reçu ; puis le départ vers PayFiP."""
    facture = get_facture_for_famille(request, pk)
    facture.reste_a_payer = Facture.objects.avec_reste_a_payer().get(pk=pk).reste_a_payer
    raison = paiement.raison_de_refus(facture)
    if raison:
        return _refus(request, facture, raison)
    en_cours = paiement.transaction_en_cours(facture)
    # Un envoi sans aucun champ est un envoi : il dit l'adresse manquante, en français.
    donnees = request.POST if request.method == "POST" else None
    form = PaiementForm(donnees, initial={"email": request.responsable.email})
    if form.is_bound and form.is_valid():
        try:
            _, url = paiement.commencer_paiement(
                facture=facture,
                email=form.cleaned_data["email"],
                adresse_absolue=request.build_absolute_uri,
                remplacer=form.cleaned_data["remplacer"],
            )
        except paiement.PaiementEnCours as erreur:
            # Un double clic, ou la page ouverte avant le paiement en cours : l'avertissement.
            en_cours = erreur.transaction
            form = PaiementForm(initial={"email": form.cleaned_data["email"]})
        except paiement.PaiementImpossible as erreur:
            return _refus(request, facture, str(erreur))
        else:
            return redirect(url)
    if en_cours is not None:
        form.initial["remplacer"] = en_cours.reference
    return render(
        request,
        "facturation/paiement.html",
        {"facture": facture, "form": form, "en_cours": en_cours},
    )


def _refus(request, facture, raison):
    return render(
        request,
        "facturation/paiement_refuse.html",
        {"facture": facture, "raison": raison},
        status=403,
    )


def traiter_notification(reference, donnees):
    """Applique une notification de la passerelle ; renvoie la réponse HTTP à lui faire."""
    try:
        transaction = paiement.confirmer_paiement(reference=reference, donnees=donnees)
    except TransactionEnLigne.DoesNotExist:
        logger.warning("Notification PayFiP pour une transaction inconnue : %r", reference)
        return HttpResponse("Transaction inconnue.", status=404, content_type="text/plain")
    except paiement.ReponseInvalide as erreur:
        logger.warning("Notification PayFiP refusée (%s) : %s", reference, erreur)
        return HttpResponse("Notification refusée.", status=400, content_type="text/plain")
    return HttpResponse(transaction.statut, content_type="text/plain")


def _donnees(request):
    """L'idop de PayFiP, qu'il vienne en POST ou dans l'adresse, quelle que soit sa casse."""
    source = request.POST if request.method == "POST" else request.GET
    return {"idop": source.get("idop") or source.get("idOp") or ""}


@csrf_exempt
@require_POST
def notification(request, reference):
    """La notification de serveur à serveur de PayFiP."""
    return traiter_notification(reference, _donnees(request))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def retour(request, reference):
    """Le retour du parent depuis PayFiP. Le navigateur ne crédite rien par lui-même : sa
    réponse est confirmée auprès de la passerelle, comme une notification.

    La référence ne suffit pas à voir le paiement : seule la famille connectée qui doit la
    facture en voit le détail (numéro, montant, adresse du reçu). Les autres (la session a
    expiré pendant le paiement, une autre famille) lisent une page neutre ; la réponse de
    PayFiP est confirmée quand même."""
    donnees = _donnees(request)
    try:
        if donnees["idop"]:
            transaction = paiement.confirmer_paiement(reference=reference, donnees=donnees)
        else:  # revenu sans réponse de PayFiP : le statut connu, en attente le plus souvent
            transaction = TransactionEnLigne.objects.select_related("facture").get(
                reference=reference
            )
    except TransactionEnLigne.DoesNotExist:
        raise Http404("Ce paiement est inconnu.") from None
    except paiement.ReponseInvalide as erreur:
        logger.warning("Retour PayFiP refusé (%s) : %s", reference, erreur)
        return render(request, "facturation/paiement_retour.html", {"invalide": True}, status=400)
    responsable = responsable_connecte(request)
    if responsable is None or responsable.famille_id != transaction.facture.famille_id:
        return render(request, "facturation/paiement_retour.html", {"neutre": True})
    return render(request, "facturation/paiement_retour.html", {"transaction": transaction})
