"""« Mon dossier » : les documents que demande le service enfance, leur dépôt, et la
certification annuelle de la fiche de la famille, page par page.

Un dépôt est une demande au service (`dossiers.documents`), et chaque page de la certification
montre, à côté des valeurs, les demandes de modification en attente : ces vues utilisent
`demandes` pour cela seulement (voir « Organisation du code » dans le README). Une
modification demandée en certifiant passe par les pages de demande habituelles.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from demandes.models import Demande
from demandes.services import DemandeImpossible
from dossiers.documents import deposer_document
from dossiers.etat import etapes_de_la_certification, resume_du_dossier
from dossiers.forms import DepotForm
from dossiers.services import DossierImpossible, confirmer_page
from enfants.forms.enfants import (
    AutorisationsForm,
    FicheSanitaireForm,
    IdentiteForm,
    PersonneAutoriseeForm,
    VaccinationForm,
)
from enfants.models import Enfant, FicheSanitaire
from enfants.views.enfants import FicheEnfant, lignes
from familles.acces import famille_requise
from familles.mon_compte import page_mon_compte

DEPOSE = (
    "Votre document a été transmis au service enfance, qui va le vérifier. Vous recevrez sa "
    "réponse dans votre Boîte de réception."
)


def _avec_retraits(famille, exigences):
    """Pose sur chaque document en attente la demande qui permet de le retirer (`retrait`)."""
    par_piece = {e.en_attente.pk: e for e in exigences if e.en_attente is not None}
    if par_piece:
        for demande in Demande.objects.filter(
            famille=famille,
            type=Demande.Type.DOCUMENT,
            statut=Demande.Statut.EN_ATTENTE,
            cible_id__in=par_piece,
        ):
            par_piece[demande.cible_id].retrait = demande
    return exigences


@famille_requise
def mon_dossier(request):
    """Les documents demandés et leur état ; le dépôt d'un document (une demande au service)."""
    dossier = resume_du_dossier(famille=request.famille, au=timezone.localdate())
    form = DepotForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        exigences=dossier.exigences,
        initial={"document": request.GET.get("document")},
    )
    _avec_retraits(request.famille, dossier.exigences)
    if form.is_valid():
        try:
            deposer_document(famille=request.famille, par=request.user, **form.depot())
        except DemandeImpossible as erreur:
            form.add_error(None, erreur.message)
        else:
            messages.success(request, DEPOSE)
            return redirect("mon_dossier")
    return render(
        request,
        "dossiers/mon_dossier.html",
        {"dossier": dossier, "form": form, "onglet": "accueil"},
    )


# --- La certification annuelle ---------------------------------------------------------------


def _etapes(request):
    enfants = Enfant.objects.filter(famille=request.famille).select_related("fiche_sanitaire")
    return etapes_de_la_certification(enfants.order_by("date_naissance", "prenom"))


@famille_requise
def certification(request):
    """Les pages de la fiche à confirmer cette année, et où en est la famille."""
    dossier = resume_du_dossier(famille=request.famille, au=timezone.localdate())
    confirmees = set(dossier.certification.pages_confirmees if dossier.certification else ())
    etapes = [(etape, etape.cle in confirmees) for etape in _etapes(request)]
    suivante = next((etape for etape, faite in etapes if not faite), None)
    return render(
        request,
        "dossiers/certification.html",
        {"dossier": dossier, "etapes": etapes, "suivante": suivante, "onglet": "accueil"},
    )


def _contenu_famille(request):
    return page_mon_compte(request.famille, request.responsable)


def _contenu_identite(enfant, fiche):
    demande = fiche.demande(Demande.Type.ENFANT, Enfant, enfant)
    autorisations = fiche.demande(Demande.Type.AUTORISATIONS, Enfant, enfant)
    return {
        "demande": demande or autorisations,
        "lignes": lignes(Enfant, enfant, IdentiteForm._meta.fields, demande),
        "lignes_autorisations": lignes(
            Enfant, enfant, AutorisationsForm._meta.fields, autorisations
        ),
    }


def _contenu_sanitaire(enfant, fiche):
    demande = fiche.demande(Demande.Type.DONNEES_SANITAIRES, FicheSanitaire, fiche.fiche_sanitaire)
    vaccinations, nouvelles = fiche.elements(
        Demande.Type.DONNEES_SANITAIRES, VaccinationForm, enfant.vaccinations.all()
    )
    return {
        "demande": demande,
        "sans_fiche": fiche.fiche_sanitaire is None,
        "lignes": lignes(
            FicheSanitaire, fiche.fiche_sanitaire, FicheSanitaireForm._meta.fields, demande
        ),
        "vaccinations": vaccinations,
        "nouvelles": nouvelles,
    }


def _contenu_personnes(enfant, fiche):
    personnes, nouvelles = fiche.elements(
        Demande.Type.PERSONNES_AUTORISEES,
        PersonneAutoriseeForm,
        enfant.personnes_autorisees.all(),
    )
    return {"personnes": personnes, "nouvelles": nouvelles}


CONTENUS_ENFANT = {
    "identite": _contenu_identite,
    "sanitaire": _contenu_sanitaire,
    "personnes": _contenu_personnes,
}


@famille_requise
def certification_etape(request, cle):
    """Une page de la fiche, en lecture, avec « Je confirme ces informations » et le lien vers
    la page où en demander la modification."""
    etapes = _etapes(request)
    rang, etape = next(((i, e) for i, e in enumerate(etapes, 1) if e.cle == cle), (0, None))
    if etape is None:
        raise Http404("Pas de telle page dans la fiche de cette famille.")
    if etape.enfant is None:
        contenu = _contenu_famille(request)
    else:
        contenu = CONTENUS_ENFANT[etape.section](etape.enfant, FicheEnfant(etape.enfant))
    dossier = resume_du_dossier(famille=request.famille, au=timezone.localdate())
    confirmees = dossier.certification.pages_confirmees if dossier.certification else []
    return render(
        request,
        f"dossiers/certification_{etape.section}.html",
        {
            **contenu,
            "dossier": dossier,
            "etape": etape,
            "enfant": etape.enfant,
            "rang": rang,
            "nombre": len(etapes),
            "confirmee": etape.cle in confirmees,
            "onglet": "accueil",
        },
    )


@famille_requise
@require_POST
def certification_confirmer(request, cle):
    """« Je confirme ces informations » : la page suivante à confirmer, ou la fin."""
    try:
        certification = confirmer_page(famille=request.famille, cle=cle, par=request.user)
    except DossierImpossible as erreur:
        raise Http404(erreur.message) from erreur
    if certification.est_certifiee:
        messages.success(
            request,
            f"Merci : la fiche de votre famille est certifiée pour l'année scolaire "
            f"{certification.libelle_annee}.",
        )
        return redirect("certification")
    etapes = _etapes(request)
    titre = next((e.titre for e in etapes if e.cle == cle), "")
    reste = [e for e in etapes if e.cle not in certification.pages_confirmees]
    messages.success(request, f"Page confirmée : {titre}.")
    return redirect("certification_etape", cle=reste[0].cle) if reste else redirect("certification")
