from django.apps import AppConfig


class DossiersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dossiers"
    verbose_name = "Dossiers annuels"

    def ready(self):
        from dossiers.models import ExigenceDossier
        from enfants import revision

        # Chaque réservation consulte l'exigence de sa prestation : gardée par processus avec
        # les fermetures et les campagnes, sous le jeton qu'une écriture change.
        revision.suivre(ExigenceDossier)
