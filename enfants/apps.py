from django.apps import AppConfig


class EnfantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enfants"
