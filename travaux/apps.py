from django.apps import AppConfig


class TravauxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "travaux"
    verbose_name = "Travaux de fond"
