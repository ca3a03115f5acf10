"""Ce que la facturation dit aux familles, par courriel : une nouvelle facture (ou un avoir).

Les courriels passent par `familles.notifications` : seuls les responsables qui les acceptent
(« Autorisation courriel ») les reçoivent, et rien ne part d'une transaction annulée.
"""

from django.urls import reverse

from facturation.models import Facture
from familles.notifications import destinataires, envoyer_courriel, lien_portail


def annoncer_facture(*, facture):
    """Annonce une facture émise (ou un avoir) aux responsables de sa famille. La facture est
    déjà dans l'Accueil et le relevé de compte : ce courriel ne crée pas de message."""
    avoir = facture.genre == Facture.Genre.AVOIR
    envoyer_courriel(
        adresses=destinataires(facture.famille),
        sujet=f"Portail Familles : {'avoir' if avoir else 'facture'} {facture.numero}",
        gabarit="facture",
        contexte={
            "facture": facture,
            "avoir": avoir,
            "famille": facture.famille,
            "lien": lien_portail(reverse("releve")),
        },
    )
