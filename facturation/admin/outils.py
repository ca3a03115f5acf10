"""Les petites fonctions d'affichage des administrations de la facturation, et la page
intermédiaire de leurs actions."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.formats import number_format
from django.utils.html import format_html

from facturation import formats
from facturation.models import (
    Reglement,
)
from familles.admin.outils import VIDE

MODES_SAISIS_A_LA_MAIN = (
    Reglement.Mode.CHEQUE,
    Reglement.Mode.ESPECES,
    Reglement.Mode.VIREMENT,
)


def date_courte(jour):
    """« 08/04/2015 », comme le relevé de compte du portail."""
    return f"{jour:%d/%m/%Y}" if jour else VIDE


def quantite(valeur):
    """« 12 » plutôt que « 12,00 » quand la quantité est entière."""
    if valeur == valeur.to_integral_value():
        return number_format(valeur, decimal_pos=0)
    return number_format(valeur, decimal_pos=2)


def periode(debut, fin):
    """« 01/04/2015 – 30/04/2015 », sur une seule ligne."""
    return format_html('<span class="nowrap">{} – {}</span>', date_courte(debut), date_courte(fin))


def euros(montant):
    """« 120,60 € » ; un tiret pour une valeur absente."""
    return formats.euros(montant, vide=VIDE)


def page_action(modeladmin, request, queryset, form, **contexte):
    """La page intermédiaire d'une action qui demande une précision (mois, n° d'ORMC)."""
    return TemplateResponse(
        request,
        "admin/facturation/action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.model._meta,
            "objets": list(queryset),
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            **contexte,
        },
    )
