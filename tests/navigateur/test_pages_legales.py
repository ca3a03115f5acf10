"""Les pages légales dans Chromium : atteintes depuis le pied de la page de connexion, sans
violation axe-core sur grand écran comme sur un téléphone de 360 pixels."""

import pytest
from playwright.sync_api import expect

from tests.navigateur.conftest import sans_defilement_horizontal

LIENS = {
    "Mentions légales": "Mentions légales",
    "Données personnelles": "Données personnelles",
    "Accessibilité : non conforme": "Déclaration d'accessibilité",
    "Plan du site": "Plan du site",
}


@pytest.mark.parametrize("largeur", [1280, 360])
def test_les_pages_legales_depuis_le_pied_de_la_connexion(
    page, live_server, transactional_db, verifier_accessibilite, capturer, largeur
):
    page.set_viewport_size({"width": largeur, "height": 800})
    for lien, titre in LIENS.items():
        page.goto(f"{live_server.url}/connexion/")
        pied = page.get_by_role("navigation", name="Informations légales")
        pied.get_by_role("link", name=lien).click()
        expect(page.get_by_role("heading", level=1, name=titre)).to_be_visible()
        verifier_accessibilite(page)
        assert sans_defilement_horizontal(page)
        capturer(page, f"legal-{titre.split()[0].lower()}-{largeur}")
