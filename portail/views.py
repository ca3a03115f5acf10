"""Le socle du portail : connexion, mots de passe, page d'accueil."""

from functools import wraps

import axes.helpers
import axes.utils
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import views as auth_views
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from dossiers.etat import resume_du_dossier
from facturation.comptes import factures_impayees, solde_famille
from familles.acces import famille_requise, responsable_connecte
from portail import tableau_de_bord
from portail.forms import (
    ChangerMotDePasseForm,
    ConnexionForm,
    MotDePasseOublieForm,
    NouveauMotDePasseForm,
)
from portail.limites import limite_depassee


class ConnexionView(auth_views.LoginView):
    template_name = "registration/connexion.html"
    authentication_form = ConnexionForm
    redirect_authenticated_user = True


class ChangerMotDePasseView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "registration/mot_de_passe_changer.html"
    form_class = ChangerMotDePasseForm
    success_url = reverse_lazy("accueil")
    success_message = "Votre mot de passe a été modifié."


class MotDePasseObligatoireView(SuccessMessageMixin, auth_views.PasswordChangeView):
    """À la première connexion : un nouveau mot de passe, sans l'ancien (fourni par le service)."""

    template_name = "registration/mot_de_passe_obligatoire.html"
    form_class = NouveauMotDePasseForm
    success_url = reverse_lazy("accueil")
    success_message = "Votre mot de passe a été enregistré. Bienvenue sur le Portail Familles."

    def dispatch(self, request, *args, **kwargs):
        # Hors obligation, changer de mot de passe demande l'ancien.
        if request.user.is_authenticated and not request.user.doit_changer_mot_de_passe:
            return redirect("mot_de_passe_changer")
        return super().dispatch(request, *args, **kwargs)


class MotDePasseOublieView(auth_views.PasswordResetView):
    """« Mot de passe oublié ? » : au plus 3 courriels par heure pour une adresse et 10
    demandes par heure depuis une même adresse IP. Au-delà, la même réponse qu'une demande
    ordinaire (rien ne dit si l'adresse a un compte), sans courriel."""

    template_name = "registration/mot_de_passe_oublie.html"
    form_class = MotDePasseOublieForm
    subject_template_name = "registration/reinitialisation_sujet.txt"
    email_template_name = "registration/reinitialisation_courriel.txt"
    html_email_template_name = "registration/reinitialisation_courriel.html"
    success_url = reverse_lazy("mot_de_passe_oublie_envoye")
    limite_par_adresse = 3
    limite_par_ip = 10
    fenetre = 60 * 60  # secondes

    @property
    def extra_email_context(self):
        return {"collectivite": settings.COLLECTIVITE}

    def form_valid(self, form):
        adresse = form.cleaned_data["email"].strip().lower()
        ip = axes.helpers.get_client_ip_address(self.request) or "inconnue"
        # Les deux compteurs avancent à chaque demande (pas de court-circuit).
        trop = [
            limite_depassee(f"reinitialisation:{cle}", limite, self.fenetre)
            for cle, limite in (
                (f"adresse:{adresse}", self.limite_par_adresse),
                (f"ip:{ip}", self.limite_par_ip),
            )
        ]
        if any(trop):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class MotDePasseOublieEnvoyeView(auth_views.PasswordResetDoneView):
    template_name = "registration/mot_de_passe_oublie_envoye.html"


class MotDePasseReinitialiserView(auth_views.PasswordResetConfirmView):
    template_name = "registration/mot_de_passe_reinitialiser.html"
    form_class = NouveauMotDePasseForm
    success_url = reverse_lazy("mot_de_passe_reinitialise")

    def form_valid(self, form):
        reponse = super().form_valid(form)
        # Le verrou posé après des échecs de connexion ne survit pas au nouveau mot de passe.
        axes.utils.reset(username=self.user.get_username())
        return reponse


class MotDePasseReinitialiseView(auth_views.PasswordResetCompleteView):
    template_name = "registration/mot_de_passe_reinitialise.html"


def _agents_vers_administration(view):
    """Un agent du service sans famille n'a rien à faire sur le portail : l'administration."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_staff and responsable_connecte(request) is None:
            return redirect("admin:index")
        return view(request, *args, **kwargs)

    return wrapper


@_agents_vers_administration
@famille_requise
def accueil(request):
    aujourdhui = timezone.localdate()
    factures = factures_impayees(famille=request.famille, au=aujourdhui)
    return render(
        request,
        "portail/accueil.html",
        {
            "solde": solde_famille(famille=request.famille, au=aujourdhui),
            "factures_impayees": factures,
            "total_impaye": sum(facture.reste_a_payer for facture in factures),
            "dossier": resume_du_dossier(famille=request.famille, au=aujourdhui),
        },
    )


def erreur_serveur(request):
    """La page d'erreur 500, sans base de données ni processeur de contexte : elle doit
    s'afficher même quand la base ne répond plus."""
    page = loader.get_template("500.html").render({"collectivite": settings.COLLECTIVITE})
    return HttpResponseServerError(page)


@require_safe
def favicon(request):
    """/favicon.ico, que les navigateurs demandent d'eux-mêmes : l'icône des fichiers statiques
    (son nom haché en production). Une redirection temporaire, gardée un jour : l'icône peut
    changer de nom."""
    reponse = HttpResponseRedirect(static("img/favicon.ico"))
    patch_cache_control(reponse, public=True, max_age=24 * 60 * 60)
    return reponse


PAGES_LEGALES = {
    "mentions_legales": "portail/legal/mentions_legales.html",
    "donnees_personnelles": "portail/legal/donnees_personnelles.html",
    "accessibilite": "portail/legal/accessibilite.html",
    "plan_du_site": "portail/legal/plan_du_site.html",
}


@require_safe
def page_legale(request, page):
    """Les pages que tout site public doit avoir, ouvertes sans connexion, liées depuis le pied
    de chaque page : mentions légales, données personnelles, accessibilité, plan du site."""
    return render(
        request,
        PAGES_LEGALES[page],
        {
            "mentions": settings.MENTIONS_LEGALES,
            "dpo": settings.DPO,
            "conservation": {
                "inactivite": settings.CONSERVATION_INACTIVITE_ANNEES,
                "pieces": settings.CONSERVATION_PIECES_ANNEES,
                "comptable": settings.CONSERVATION_COMPTABLE_ANNEES,
            },
            "adresse_du_portail": settings.PORTAIL_URL,
        },
    )


class ChoixTableauForm(forms.Form):
    semaine = forms.DateField(
        label="Semaine du",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Indiquez une date valide (jj/mm/aaaa)."},
    )
    mois = forms.DateField(
        label="Factures du mois",
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": "Indiquez un mois valide (aaaa-mm)."},
    )


@staff_member_required
@require_safe
def tableau_de_bord_view(request):
    """Administration › Tableau de bord : l'accueil d'une semaine, les factures d'un mois, les
    demandes qui attendent (portail/tableau_de_bord.py)."""
    aujourdhui = timezone.localdate()
    choix = ChoixTableauForm(request.GET or None)
    semaine = mois = None
    if choix.is_bound and choix.is_valid():
        semaine, mois = choix.cleaned_data["semaine"], choix.cleaned_data["mois"]
    semaine = tableau_de_bord.lundi_de(semaine or aujourdhui)
    mois = (mois or aujourdhui).replace(day=1)
    if not choix.is_bound:
        choix = ChoixTableauForm(initial={"semaine": semaine, "mois": mois})
    contexte = {
        **admin.site.each_context(request),
        "title": "Tableau de bord",
        "choix": choix,
        **tableau_de_bord.tableau_de_bord(semaine=semaine, mois=mois),
    }
    return render(request, "admin/tableau_de_bord.html", contexte)
