"""La grille du planning : ses lignes rendues par le gabarit Jinja2 de la grille."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def lignes_du_planning(planning):
    """Les <tr> de la grille (templates/jinja2/enfants/_planning_lignes.html).

    Ses 217 cases (7 lignes, 31 jours) par le moteur de gabarits de Django coûtaient 3,7 ms de
    processeur par page, et la page passait sous le plancher du banc (docs/performance.md) ;
    par Jinja2 (le moteur de Django pour Jinja2, qui échappe tout texte), une fraction.
    """
    gabarit = engines["jinja2"].get_template("enfants/_planning_lignes.html")
    # Une sortie de gabarit, chaque valeur échappée par Jinja2 (autoescape).
    return mark_safe(gabarit.render({"planning": planning}))  # noqa: S308
