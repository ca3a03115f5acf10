"""Petits outils partagés par les tests."""

import html

from django.utils.html import strip_tags


def texte(reponse):
    """Le texte que lit l'utilisateur : sans balises, espaces normalisés."""
    return " ".join(html.unescape(strip_tags(reponse.content.decode())).split())
