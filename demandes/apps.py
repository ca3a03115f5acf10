from django.apps import AppConfig


class DemandesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "demandes"
