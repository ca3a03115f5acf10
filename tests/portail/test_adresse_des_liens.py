"""Les liens des courriels et des factures PDF mènent au portail tel qu'il est servi : le
réglage PORTAIL_URL (qui suit le port de `make run`, tests/portail/test_reglages.py)."""

import io

import pytest
from pypdf import PdfReader

from facturation.pdf import rendre_pdf
from familles.notifications import notifier_famille
from tests.factories import FactureFactory

ADRESSE = "http://127.0.0.1:8771"


@pytest.fixture(autouse=True)
def portail_sur_le_port_8771(settings, tmp_path):
    settings.PORTAIL_URL = ADRESSE
    settings.MEDIA_ROOT = tmp_path


def test_the_invoice_pdf_points_to_the_portal_as_served(dupont):
    contenu = rendre_pdf(FactureFactory(famille=dupont))

    texte = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)
    assert f"({ADRESSE}/)" in texte or f"({ADRESSE})" in texte
    assert "127.0.0.1:8000" not in texte


def test_an_email_points_to_the_portal_as_served(
    dupont, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        notifier_famille(
            famille=dupont, sujet="Un mot", gabarit="nouveau_message", corps="Bonjour."
        )

    assert f"{ADRESSE}/messages/" in mailoutbox[0].body
