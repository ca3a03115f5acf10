import time

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


class ChangementMotDePasseObligatoireMiddleware:
    """Tant qu'un compte doit changer son mot de passe, seule cette page lui est ouverte."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.doit_changer_mot_de_passe:
            autorisees = (
                reverse("mot_de_passe_obligatoire"),
                reverse("deconnexion"),
            )
            if request.path not in autorisees and not request.path.startswith("/static/"):
                return redirect("mot_de_passe_obligatoire")
        return self.get_response(request)


class EntetesSansCaractereNulMiddleware:
    """Retire le caractère NUL des en-têtes de la requête. PostgreSQL le refuse dans un texte :
    un User-Agent forgé qui en contient ferait échouer l'enregistrement d'une tentative de
    connexion par django-axes (une erreur 500) au lieu du message habituel."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for cle, valeur in request.META.items():
            if cle.startswith("HTTP_") and isinstance(valeur, str) and "\x00" in valeur:
                request.META[cle] = valeur.replace("\x00", "")
        return self.get_response(request)


class SessionGlissanteMiddleware:
    """Une session connectée expire après SESSION_COOKIE_AGE secondes sans activité, pas après
    SESSION_COOKIE_AGE secondes depuis la connexion. Plutôt qu'une écriture de la session à
    chaque requête (SESSION_SAVE_EVERY_REQUEST), son échéance est repoussée au plus une fois
    toutes les RENOUVELER_APRES secondes : une requête d'écriture toutes les cinq minutes par
    parent actif, au lieu d'une par page."""

    RENOUVELER_APRES = 5 * 60
    CLE = "_vue_le"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            maintenant = int(time.time())
            if maintenant - request.session.get(self.CLE, 0) >= self.RENOUVELER_APRES:
                request.session[self.CLE] = maintenant  # la session sera enregistrée
        return self.get_response(request)


def session_vue_a_la_connexion(sender, request, user, **kwargs):
    """La connexion enregistre déjà la session : l'échéance part de là, sans réécriture à la
    première page."""
    if request is not None and hasattr(request, "session"):
        request.session[SessionGlissanteMiddleware.CLE] = int(time.time())


class ReponsesPriveesMiddleware:
    """Une réponse faite pour un compte connecté (une page, une facture en PDF, une pièce
    jointe) ne se garde dans aucun cache, ni du navigateur ni d'un proxy : « Cache-Control:
    no-store ». Une vue qui a fixé son propre Cache-Control le garde ; les fichiers statiques,
    servis par WhiteNoise avant la session, ne passent pas par ici."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not reponse.has_header("Cache-Control"):
            add_never_cache_headers(reponse)
        return reponse
