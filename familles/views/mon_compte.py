"""« Mon compte » et ses demandes de modification : un formulaire par bloc, qui devient une
demande au service (`demandes.services`)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from demandes.lecture import valeurs_demandees
from demandes.models import Demande
from demandes.services import DemandeImpossible, demander_modification, en_attente_sur
from familles.acces import famille_requise
from familles.blocs import CHAMPS_NOUVEAU_CONJOINT
from familles.forms.mon_compte import FORMULAIRES, NouveauConjointForm
from familles.models import Responsable
from familles.mon_compte import bloc_et_fiche, page_mon_compte

TRANSMISE = (
    "Votre demande a été transmise au service enfance : vos informations seront modifiées dès "
    "qu'elle sera validée. Vous recevrez la réponse dans votre Boîte de réception."
)


def _donnees(request):
    return request.POST if request.method == "POST" else None


def _page_formulaire(request, form, titre, aide, en_attente):
    deja = [(demande, valeurs_demandees(demande)) for demande in en_attente]
    contexte = {"form": form, "titre": titre, "aide": aide, "en_attente": deja}
    return render(
        request, "familles/mon_compte_formulaire.html", {**contexte, "onglet": "mon_compte"}
    )


@famille_requise
def mon_compte(request):
    """Les informations de la famille, et ce qui attend la décision du service."""
    contexte = page_mon_compte(request.famille, request.responsable)
    return render(request, "familles/mon_compte.html", contexte)


@famille_requise
def demander(request, bloc, role=None):
    """Le formulaire d'un bloc de « Mon compte » : il devient une demande au service."""
    bloc, fiche = bloc_et_fiche(request.famille, bloc, role)
    if bloc is None:
        raise Http404("Pas de tel bloc dans cette famille.")
    pour_soi = bloc.de_la_famille or fiche.pk == request.responsable.pk
    form = FORMULAIRES[bloc.nom](_donnees(request), fiche=fiche, pour_soi=pour_soi)
    if form.is_valid():
        try:
            demander_modification(
                famille=request.famille,
                type=bloc.type_pour(fiche),
                par=request.user,
                cible=fiche,
                valeurs=form.valeurs(),
            )
        except DemandeImpossible as erreur:
            form.add_error(None, erreur.message)
        else:
            messages.success(request, TRANSMISE)
            return redirect("mon_compte")
    titre = bloc.titre if bloc.de_la_famille else f"{bloc.titre} — {fiche.prenom} {fiche.nom}"
    en_attente = en_attente_sur(famille=request.famille, champs=bloc.champs, cible=fiche)
    return _page_formulaire(request, form, titre, bloc.aide, en_attente)


@famille_requise
def declarer_conjoint(request):
    """Une famille sans conjoint le déclare ; le service crée sa fiche en validant."""
    if request.famille.conjoint is not None:
        raise Http404("Cette famille a déjà un conjoint.")
    form = NouveauConjointForm(_donnees(request), fiche=None)
    if form.is_valid():
        try:
            demander_modification(
                famille=request.famille,
                type=Demande.Type.CONJOINT,
                par=request.user,
                modele=Responsable,
                valeurs=form.valeurs(),
            )
        except DemandeImpossible as erreur:
            form.add_error(None, erreur.message)
        else:
            messages.success(request, TRANSMISE)
            return redirect("mon_compte")
    en_attente = en_attente_sur(
        famille=request.famille,
        champs=CHAMPS_NOUVEAU_CONJOINT,
        modele=Responsable,
        type=Demande.Type.CONJOINT,
    )
    aide = "Le service enfance complétera la fiche de votre conjoint avec vous."
    return _page_formulaire(request, form, "Déclarer un conjoint", aide, en_attente)
