from django.shortcuts import redirect
from django.urls import reverse


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
