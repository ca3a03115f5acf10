from django.apps import AppConfig


class PortailConfig(AppConfig):
    name = "portail"
    verbose_name = "Portail Familles"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import request_finished, request_started

        from portail.middleware import session_vue_a_la_connexion
        from portail.sessions import oublier_le_compte

        user_logged_in.connect(session_vue_a_la_connexion, dispatch_uid="portail_session_vue")
        request_started.connect(oublier_le_compte, dispatch_uid="portail_compte_debut")
        request_finished.connect(oublier_le_compte, dispatch_uid="portail_compte_fin")
