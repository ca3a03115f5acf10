"""Ce que la facturation dit aux familles, par courriel : une nouvelle facture (ou un avoir).

Les courriels passent par `familles.notifications` : seuls les responsables qui les acceptent
(« Autorisation courriel ») les reçoivent, et rien ne part d'une transaction annulée.

Tout courriel entre dans la file d'envoi (django-post-office, courriels/) avec la transaction
qui le cause. La facturation en travail de fond (facturation/taches.py) marque la facture
annoncée dans la transaction qui écrit ses courriels dans la file (`annoncer_une_fois`) : un
worker tué puis relancé n'annonce jamais une facture deux fois, ni ne l'oublie.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from facturation import attestations
from facturation.models import AttestationFiscale, Facture
from familles.notifications import (
    destinataires,
    envoyer_courriel,
    lien_portail,
    notifier_famille,
)


def _annonce(facture):
    """Le sujet et le contexte du courriel qui annonce la facture (gabarit « facture »)."""
    avoir = facture.genre == Facture.Genre.AVOIR
    sujet = f"Portail Familles : {'avoir' if avoir else 'facture'} {facture.numero}"
    contexte = {
        "facture": facture,
        "avoir": avoir,
        "famille": facture.famille,
        "lien": lien_portail(reverse("releve")),
    }
    return sujet, contexte


def annoncer_facture(*, facture):
    """Annonce une facture émise (ou un avoir) aux responsables de sa famille. La facture est
    déjà dans l'Accueil et le relevé de compte : ce courriel ne crée pas de message."""
    sujet, contexte = _annonce(facture)
    envoyer_courriel(
        adresses=destinataires(facture.famille),
        sujet=sujet,
        gabarit="facture",
        contexte=contexte,
    )


@transaction.atomic
def annoncer_une_fois(*, facture):
    """Marque la facture annoncée et écrit son annonce dans la file d'envoi (`annoncer_facture`),
    dans une seule transaction. Rend False si elle était déjà annoncée (rien n'est écrit)."""
    marquee = Facture.objects.filter(pk=facture.pk, annoncee_le__isnull=True).update(
        annoncee_le=timezone.now()
    )
    if not marquee:
        return False
    annoncer_facture(facture=facture)
    return True


@transaction.atomic
def envoyer_attestation_une_fois(*, attestation):
    """Envoie l'attestation fiscale à la famille, une seule fois : un message dans sa Boîte de
    réception, le PDF en pièce jointe, et un courriel avec le PDF aux responsables qui les
    acceptent. Marquée envoyée dans la même transaction ; rend False si elle l'était déjà."""
    marquee = AttestationFiscale.objects.filter(pk=attestation.pk, envoyee_le__isnull=True).update(
        envoyee_le=timezone.now()
    )
    if not marquee:
        return False
    nom = attestations.nom_attestation_fiscale(attestation)
    notifier_famille(
        famille=attestation.famille,
        sujet=f"Votre attestation fiscale {attestation.annee} (frais de garde)",
        gabarit="attestation_fiscale",
        contexte={
            "attestation": attestation,
            "lien_attestations": lien_portail(reverse("mes_attestations")),
        },
        piece_jointe=attestation.pdf.name,
        pieces_jointes=[(nom, attestations.lire_attestation(attestation), "application/pdf")],
    )
    return True
