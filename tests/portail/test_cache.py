"""Ce qui est servi à un compte connecté ne se garde dans aucun cache (Cache-Control:
no-store) : les pages, les factures en PDF, les pièces jointes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from familles.models import Message
from tests.factories import FactureFactory, MessageFactory

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def stockage_temporaire(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def sans_cache(reponse):
    return "no-store" in reponse.get("Cache-Control", "")


@pytest.mark.parametrize("page", ["accueil", "mon_compte", "mes_enfants", "releve", "boite"])
def test_a_page_for_a_logged_in_family_is_not_stored(client_dupont, page):
    reponse = client_dupont.get(reverse(page))

    assert reponse.status_code == 200
    assert sans_cache(reponse), reponse.get("Cache-Control")


def test_an_invoice_pdf_is_not_stored(client_dupont, dupont):
    facture = FactureFactory(famille=dupont)

    reponse = client_dupont.get(reverse("facture_pdf", args=[facture.pk]))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert sans_cache(reponse)


def test_an_attachment_is_not_stored(client_dupont, dupont):
    message = MessageFactory(
        famille=dupont,
        sens=Message.Sens.VERS_FAMILLE,
        piece_jointe=SimpleUploadedFile("attestation.pdf", PDF),
    )

    reponse = client_dupont.get(reverse("piece_jointe", args=[message.pk]))

    assert reponse.status_code == 200
    assert sans_cache(reponse)


def test_a_redirect_for_a_logged_in_family_is_not_stored_either(client_dupont):
    reponse = client_dupont.get(reverse("connexion"))

    assert reponse.status_code == 302
    assert sans_cache(reponse)


def test_a_page_for_an_anonymous_visitor_keeps_its_own_rules(client, db):
    reponse = client.get(reverse("mot_de_passe_oublie"))

    assert reponse.status_code == 200
    assert not sans_cache(reponse)
