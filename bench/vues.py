"""La page de référence des benchmarks : une grille de 7 lignes sur 31 jours, comme celle du
planning, rendue par un gabarit Django simple, sans base de données, sans session ni compte.

Elle passe par la même pile de middlewares que les pages du portail : ce qui la sépare d'une
page de parent est exactement le travail de la page (requêtes, règles, gabarits).
"""

from django.http import HttpResponse
from django.template.loader import render_to_string

LIGNES = 7
JOURS = 31
SYMBOLES = ("R", "✓", "Rg", "", "AE", "+", "")


def _grille():
    return [
        {
            "nom": f"Prestation {ligne + 1}",
            "cases": [
                {
                    "classe": f"c-{ligne}" if SYMBOLES[(ligne + jour) % 7] else "",
                    "symbole": SYMBOLES[(ligne + jour) % 7],
                    "texte": f"Jour {jour + 1}, prestation {ligne + 1}",
                }
                for jour in range(JOURS)
            ],
        }
        for ligne in range(LIGNES)
    ]


def grille_nue(request):
    """Sans `request` dans le rendu : ni processeurs de contexte, ni session, ni compte."""
    return HttpResponse(
        render_to_string(
            "bench/grille_nue.html", {"jours": range(1, JOURS + 1), "lignes": _grille()}
        )
    )
