"""L'administration des documents de la page Infos."""

from django.contrib import admin
from django.db import models

from familles.admin.messages import FichierProtegeWidget
from familles.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("titre", "genre", "publie", "ordre", "date_publication", "a_un_fichier")
    list_display_links = ("titre",)
    list_editable = ("publie", "ordre")
    list_filter = ("genre", "publie")
    search_fields = ("titre", "texte")
    ordering = ("genre", "ordre", "-date_publication")
    fields = ("genre", "titre", "texte", "lien", "fichier", "publie", "ordre", "date_publication")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "fichier":
            kwargs["widget"] = FichierProtegeWidget("formulaire")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="fichier", boolean=True)
    def a_un_fichier(self, obj):
        return bool(obj.fichier)
