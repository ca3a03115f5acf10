"""Filtres et balises du portail : montants et dates à la française, onglets, valeurs vides."""

import functools

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

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


@register.filter(expects_localtime=True)
def date_courte(jour):
    """date(2026, 12, 7) → « 07/12/2026 » ; un instant, à l'heure de Paris. Le même texte que
    `|date:"d/m/Y"`, pour les tableaux des pages : le filtre de Django coûte ~20 µs par date
    (docs/performance.md), celui-ci ~1 µs."""
    if not jour:
        return ""
    return f"{jour:%d/%m/%Y}"


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


# Sur chaque page d'un parent : les adresses des onglets sont calculées une fois par processus
# (six {% url %} par page coûtaient 0,3 ms, mesuré) ; le balisage est dans les gabarits
# portail/_onglets.html, _deconnexion.html et _menu_enfant.html.


@functools.lru_cache(maxsize=8)
def _adresses(urlconf, prefixe):
    """L'adresse de chaque onglet et de la déconnexion : des routes sans argument, les mêmes
    pour toutes les pages tant que la configuration des adresses et le préfixe ne changent
    pas (ils font la clé)."""
    return {nom: reverse(nom, urlconf=urlconf) for nom in (*dict(ONGLETS), "deconnexion")}


def _adresse(nom):
    return _adresses(get_urlconf(), get_script_prefix())[nom]


@register.inclusion_tag("portail/_deconnexion.html")
def deconnexion():
    """Le bouton « Déconnexion » : un formulaire (POST, avec le jeton CSRF de la page)."""
    return {"adresse_deconnexion": _adresse("deconnexion")}


@register.inclusion_tag("portail/_onglets.html", takes_context=True)
def onglets(context):
    """Les onglets du bandeau, l'onglet courant marqué (aria-current), puis la déconnexion."""
    courant = context.get("onglet")
    if courant is None:
        request = context.get("request")
        nom = getattr(getattr(request, "resolver_match", None), "url_name", None)
        courant = ONGLET_DES_PAGES.get(nom, nom)
    return {
        "onglets": [(_adresse(nom), libelle, nom == courant) for nom, libelle in ONGLETS],
        "adresse_deconnexion": _adresse("deconnexion"),
    }


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


@register.inclusion_tag("portail/_menu_enfant.html")
def menu_enfant(menu, enfant, titre=""):
    """Le menu de la fiche d'un enfant (Identité… Planning) : `menu` est la liste (libellé,
    nom de la route, courante ?) des vues ; la page courante est marquée (aria-current
    « page », ou « true » sur une sous-page qui a son propre titre)."""
    urlconf, prefixe = get_urlconf(), get_script_prefix()
    return {
        "liens": [
            (_adresse_avec_pk(nom_url, enfant.pk, urlconf, prefixe), libelle, courant)
            for libelle, nom_url, courant in menu
        ],
        "marque": "true" if titre else "page",
    }
