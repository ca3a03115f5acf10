"""Un simulateur local de PayFiP, pour la démonstration et les tests (jamais en production).

Il joue le rôle du site du Trésor public : sa page montre la facture et le montant, et laisse
payer, refuser ou abandonner ; puis il notifie le portail (appel direct de la fonction qui traite
la notification) et renvoie le navigateur à l'adresse de retour, avec un `idop` comme PayFiP.

L'idop est un jeton signé (django.core.signing) qui porte la demande, puis le résultat.
`verifier` n'accepte qu'un jeton signé par le simulateur : c'est la « confirmation par la
passerelle ». Comme celui de PayFiP, un idop ne sert qu'une fois : la page d'une opération dont
la transaction n'est plus « en cours » (payée, refusée, abandonnée, remplacée par un nouveau
paiement) dit qu'elle est terminée et ne notifie rien. Le simulateur lit pour cela la
TransactionEnLigne par sa référence.

Comme PayFiP, il retient le choix du parent (OperationSimulee) avant de notifier le portail :
interrogé plus tard sur une transaction (`consulter`, le rapprochement des paiements restés en
cours), il redit ce choix, même si sa notification s'est perdue ; sans choix, l'opération est
« en cours » pendant la validité d'un idop de PayFiP (15 minutes), « expirée » ensuite.
"""

import datetime
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from facturation.models import OperationSimulee, TransactionEnLigne

SEL = "facturation.simulateur_payfip"
Statut = TransactionEnLigne.Statut

RESULTATS = {
    "payer": Statut.PAYEE,
    "refuser": Statut.REFUSEE,
    "abandonner": Statut.ABANDONNEE,
}
# Un idop de PayFiP vaut 15 minutes : une opération sans choix du parent a expiré ensuite.
VALIDITE_IDOP = datetime.timedelta(minutes=15)


def signer(donnees):
    return signing.dumps(donnees, salt=SEL, compress=True)


class PasserelleSimulateur:
    def demarrer(self, transaction, *, url_notification, url_retour):
        idop = signer(
            {
                "ref": transaction.reference,
                "refdet": transaction.facture.numero,
                "montant": str(transaction.montant),
                "mel": transaction.email,
                "notif": url_notification,
                "retour": url_retour,
            }
        )
        return idop, reverse("payfip_simulateur") + "?" + urlencode({"idop": idop})

    def verifier(self, donnees):
        from facturation.paiement import ReponseInvalide, Verification

        try:
            resultat = signing.loads(donnees.get("idop") or "", salt=SEL)
            statut = resultat["statut"]
            montant = Decimal(resultat["montant"])
            idop = resultat["idop"]
        except (signing.BadSignature, KeyError, TypeError, ArithmeticError) as erreur:
            raise ReponseInvalide("réponse du simulateur illisible ou falsifiée") from erreur
        if statut not in Statut.values:
            raise ReponseInvalide(f"statut inconnu : {statut!r}")
        return Verification(
            statut=statut,
            idop=idop,
            montant=montant,
            reference_passerelle=f"SIMUL-{resultat.get('ref', '')[:12]}",
            detail=f"simulateur : {statut}",
        )

    def consulter(self, transaction):
        from facturation.paiement import Verification

        operation = OperationSimulee.objects.filter(reference=transaction.reference).first()
        if operation is None:
            expiree = timezone.now() - transaction.date_creation >= VALIDITE_IDOP
            statut = Statut.EXPIREE if expiree else Statut.EN_COURS
            return Verification(
                statut=statut,
                idop=transaction.idop,
                detail=f"simulateur : {statut}, aucun choix du parent",
            )
        return Verification(
            statut=operation.statut,
            idop=transaction.idop,
            montant=operation.montant,
            reference_passerelle=f"SIMUL-{transaction.reference[:12]}",
            detail=f"simulateur : {operation.statut} (consulté)",
        )


class ChoixForm(forms.Form):
    idop = forms.CharField()
    choix = forms.ChoiceField(choices=[(cle, cle) for cle in RESULTATS])


# Ce que porte une demande de paiement ; une réponse signée (que le parent lit dans l'adresse
# de retour) n'en est pas une.
CLES_DEMANDE = {"ref", "refdet", "montant", "mel", "notif", "retour"}


def _demande(idop):
    try:
        demande = signing.loads(idop or "", salt=SEL)
    except signing.BadSignature:
        demande = None
    if not isinstance(demande, dict) or not demande.keys() >= CLES_DEMANDE:
        raise Http404("Demande de paiement inconnue.")
    return demande


@require_http_methods(["GET", "POST"])
def simulateur(request):
    """La page « PayFiP » du simulateur : la facture, le montant, et trois boutons."""
    if settings.PAYFIP_BACKEND != "simulateur":
        raise Http404("Le simulateur PayFiP est désactivé.")
    if request.method == "GET":
        idop = request.GET.get("idop", "")
        demande = _demande(idop)
        if not _en_cours(demande):
            return _terminee(request, demande)
        return render(
            request,
            "facturation/paiement_simulateur.html",
            {"demande": demande, "montant": Decimal(demande["montant"]), "idop": idop},
        )
    form = ChoixForm(request.POST)
    if not form.is_valid():
        raise Http404("Demande de paiement inconnue.")
    idop = form.cleaned_data["idop"]
    demande = _demande(idop)
    if not _en_cours(demande):
        return _terminee(request, demande)
    statut = RESULTATS[form.cleaned_data["choix"]]
    # Retenu d'abord, comme PayFiP : le choix vaut même si la notification se perd.
    _, retenue = OperationSimulee.objects.get_or_create(
        reference=demande["ref"],
        defaults={"statut": statut, "montant": Decimal(demande["montant"])},
    )
    if not retenue:  # deux envois du même choix : le premier compte
        return _terminee(request, demande)
    reponse = signer(
        {
            "idop": idop,
            "ref": demande["ref"],
            "refdet": demande["refdet"],
            "montant": demande["montant"],
            "statut": statut,
        }
    )
    notifier(demande["notif"], {"idop": reponse})
    return redirect(demande["retour"] + "?" + urlencode({"idop": reponse}))


def _en_cours(demande):
    """L'opération attend-elle encore le choix du parent ? (sa transaction est « en cours » et
    le parent n'a pas encore choisi : un idop ne sert qu'une fois)"""
    return (
        TransactionEnLigne.objects.filter(reference=demande["ref"], statut=Statut.EN_COURS).exists()
        and not OperationSimulee.objects.filter(reference=demande["ref"]).exists()
    )


def _terminee(request, demande):
    """La page d'une opération déjà terminée : PayFiP refuse un idop qui a déjà servi."""
    return render(
        request,
        "facturation/paiement_simulateur_termine.html",
        {"demande": demande},
        status=409,
    )


def notifier(url_notification, donnees):
    """La notification de serveur à serveur : l'appel direct de la fonction qui la traite."""
    from facturation.views import paiement as vues_paiement

    try:
        correspondance = resolve(urlsplit(url_notification).path)
    except Resolver404:
        return
    vues_paiement.traiter_notification(correspondance.kwargs["reference"], donnees)
