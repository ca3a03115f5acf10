"""Ce que le service dit à une famille : un message dans sa Boîte de réception et un courriel
aux responsables qui l'acceptent (« Autorisation courriel »)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string

from familles.models import Message


def destinataires(famille):
    """Les adresses des responsables qui acceptent les courriels, sans doublon."""
    adresses = {}
    for responsable in famille.responsables.all():
        if responsable.autorisation_courriel and responsable.email:
            adresses.setdefault(responsable.email.lower(), responsable.email)
    return list(adresses.values())


def envoyer_courriel(*, adresses, sujet, gabarit, contexte):
    """Un courriel par adresse (texte et HTML), après la validation de la transaction : deux
    parents séparés ne voient pas l'adresse l'un de l'autre, et rien ne part d'une écriture
    annulée."""
    if not adresses:
        return
    contexte = {"collectivite": settings.COLLECTIVITE, "sujet": sujet, **contexte}
    texte = render_to_string(f"courriels/{gabarit}.txt", contexte)
    html = render_to_string(f"courriels/{gabarit}.html", contexte)

    def envoyer():
        courriels = []
        for adresse in adresses:
            courriel = EmailMultiAlternatives(sujet, texte, to=[adresse])
            courriel.attach_alternative(html, "text/html")
            courriels.append(courriel)
        get_connection().send_messages(courriels)

    transaction.on_commit(envoyer)


def notifier_famille(*, famille, sujet, gabarit, contexte=None, auteur=None):
    """Écrit à la famille : un message dans sa Boîte de réception (le texte du courriel) et le
    même courriel à ses responsables qui l'acceptent. Renvoie le message."""
    contexte = {"famille": famille, "collectivite": settings.COLLECTIVITE, **(contexte or {})}
    message = Message.objects.create(
        famille=famille,
        sens=Message.Sens.VERS_FAMILLE,
        sujet=sujet,
        corps=render_to_string(f"courriels/{gabarit}.txt", {"sujet": sujet, **contexte}).strip(),
        auteur=auteur,
    )
    envoyer_courriel(
        adresses=destinataires(famille), sujet=sujet, gabarit=gabarit, contexte=contexte
    )
    return message
