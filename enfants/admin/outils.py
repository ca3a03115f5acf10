"""Les briques des administrations de l'accueil, des enfants et de la facturation : les
données sanitaires (article 9 du RGPD : seuls les agents qui ont la permission
« enfants.voir_donnees_sanitaires » les voient), le choix d'une prestation, les jours."""

from django import forms
from django.contrib import admin
from django.urls import reverse

from enfants.models import (
    Jour,
    Prestation,
)
from familles.admin.outils import VIDE

PERMISSION_SANITAIRE = "enfants.voir_donnees_sanitaires"


def habilite_donnees_sanitaires(user):
    return user.has_perm(PERMISSION_SANITAIRE)


def jours_abreges(jours):
    """« 1245 » → « Lu, Ma, Je, Ve », comme l'en-tête du planning."""
    return ", ".join(Jour(int(c)).label[:2].capitalize() for c in jours) or VIDE


class JoursWidget(forms.CheckboxSelectMultiple):
    class Media:
        css = {"all": ("css/admin_jours.css",)}


class JoursSemaineField(forms.MultipleChoiceField):
    """Des cases à cocher lundi … dimanche pour un champ texte « 1234567 » (jours d'ouverture
    d'une prestation, jours réguliers d'une inscription)."""

    def __init__(self, *, abrege=False, **kwargs):
        choix = [(str(jour.value), jour.label.capitalize()) for jour in Jour]
        if abrege:
            choix = [(valeur, libelle[:2]) for valeur, libelle in choix]
        kwargs.setdefault("widget", JoursWidget(attrs={"class": "jours"}))
        super().__init__(choices=choix, **kwargs)

    def prepare_value(self, value):
        return list(value) if isinstance(value, str) else value

    def clean(self, value):
        return "".join(sorted(super().clean(value)))


PERMISSION_PRESENCES = "enfants.change_journee"


def lien_feuille_de_presence(prestation, jour=None):
    parametres = f"?prestation={prestation.pk}"
    if jour is not None:
        parametres += f"&date={jour:%Y-%m-%d}"
    return reverse("admin:enfants_journee_feuille_de_presence") + parametres


class PrestationListFilter(admin.RelatedFieldListFilter):
    """Le filtre par prestation, sans une requête par prestation pour nommer sa structure."""

    def field_choices(self, field, request, model_admin):
        return [(p.pk, str(p)) for p in Prestation.objects.select_related("structure")]


class PrestationChoixMixin:
    """Les listes de choix de prestations nomment leur structure sans requête de plus."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "prestation":
            kwargs["queryset"] = Prestation.objects.select_related("structure")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DonneesSanitairesMixin:
    """Réserve un modèle (ou un inline) aux agents habilités aux données sanitaires."""

    def has_view_permission(self, request, obj=None):
        return habilite_donnees_sanitaires(request.user) and super().has_view_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return habilite_donnees_sanitaires(request.user) and super().has_change_permission(
            request, obj
        )

    def has_add_permission(self, request, *args):
        return habilite_donnees_sanitaires(request.user) and super().has_add_permission(
            request, *args
        )

    def has_delete_permission(self, request, obj=None):
        return habilite_donnees_sanitaires(request.user) and super().has_delete_permission(
            request, obj
        )
