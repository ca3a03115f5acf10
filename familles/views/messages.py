"""La « Boîte de réception » et « Infos./Documents » d'un parent connecté."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from familles import lectures, services
from familles.acces import famille_requise, responsable_connecte
from familles.fichiers import servir_fichier
from familles.forms.messages import MessageForm, ReponseForm
from familles.models import Document, Message

MESSAGES_PAR_PAGE = 20


# --- Boîte de réception ----------------------------------------------------------------------


def _get_message_for_famille(request, pk):
    """Un message de la famille connectée, ou 404 (celui d'une autre famille n'existe pas)."""
    return get_object_or_404(
        Message.objects.select_related("en_reponse_a"), pk=pk, famille=request.famille
    )


def _get_message_for_user(request, pk):
    """Un message que le compte connecté peut consulter : tous pour un agent qui voit les
    messages, ceux de sa famille pour un parent ; 404 sinon."""
    messages_visibles = Message.objects.all()
    if not (request.user.is_staff and request.user.has_perm("familles.view_message")):
        responsable = responsable_connecte(request)
        if responsable is None:
            raise Http404
        messages_visibles = messages_visibles.filter(famille_id=responsable.famille_id)
    return get_object_or_404(messages_visibles, pk=pk)


def _page_du_fil(request, message, formulaire=None):
    racine = services.racine(message)
    # Avant le rendu : le bandeau de cette page compte sans ces messages.
    services.marquer_fil_lu(racine=racine, sens=Message.Sens.VERS_FAMILLE)
    return render(
        request,
        "familles/message.html",
        {
            "racine": racine,
            "fil": services.fil(racine),
            "form": formulaire or ReponseForm(),
            "onglet": "boite",
        },
    )


@famille_requise
def boite(request):
    """Les conversations de la famille, la plus récente d'abord, les non lues signalées."""
    fils = services.FilsDeLaFamille(famille=request.famille, par_page=MESSAGES_PAR_PAGE)
    page = Paginator(fils, MESSAGES_PAR_PAGE)
    return render(request, "familles/boite.html", {"page": page.get_page(request.GET.get("page"))})


@famille_requise
def message(request, pk):
    """Une conversation : ses messages dans l'ordre, marqués lus en s'ouvrant, et « Répondre »."""
    return _page_du_fil(request, _get_message_for_famille(request, pk))


@famille_requise
@require_POST
def repondre(request, pk):
    """La réponse de la famille dans une conversation."""
    message = _get_message_for_famille(request, pk)
    formulaire = ReponseForm(request.POST, request.FILES)
    if not formulaire.is_valid():
        return _page_du_fil(request, message, formulaire)
    services.repondre_au_service(message=message, par=request.user, **formulaire.cleaned_data)
    messages.success(request, "Votre réponse a été envoyée au service enfance.")
    return redirect("message", pk=services.racine(message).pk)


@famille_requise
def ecrire_au_service(request):
    """« Écrire au service » : un sujet, un message, une pièce jointe facultative."""
    if request.method == "POST":
        formulaire = MessageForm(request.POST, request.FILES)
    else:
        formulaire = MessageForm()
    if formulaire.is_bound and formulaire.is_valid():
        envoye = services.envoyer_message_au_service(
            famille=request.famille, par=request.user, **formulaire.cleaned_data
        )
        messages.success(request, "Votre message a été envoyé au service enfance.")
        return redirect("message", pk=envoye.pk)
    return render(
        request,
        "familles/message_ecrire.html",
        {"form": formulaire, "onglet": "boite"},
    )


@login_required
def piece_jointe(request, pk):
    """La pièce jointe d'un message, pour la famille du message et pour le service seulement :
    les fichiers déposés ne sont jamais servis par une adresse publique."""
    message = _get_message_for_user(request, pk)
    if not message.piece_jointe:
        raise Http404
    return servir_fichier(message.piece_jointe)


# --- Infos./Documents ------------------------------------------------------------------------


@famille_requise
def infos(request):
    """Ce que le service a publié : des informations (texte, lien) et des formulaires."""
    documents = lectures.documents_publies()
    return render(
        request,
        "familles/infos.html",
        {
            "informations": [d for d in documents if d.genre == Document.Genre.INFORMATION],
            "formulaires": [d for d in documents if d.genre == Document.Genre.FORMULAIRE],
            "onglet": "accueil",
        },
    )


@login_required
def formulaire(request, pk):
    """Le fichier d'un document publié (un agent peut aussi ouvrir ceux qu'il n'a pas encore
    publiés) ; 404 sinon."""
    documents = Document.objects.exclude(fichier="")
    if not (request.user.is_staff and request.user.has_perm("familles.view_document")):
        documents = documents.filter(publie=True)
    return servir_fichier(get_object_or_404(documents, pk=pk).fichier)
