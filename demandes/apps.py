from django.apps import AppConfig


class DemandesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "demandes"

    def ready(self):
        # Les réservations et les absences enregistrent leurs applications auprès du service
        # des demandes (APPLICATIONS, APPLICATIONS_REFUS, APPLICATIONS_RETRAIT).
        # Les documents du dossier annuel aussi (demandes/dossier.py).
        from demandes import (
            dossier,  # noqa: F401
            reservations,  # noqa: F401
        )
