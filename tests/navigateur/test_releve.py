"""Le Relevé de compte dans Chromium : les chiffres du guide, le PDF d'AL-36, le téléphone."""

import re

from playwright.sync_api import expect

from tests.navigateur.conftest import sans_defilement_horizontal, se_connecter


def test_un_parent_lit_son_releve_et_ouvre_le_pdf_de_sa_facture(
    page, live_server, demo, verifier_accessibilite, capturer
):
    se_connecter(page, live_server)
    page.get_by_role("link", name="Relevé de compte", exact=True).click()

    expect(page.get_by_role("heading", name="Relevé de compte")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"AL-36 .* Facture : "))).to_contain_text(
        "120,60"
    )
    expect(page.get_by_role("row", name=re.compile("AL-228"))).to_contain_text("Règlement : Chèque")
    expect(page.get_by_role("row", name=re.compile("Totaux de l'année scolaire"))).to_contain_text(
        re.compile(r"363,80\s€\s*243,20\s€")
    )
    expect(page.locator(".fiche-soldes")).to_contain_text(re.compile(r"Ancien solde au .*0,00"))
    expect(page.locator(".fiche-soldes")).to_contain_text(
        re.compile(r"Solde du compte pour l'année scolaire\s*120,60")
    )
    verifier_accessibilite(page)
    capturer(page, "releve")

    lien = page.get_by_role("link", name="Facture AL-36 (PDF)")
    reponse = page.request.get(f"{live_server.url}{lien.get_attribute('href')}")
    assert reponse.status == 200
    assert reponse.headers["content-type"] == "application/pdf"
    assert reponse.body().startswith(b"%PDF-")

    page.get_by_role("link", name="Mes règlements").click()
    expect(page.get_by_role("row", name=re.compile("AL-228"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("AL-36"))).to_have_count(0)
    verifier_accessibilite(page)

    page.set_viewport_size({"width": 360, "height": 800})
    page.get_by_role("link", name="Toutes les opérations").click()
    expect(page.get_by_text("AL-36", exact=True)).to_be_visible()
    assert sans_defilement_horizontal(page)
    verifier_accessibilite(page)
    capturer(page, "releve-360")
