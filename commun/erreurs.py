"""Les erreurs du serveur, rapportées sans données personnelles.

Une erreur 500 est écrite au journal et envoyée par courriel aux ADMINS (AdminEmailHandler de
Django, par la file d'envoi de post_office comme tout courriel), et à Sentry si SENTRY_DSN est
posé. Le rapport de Django contient d'ordinaire les données envoyées (POST), les paramètres de
l'adresse, les noms des fichiers déposés, les cookies et les variables locales : sur ce portail,
ce peuvent être des mots de passe, des données de santé d'un enfant, un IBAN. Ici, seuls leurs
noms restent (réglages DEFAULT_EXCEPTION_REPORTER_FILTER et DEFAULT_EXCEPTION_REPORTER) ; les
réglages dont le nom dit une adresse (…_URL, …_DSN, où peut se trouver un mot de passe) sont
masqués comme les clés et mots de passe.
"""

import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

MASQUE = SafeExceptionReporterFilter.cleansed_substitute


def _masquer(valeurs):
    return [(cle, MASQUE) for cle in valeurs]


class FiltreSansDonnees(SafeExceptionReporterFilter):
    """Hors DEBUG, le rapport ne garde que les noms des champs, cookies et variables."""

    # Les réglages et les en-têtes (META) masqués : ceux de Django, plus les adresses (qui
    # portent un mot de passe : DATABASE_URL, REDIS_URL… ou des paramètres : QUERY_STRING,
    # RAW_URI de gunicorn, HTTP_REFERER).
    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|URL|URI|DSN|LOCATION|ADMINS"
        "|QUERY_STRING|REFERER",
        re.I,
    )

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return dict(_masquer(request.POST))

    def get_safe_cookies(self, request):
        if not self.is_active(request) or not hasattr(request, "COOKIES"):
            return super().get_safe_cookies(request)
        return dict(_masquer(request.COOKIES))

    def get_traceback_frame_variables(self, request, tb_frame):
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return _masquer(tb_frame.f_locals)


class RapportSansDonnees(ExceptionReporter):
    """Le rapport de Django, les paramètres de l'adresse (aussi dans l'adresse affichée) et les
    fichiers déposés masqués."""

    def get_traceback_data(self):
        donnees = super().get_traceback_data()
        if self.request is not None and self.filter.is_active(self.request):
            donnees["request_GET_items"] = _masquer(self.request.GET)
            donnees["request_insecure_uri"] = donnees["request_insecure_uri"].split("?", 1)[0]
            donnees["request_FILES_items"] = _masquer(self.request.FILES)
        return donnees
