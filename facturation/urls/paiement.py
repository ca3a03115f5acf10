from django.urls import path

import commun.convertisseurs  # noqa: F401 (enregistre <id:…>)
from facturation import simulateur_payfip
from facturation.views import paiement as vues_paiement

# La référence d'une transaction est un uuid4 en hexadécimal : `slug` refuse d'emblée (404) ce
# qui ne peut pas en être une, dont le caractère NUL que PostgreSQL refuse (une erreur 500).
urlpatterns = [
    path("factures/<id:pk>/payer/", vues_paiement.payer, name="payer_facture"),
    path(
        "paiement/<slug:reference>/notification/",
        vues_paiement.notification,
        name="paiement_notification",
    ),
    path("paiement/<slug:reference>/retour/", vues_paiement.retour, name="paiement_retour"),
    # Le simulateur de PayFiP (démonstration et tests ; 404 quand PAYFIP_BACKEND=payfip_ws).
    path("payfip-simulateur/", simulateur_payfip.simulateur, name="payfip_simulateur"),
]
