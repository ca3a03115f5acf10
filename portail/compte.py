"""« Créer mon compte », depuis la page de connexion : la demande, le lien de confirmation,
puis la page « dossier en cours de validation » que voit le compte jusqu'à la décision du
service. Les opérations sont dans familles/comptes.py ; ces vues, comme la connexion et les
mots de passe, sont du cadre commun du portail. Puis « Mes données », dans Mon compte :
l'archive de ce que le portail garde (portail/export.py) et la demande d'effacement, que le
service décide (demandes/effacement.py)."""

import axes.helpers
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from demandes.models import Demande
from demandes.services import DemandeImpossible, demander_modification
from familles.acces import famille_requise, responsable_connecte
from familles.comptes import LienInvalide, confirmer_compte, creation_du_lien, demander_compte
from familles.forms.compte import CreerCompteForm, EffacementForm
from familles.models import Famille
from portail.export import archive_de_la_famille, resume_pdf
from portail.limites import limite_depassee

# Au plus 3 demandes par heure pour une adresse électronique, 10 depuis une adresse IP.
LIMITE_PAR_ADRESSE = 3
LIMITE_PAR_IP = 10
FENETRE = 60 * 60  # secondes


def _trop_de_demandes(request, adresse):
    ip = axes.helpers.get_client_ip_address(request) or "inconnue"
    # Les deux compteurs avancent à chaque demande (pas de court-circuit).
    trop = [
        limite_depassee(f"creation-compte:{cle}", limite, FENETRE)
        for cle, limite in (
            (f"adresse:{adresse.strip().lower()}", LIMITE_PAR_ADRESSE),
            (f"ip:{ip}", LIMITE_PAR_IP),
        )
    ]
    return any(trop)


@require_http_methods(["GET", "HEAD", "POST"])
def creer_compte(request):
    """Le formulaire ; une demande valide mène toujours à la même page « Vérifiez votre
    messagerie », que l'adresse ait déjà un compte, que la limite soit atteinte ou que le
    piège à robots soit rempli : rien ne dit lequel."""
    if request.user.is_authenticated:
        return redirect("accueil")
    form = CreerCompteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        empreinte = form.empreinte_mot_de_passe()
        donnees = form.cleaned_data
        if not form.est_un_robot and not _trop_de_demandes(request, donnees["email"]):
            demander_compte(
                nom=donnees["nom"],
                prenom=donnees["prenom"],
                date_naissance=donnees["date_naissance"],
                email=donnees["email"],
                empreinte_mot_de_passe=empreinte,
            )
        return redirect("creer_compte_envoye")
    return render(request, "portail/compte/creer_compte.html", {"form": form})


@require_safe
def creer_compte_envoye(request):
    return render(request, "portail/compte/creer_compte_envoye.html")


@require_http_methods(["GET", "HEAD", "POST"])
def confirmer(request, jeton):
    """Le lien du courriel : la page demande de confirmer d'un bouton (un lien ouvert par un
    antivirus de messagerie ne crée rien), puis crée le compte, une seule fois."""
    try:
        creation = creation_du_lien(jeton)
        if request.method == "POST":
            confirmer_compte(jeton=jeton)
            messages.success(
                request,
                "Votre adresse est confirmée et votre compte est créé. Connectez-vous avec votre "
                "adresse électronique et votre mot de passe.",
            )
            return redirect("connexion")
    except LienInvalide as erreur:
        return render(
            request, "portail/compte/creer_compte_lien.html", {"erreur": erreur.message}, status=400
        )
    return render(request, "portail/compte/creer_compte_lien.html", {"creation": creation})


@require_safe
@login_required
def compte_en_validation(request):
    """Ce que voit un compte créé sur le portail tant que le service ne l'a pas validé."""
    responsable = responsable_connecte(request)
    if responsable is None or responsable.famille.est_active:
        return redirect("accueil")
    return render(request, "portail/compte/en_validation.html", {"famille": responsable.famille})


# --- Mes données (dans « Mon compte ») ---------------------------------------------------------


@require_safe
@famille_requise
def telecharger_mes_donnees(request):
    """L'archive ZIP de tout ce que le portail garde sur la famille connectée."""
    archive = archive_de_la_famille(request.famille)
    nom = f"mes-donnees-{request.famille.numero}-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(archive, as_attachment=True, filename=nom, content_type="application/zip")


@require_safe
@famille_requise
def resume_de_mes_donnees(request):
    """Le résumé lisible (PDF) de ce que le portail garde sur la famille connectée."""
    pdf = resume_pdf(request.famille, timezone.localtime())
    reponse = HttpResponse(pdf, content_type="application/pdf")
    nom = f"mes-donnees-{request.famille.numero}-{timezone.localdate():%Y-%m-%d}.pdf"
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


@require_http_methods(["GET", "HEAD", "POST"])
@famille_requise
def demander_effacement(request):
    """Ce qui sera effacé et ce qui sera gardé, puis la demande au service, qui décide."""
    form = EffacementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            demander_modification(
                famille=request.famille,
                type=Demande.Type.EFFACEMENT,
                par=request.user,
                valeurs={"effacement": True},
                modele=Famille,
                commentaire=form.cleaned_data["commentaire"],
            )
        except DemandeImpossible as erreur:
            messages.error(request, erreur.message)
        else:
            messages.success(
                request,
                "Votre demande d'effacement a été transmise au service enfance. Vous recevrez "
                "sa réponse par courriel.",
            )
        return redirect("mon_compte")
    return render(
        request,
        "portail/compte/effacement.html",
        {
            "form": form,
            "onglet": "mon_compte",
            "annees_comptables": settings.CONSERVATION_COMPTABLE_ANNEES,
        },
    )
