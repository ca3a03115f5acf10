from django.apps import AppConfig


class FacturationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "facturation"

    def ready(self):
        # L'impression des factures sélectionnées (un PDF) rejoint les actions de l'administration.
        from django.contrib import admin

        from facturation.admin.pdf import ajouter_a
        from facturation.models import Facture

        modeladmin = admin.site._registry.get(Facture)
        if modeladmin is not None:
            ajouter_a(type(modeladmin))
