from django.urls import path

from facturation import simulateur_payfip, vues_paiement

urlpatterns = [
    path("factures/<int:pk>/payer/", vues_paiement.payer, name="payer_facture"),
    path(
        "paiement/<str:reference>/notification/",
        vues_paiement.notification,
        name="paiement_notification",
    ),
    path("paiement/<str:reference>/retour/", vues_paiement.retour, name="paiement_retour"),
    # Le simulateur de PayFiP (démonstration et tests ; 404 quand PAYFIP_BACKEND=payfip_ws).
    path("payfip-simulateur/", simulateur_payfip.simulateur, name="payfip_simulateur"),
]
