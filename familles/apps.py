from django.apps import AppConfig


class FamillesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "familles"
