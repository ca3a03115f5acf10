"""Le paiement en ligne dans Chromium : Jean Dupont paie AL-36 par le simulateur de PayFiP."""

import re

from playwright.sync_api import expect

from tests.navigateur.conftest import sans_defilement_horizontal, se_connecter


def test_un_parent_paie_sa_facture_en_ligne_et_la_voit_reglee(
    page, live_server, demo, verifier_accessibilite, capturer
):
    se_connecter(page, live_server)
    page.get_by_role("link", name="Payer en ligne la facture AL-36").click()

    expect(page.get_by_role("heading", name="Payer en ligne la facture AL-36")).to_be_visible()
    expect(page.locator(".fiche")).to_contain_text("120,60")
    courriel = page.get_by_label("Adresse e-mail pour recevoir le reçu de paiement")
    expect(courriel).not_to_have_value("")
    verifier_accessibilite(page)
    capturer(page, "paiement")
    page.set_viewport_size({"width": 360, "height": 740})
    assert sans_defilement_horizontal(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    courriel.fill("jean.dupont@exemple.fr")
    page.get_by_role("button", name=re.compile("Payer 120,60")).click()

    expect(page.get_by_role("heading", name="Simulateur PayFiP")).to_be_visible()
    expect(page.locator(".fiche")).to_contain_text("AL-36")
    verifier_accessibilite(page)
    page.get_by_role("button", name="Payer", exact=True).click()

    expect(page.get_by_text("Paiement accepté.")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "paiement_retour")

    page.get_by_role("link", name="Consulter le relevé de compte").click()
    expect(
        page.get_by_role("row", name=re.compile("Règlement : Paiement en ligne \\(PayFiP\\)"))
    ).to_contain_text("120,60")
    expect(page.get_by_role("link", name="Payer en ligne la facture AL-36")).to_have_count(0)
