from django.apps import AppConfig


class PortailConfig(AppConfig):
    name = "portail"
    verbose_name = "Portail Familles"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from portail.middleware import session_vue_a_la_connexion

        user_logged_in.connect(session_vue_a_la_connexion, dispatch_uid="portail_session_vue")
