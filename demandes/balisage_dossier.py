"""« Mon dossier » : la liste des documents demandés, écrite d'un trait.

Comme la grille du planning : chaque document demandé fait une quinzaine de `{% if %}`,
`{% with %}` et variables dans un gabarit, et la page en compte jusqu'à une dizaine (un par
enfant et par type). Écrite ici, la liste coûte une fraction du temps ; chaque texte est
échappé. Le balisage est celui qu'avait le gabarit (comparé sur les pages du banc, et testé
dans tests/demandes/test_dossier.py état par état).
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from dossiers.etat import A_FOURNIR, ACCEPTE, EN_VERIFICATION, EXPIRE, REFUSE


def _jour(valeur):
    """« 01/09/2026 » ; un instant est d'abord ramené à l'heure de Paris, comme `|date`."""
    if isinstance(valeur, datetime.datetime):
        valeur = timezone.localtime(valeur)
    return f"{valeur:%d/%m/%Y}"


def _detail(exigence):
    """Où en est le document : accepté (jusqu'à quand), en vérification, refusé (le motif)…"""
    etat = exigence.etat
    if etat == ACCEPTE:
        piece = exigence.valable
        texte = f"Accepté le {_jour(piece.decidee_le)} ; "
        if piece.valable_jusquau:
            texte += f"valable jusqu'au <strong>{_jour(piece.valable_jusquau)}</strong>."
        else:
            texte += "valable sans limite de durée."
        if exigence.expire_bientot and exigence.peut_deposer:
            texte += (
                '<br><strong class="dossier-alerte">Il expire bientôt : déposez le nouveau '
                "document.</strong>"
            )
    elif etat == EN_VERIFICATION:
        texte = f"Reçu le {_jour(exigence.en_attente.deposee_le)} : le service enfance le vérifie."
    elif etat == REFUSE:
        decision = exigence.derniere_decision
        texte = (
            f"Refusé le {_jour(decision.decidee_le)}. <strong>Motif :</strong> "
            f"{escape(decision.motif_refus)}<br>Déposez un nouveau document."
        )
    elif etat == EXPIRE:
        fin = _jour(exigence.derniere_decision.valable_jusquau)
        texte = f"Expiré depuis le {fin} : déposez le nouveau document."
    else:
        texte = "Aucun document reçu."
    if exigence.valable and exigence.en_attente:
        texte += (
            f"<br>Un nouveau document, reçu le {_jour(exigence.en_attente.deposee_le)}, est en "
            "cours de vérification."
        )
    return texte


def _actions(exigence, *, champ_jeton, adresse_dossier):
    """Voir le document déposé ; en déposer un (nouveau) ou retirer celui en attente."""
    morceaux = []
    cache = f'<span class="visually-hidden"> : {escape(exigence.libelle)}</span>'
    piece = exigence.en_attente or exigence.valable or exigence.derniere_decision
    if piece:
        morceaux.append(
            f'<a href="{reverse("fichier_piece", args=[piece.pk])}" target="_blank" '
            f'rel="noopener">Voir le document déposé{cache} '
            f"({escape(piece.format_fichier.upper())})"
            '<span class="visually-hidden">, s\'ouvre dans un nouvel onglet</span></a>'
        )
    if exigence.a_redeposer:
        deposer = (
            "Déposer ce document" if exigence.etat == A_FOURNIR else "Déposer un nouveau document"
        )
        morceaux.append(f'<a href="?document={escape(exigence.cle)}#deposer">{deposer}{cache}</a>')
    elif exigence.retrait:
        retirer = reverse("retirer_demande", args=[exigence.retrait.pk])
        morceaux.append(
            f'<form method="post" action="{retirer}">'
            f'{champ_jeton}<input type="hidden" name="suivant" value="{adresse_dossier}">'
            '<button type="submit" class="btn btn-sm btn-outline-danger">Retirer ce document'
            f"{cache}</button></form>"
        )
    return "\n".join(morceaux)


def _document(exigence, **actions):
    etat = escape(exigence.etat)
    pour = (
        f' <span class="dossier-pour">— {escape(exigence.enfant.prenom)}</span>'
        if exigence.enfant
        else ""
    )
    facultatif = "" if exigence.obligatoire else "<strong>Facultatif.</strong> "
    type_document = exigence.type_document
    # Les blancs entre les éléments, comme le gabarit : le texte lu reste « … Léa Accepté ».
    return (
        f'<li class="dossier-document dossier-{etat}" id="document-{escape(exigence.cle)}">\n'
        '<div class="dossier-document-entete">\n'
        f'<h3 class="dossier-document-titre">{escape(type_document.nom)}{pour}</h3>\n'
        f'<span class="etiquette etiquette-{etat}">{escape(exigence.etat_libelle)}</span>\n'
        "</div>\n"
        f'<p class="dossier-aide">{facultatif}{escape(type_document.aide)}\n'
        f"Valable : {escape(type_document.validite_en_clair())}.</p>\n"
        f'<p class="dossier-detail">{_detail(exigence)}</p>\n'
        f'<div class="dossier-actions">{_actions(exigence, **actions)}</div>\n</li>\n'
    )


def documents_demandes(exigences, *, csrf_token):
    """La liste `<ul>` des documents demandés, sûre ; `csrf_token` : celui de la page."""
    champ_jeton = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token
    )
    adresse_dossier = reverse("mon_dossier")
    documents = "".join(
        _document(exigence, champ_jeton=champ_jeton, adresse_dossier=adresse_dossier)
        for exigence in exigences
    )
    return mark_safe(f'<ul class="dossier-liste">\n{documents}</ul>')  # noqa: S308 (échappé)
