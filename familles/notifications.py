"""Ce que le service dit à une famille : un message dans sa Boîte de réception et un courriel
aux responsables qui l'acceptent (« Autorisation courriel »).

Chaque courriel part en texte et en HTML, tiré de `templates/courriels/<gabarit>.txt|.html`
(la mise en page commune `_base.html`, la signature du service `_signature.txt`). Seule la
réinitialisation du mot de passe (portail/views.py) part sans regarder l'autorisation : on la
demande soi-même.

Aucun courriel ne part d'ici vers le serveur SMTP : le backend de Django (EMAIL_BACKEND) est
la file d'envoi de post_office, qui les écrit en base dans la transaction de l'opération qui
les cause ; `manage.py envoyer_courriels` les envoie ensuite (courriels/envoi.py).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from familles.models import Message


def lien_portail(chemin):
    """L'adresse absolue d'une page du portail, pour un courriel (réglage PORTAIL_URL)."""
    return settings.PORTAIL_URL.rstrip("/") + chemin


def destinataires(famille):
    """Les adresses des responsables qui acceptent les courriels, sans doublon."""
    adresses = {}
    for responsable in famille.responsables.all():
        if responsable.autorisation_courriel and responsable.email:
            adresses.setdefault(responsable.email.lower(), responsable.email)
    return list(adresses.values())


def envoyer_courriel(*, adresses, sujet, gabarit, contexte, pieces_jointes=()):
    """Un courriel par adresse (texte et HTML), écrit dans la file d'envoi par la transaction
    en cours : deux parents séparés ne voient pas l'adresse l'un de l'autre, rien ne part
    d'une écriture annulée, et rien ne se perd si le serveur SMTP est en panne.
    `pieces_jointes` : des (nom, contenu, type MIME), joints à chaque courriel (la file
    d'envoi les garde avec lui)."""
    if not adresses:
        return
    contexte = {
        "collectivite": settings.COLLECTIVITE,
        "portail_url": lien_portail("/"),
        "sujet": sujet,
        **contexte,
    }
    texte = render_to_string(f"courriels/{gabarit}.txt", contexte)
    html = render_to_string(f"courriels/{gabarit}.html", contexte)

    courriels = []
    for adresse in adresses:
        courriel = EmailMultiAlternatives(sujet, texte, to=[adresse])
        courriel.attach_alternative(html, "text/html")
        for nom, contenu, type_mime in pieces_jointes:
            courriel.attach(nom, contenu, type_mime)
        courriels.append(courriel)
    with transaction.atomic():
        get_connection().send_messages(courriels)


def notifier_famille(
    *,
    famille,
    sujet,
    gabarit,
    contexte=None,
    auteur=None,
    corps=None,
    piece_jointe=None,
    en_reponse_a=None,
    sujet_courriel=None,
    pieces_jointes=(),
):
    """Écrit à la famille : un message dans sa Boîte de réception et un courriel à ses
    responsables qui l'acceptent. Renvoie le message.

    Sans `corps`, le message est le texte même du courriel (une décision, un avis). Avec
    `corps` (ce qu'un agent a écrit), le message garde ce texte et sa pièce jointe, et le
    courriel tiré du gabarit l'annonce : il reçoit `message` et `lien` (l'adresse du message)
    dans son contexte, et part sous `sujet_courriel` s'il est donné. `pieces_jointes` : des
    (nom, contenu, type MIME) joints au courriel (voir envoyer_courriel).
    """
    contexte = {"famille": famille, "collectivite": settings.COLLECTIVITE, **(contexte or {})}
    if corps is None:
        corps = render_to_string(f"courriels/{gabarit}.txt", {"sujet": sujet, **contexte}).strip()
    message = Message.objects.create(
        famille=famille,
        sens=Message.Sens.VERS_FAMILLE,
        en_reponse_a=en_reponse_a,
        sujet=sujet,
        corps=corps,
        piece_jointe=piece_jointe or "",
        auteur=auteur,
    )
    contexte = {
        "message": message,
        "lien": lien_portail(reverse("message", args=[message.pk])),
        **contexte,
    }
    envoyer_courriel(
        adresses=destinataires(famille),
        sujet=sujet_courriel or sujet,
        gabarit=gabarit,
        contexte=contexte,
        pieces_jointes=pieces_jointes,
    )
    return message


def envoyer_confirmation_reservations(*, famille, lignes):
    """Confirme par courriel les réservations d'une famille (pour le planning).

    `lignes` : des objets ou des dictionnaires qui ont `enfant` (un Enfant ou un prénom),
    `prestation` (une Prestation ou un libellé), `date` et `etat` (« Réservé », « Demande en
    attente »…). Le planning reste la référence : ce courriel ne crée pas de message.
    """
    lignes = list(lignes)
    if not lignes:
        return
    envoyer_courriel(
        adresses=destinataires(famille),
        sujet="Portail Familles : vos réservations",
        gabarit="reservations",
        contexte={
            "famille": famille,
            "lignes": lignes,
            "lien": lien_portail(reverse("mes_enfants")),
        },
    )
