from django.urls import path

import commun.convertisseurs  # noqa: F401 (enregistre <id:…>)
from facturation.admin import pdf as admin_pdf
from facturation.views import attestations
from facturation.views import releve as views

urlpatterns = [
    path("releve/", views.releve, name="releve"),
    path("factures/<id:pk>/pdf/", views.facture_pdf, name="facture_pdf"),
    path("releve/attestations/", attestations.mes_attestations, name="mes_attestations"),
    path(
        "releve/attestations/fiscale/",
        attestations.attestation_fiscale,
        name="attestation_fiscale",
    ),
    path(
        "releve/attestations/fiscale/<id:pk>/pdf/",
        attestations.attestation_fiscale_pdf,
        name="attestation_fiscale_pdf",
    ),
    path(
        "releve/attestations/presence/",
        attestations.attestation_presence,
        name="attestation_presence",
    ),
    # Le même document pour les agents, depuis la fiche de la facture dans l'administration.
    path("gestion/factures/<id:pk>/pdf/", admin_pdf.facture_pdf_agent, name="facture_pdf_agent"),
]
