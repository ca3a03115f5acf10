"""Un champ de formulaire en balisage Bootstrap 5, écrit d'un trait, sans gabarit.

Le même balisage que `{{ champ|as_crispy_field }}` (crispy-bootstrap5 et notre copie de son
gabarit, templates/bootstrap5/field.html) pour les champs à une ligne (texte, date, courriel…),
les listes déroulantes et les fichiers : le libellé, le contrôle et ses attributs (ceux que
Django pose : `required`, `aria-invalid`, `aria-describedby`), les erreurs liées au champ, le
texte d'aide. crispy-forms rend chaque champ par une douzaine de gabarits imbriqués, puis ceux
des widgets de Django (un par `<option>`) : sur « Mon dossier », ~1,8 ms pour trois champs.
Ici, le contexte du widget vient de Django (`Widget.get_context` : valeur formatée, options,
attributs), seul l'écriture du HTML change. Un test compare les deux balisages, champ par
champ, valide et en erreur (tests/commun/test_champs.py).

Les autres widgets (cases à cocher, boutons radio, zones de texte, widgets composés) ne sont
pas pris en charge : `champ` les refuse, crispy-forms reste là pour eux.
"""

from django import forms
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe

NON_PRIS_EN_CHARGE = (
    forms.CheckboxInput
    | forms.RadioSelect
    | forms.CheckboxSelectMultiple
    | forms.Textarea
    | forms.MultiWidget
    | forms.ClearableFileInput
    | forms.HiddenInput
)


def _attributs(attrs):
    morceaux = []
    for nom, valeur in attrs.items():
        if valeur is True:
            morceaux.append(f" {nom}")
        elif valeur is not False and valeur is not None:
            morceaux.append(f' {nom}="{escape(valeur)}"')
    return "".join(morceaux)


def _options(widget_contexte):
    morceaux = []
    for nom_groupe, options, _ in widget_contexte["optgroups"]:
        if nom_groupe:
            morceaux.append(f'<optgroup label="{escape(nom_groupe)}">')
        for option in options:
            morceaux.append(
                f'<option value="{escape(option["value"])}"'
                f"{_attributs(option['attrs'])}>{escape(option['label'])}"
                "</option>"
            )
        if nom_groupe:
            morceaux.append("</optgroup>")
    return "".join(morceaux)


def _classe_de_crispy(widget, classe_bootstrap):
    """La classe que crispy-forms donne au contrôle : celle du widget, le nom de sa classe en
    minuscules (« select », « dateinput ») s'il n'y est pas, puis celle de Bootstrap."""
    nom = type(widget).__name__.lower()
    classe = widget.attrs.get("class", "")
    if not classe:
        classe = nom
    elif nom not in classe:
        classe += f" {nom}"
    return f"{classe} {classe_bootstrap}"


def champ(bound_field):
    """Le balisage Bootstrap 5 du champ lié `bound_field` (un `BoundField`), marqué sûr."""
    field, widget = bound_field.field, bound_field.field.widget
    if isinstance(widget, NON_PRIS_EN_CHARGE):
        raise TypeError(f"{type(widget).__name__} : à rendre par crispy-forms.")
    erreurs = bound_field.errors
    invalide = " is-invalid" if erreurs else ""
    identifiant = bound_field.auto_id
    attrs = bound_field.build_widget_attrs({}, widget)
    if identifiant and "id" not in widget.attrs:
        attrs["id"] = identifiant
    fichier = isinstance(widget, forms.FileInput)
    if fichier:
        # Le gabarit de crispy pour les fichiers : « form-control » d'abord, puis la classe
        # propre du widget s'il en a une.
        propre = widget.attrs.get("class")
        attrs["class"] = "form-control" + (f" {propre}" if propre else "") + invalide
    elif isinstance(widget, forms.Select):
        attrs["class"] = _classe_de_crispy(widget, "form-select") + invalide
    else:
        attrs["class"] = _classe_de_crispy(widget, "form-control") + invalide
    contexte = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    attributs = _attributs(contexte["attrs"])
    nom = escape(contexte["name"])
    if isinstance(widget, forms.Select):
        multiple = " multiple" if contexte.get("allow_multiple_selected") else ""
        controle = f'<select name="{nom}"{attributs}{multiple}>{_options(contexte)}</select>'
    else:
        valeur = contexte.get("value")
        valeur = "" if fichier or valeur is None else f' value="{escape(valeur)}"'
        controle = f'<input type="{escape(contexte["type"])}" name="{nom}"{valeur}{attributs}>'

    morceaux = [f'<div id="div_{identifiant}" class="mb-3">']
    if field.label:
        requis = " requiredField" if field.required else ""
        morceaux.append(
            f'<label for="{escape(bound_field.id_for_label)}" class="form-label{requis}">'
            f"{escape(field.label)}</label>"
        )
    if fichier:
        morceaux.append('<div class="is-invalid">' if erreurs else "<div>")
    morceaux.append(controle)
    if erreurs:
        morceaux.append(f'<div id="{escape(erreurs.field_id)}_error" class="invalid-feedback">')
        morceaux.extend(
            f'<p id="error_{rang}_{identifiant}"><strong>{escape(erreur)}</strong></p>'
            for rang, erreur in enumerate(erreurs, 1)
        )
        morceaux.append("</div>")
    if field.help_text:
        # Comme crispy (`help_text|safe`) : le texte d'aide est écrit par le code, pas saisi.
        morceaux.append(
            f'<div id="{identifiant}_helptext" class="form-text">{field.help_text}</div>'
        )
    if fichier:
        morceaux.append("</div>")
    morceaux.append("</div>")
    return mark_safe("".join(morceaux))  # noqa: S308 (chaque valeur est échappée)
