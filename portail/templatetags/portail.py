"""Filtres et balises du portail : montants et dates à la française, onglets, valeurs vides."""

import functools

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from commun.champs import champ as balisage_du_champ
from facturation import formats

register = template.Library()

# Un tiret pour l'œil, des mots pour le lecteur d'écran.
NON_RENSEIGNE = mark_safe(
    '<span aria-hidden="true">—</span><span class="visually-hidden">non renseigné</span>'
)

# Les onglets du portail, dans l'ordre du guide ; la Déconnexion est un formulaire à part.
ONGLETS = (
    ("accueil", "Accueil"),
    ("mon_compte", "Mon compte"),
    ("mes_enfants", "Mes enfants"),
    ("releve", "Relevé de compte"),
    ("boite", "Boîte de réception"),
    ("demandes", "Liste des demandes"),
)
# Les pages qui ne sont pas un onglet mais s'y rattachent.
ONGLET_DES_PAGES = {"mot_de_passe_changer": "accueil"}


@register.filter
def euros(montant):
    """Decimal("1234.5") → « 1 234,50 € »."""
    return formats.euros(montant)


@register.filter
def date_longue(jour):
    """date(2026, 11, 26) → « Jeudi 26 novembre 2026 » ; le premier du mois s'écrit « 1er »."""
    if not jour:
        return ""
    quantieme = "1er" if jour.day == 1 else str(jour.day)
    # En français quelle que soit la langue que le navigateur réclame.
    with translation.override("fr"):
        texte = f"{date_format(jour, 'l')} {quantieme} {date_format(jour, 'F Y')}"
    return texte[:1].upper() + texte[1:]


@register.filter
def minutes(duree):
    """Une durée (timedelta) en minutes entières : 15."""
    if not duree:
        return 0
    return int(duree.total_seconds() // 60)


@register.filter
def champ(bound_field):
    """Le champ en balisage Bootstrap 5, le même que `as_crispy_field`, sans ses gabarits
    (commun.champs) : pour les formulaires des pages les plus vues."""
    return balisage_du_champ(bound_field)


@register.simple_tag
def valeur(donnee):
    """Une valeur de fiche : « Oui »/« Non » pour un booléen, un tiret lisible si elle est vide."""
    if donnee is True:
        return "Oui"
    if donnee is False:
        return "Non"
    if donnee is None or donnee == "":
        return NON_RENSEIGNE
    return donnee


# Sur chaque page d'un parent : écrits ici d'un trait plutôt que par un gabarit inclus qui
# résout six {% url %} et inclut le formulaire de déconnexion (0,3 ms par page, mesuré).


@functools.lru_cache(maxsize=8)
def _adresses(urlconf, prefixe):
    """L'adresse de chaque onglet et de la déconnexion : des routes sans argument, les mêmes
    pour toutes les pages tant que la configuration des adresses et le préfixe ne changent
    pas (ils font la clé)."""
    return {nom: reverse(nom, urlconf=urlconf) for nom in (*dict(ONGLETS), "deconnexion")}


def _adresse(nom):
    return _adresses(get_urlconf(), get_script_prefix())[nom]


def _formulaire_deconnexion(context):
    # Comme {% csrf_token %} : rien quand la vue n'a pas de jeton (« NOTPROVIDED »).
    jeton = context.get("csrf_token")
    champ_jeton = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', jeton)
        if jeton and jeton != "NOTPROVIDED"
        else ""
    )
    return format_html(
        '<form class="onglet-formulaire" method="post" action="{}">{}'
        '<button type="submit" class="onglet onglet-deconnexion">Déconnexion</button></form>',
        _adresse("deconnexion"),
        champ_jeton,
    )


@register.simple_tag(takes_context=True)
def deconnexion(context):
    """Le bouton « Déconnexion » : un formulaire (POST, avec le jeton CSRF)."""
    return _formulaire_deconnexion(context)


@register.simple_tag(takes_context=True)
def onglets(context):
    """Les onglets du bandeau, l'onglet courant marqué (aria-current), puis la déconnexion."""
    courant = context.get("onglet")
    if courant is None:
        request = context.get("request")
        nom = getattr(getattr(request, "resolver_match", None), "url_name", None)
        courant = ONGLET_DES_PAGES.get(nom, nom)
    morceaux = ['<ul class="onglets-liste">']
    for nom, libelle in ONGLETS:
        if nom == courant:
            morceaux.append(
                f'<li><a class="onglet onglet-courant" href="{escape(_adresse(nom))}" '
                f'aria-current="page">{escape(libelle)}</a></li>'
            )
        else:
            morceaux.append(
                f'<li><a class="onglet" href="{escape(_adresse(nom))}">{escape(libelle)}</a></li>'
            )
    morceaux.append(f"<li>{_formulaire_deconnexion(context)}</li></ul>")
    return mark_safe("".join(morceaux))  # noqa: S308 (chaque texte est échappé)


# Un témoin à la place de l'identifiant : l'adresse d'une route « …/<id:pk>/… » calculée une
# fois par processus, l'identifiant posé ensuite à sa place.
TEMOIN_PK = "2147483646"


@functools.lru_cache(maxsize=64)
def _modele_d_adresse(nom_url, urlconf, prefixe):
    adresse = reverse(nom_url, args=[int(TEMOIN_PK)], urlconf=urlconf)
    return adresse if adresse.count(TEMOIN_PK) == 1 else None


def _adresse_avec_pk(nom_url, pk, urlconf, prefixe):
    """reverse(nom_url, args=[pk]), sans refaire le calcul de la route à chaque fois."""
    modele = _modele_d_adresse(nom_url, urlconf, prefixe)
    if modele is None:
        return reverse(nom_url, args=[pk], urlconf=urlconf)
    return modele.replace(TEMOIN_PK, str(int(pk)))


@register.simple_tag
def menu_enfant(menu, enfant, titre=""):
    """Le menu de la fiche d'un enfant (Identité… Planning), d'un trait : `menu` est la liste
    (libellé, nom de la route, courante ?) des vues ; la page courante est marquée
    (aria-current « page », ou « true » sur une sous-page qui a son propre titre)."""
    morceaux = []
    prefixe = get_script_prefix()
    for libelle, nom_url, courant in menu:
        adresse = escape(_adresse_avec_pk(nom_url, enfant.pk, get_urlconf(), prefixe))
        if courant:
            marque = "true" if titre else "page"
            lien = (
                f'<a class="menu-enfant-lien menu-enfant-courant" href="{adresse}" '
                f'aria-current="{marque}">{escape(libelle)}</a>'
            )
        else:
            lien = f'<a class="menu-enfant-lien" href="{adresse}">{escape(libelle)}</a>'
        morceaux.append(f"<li>{lien}</li>")
    return mark_safe("".join(morceaux))  # noqa: S308 (chaque texte est échappé)
