"""Sur un téléphone de 360 pixels : un en-tête compact, les onglets repliés sous « Menu »
(sans JavaScript), la grille du planning avant sa légende ; sur grand écran, rien ne change."""

from playwright.sync_api import expect

from tests.navigateur.conftest import se_connecter


def ouvrir_le_planning(page, live_server):
    page.goto(f"{live_server.url}/mes-enfants/")
    page.goto(live_server.url + page.get_by_role("link", name="Lucas").first.get_attribute("href"))
    lien = page.get_by_role("link", name="Planning").first
    page.goto(live_server.url + lien.get_attribute("href"))


def test_sur_un_telephone_le_menu_se_replie_et_l_entete_tient_en_200_pixels(
    page, live_server, demo, verifier_accessibilite, capturer
):
    page.set_viewport_size({"width": 360, "height": 740})
    se_connecter(page, live_server)

    menu = page.get_by_role("navigation", name="Menu principal")
    assert page.locator("main").bounding_box()["y"] <= 200
    expect(menu.get_by_role("link", name="Mes enfants")).to_be_hidden()
    verifier_accessibilite(page)

    page.get_by_text("Menu", exact=True).focus()
    page.keyboard.press("Enter")
    expect(menu.get_by_role("link", name="Mes enfants")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "telephone-menu-ouvert")
    menu.get_by_role("link", name="Mes enfants").click()
    expect(page.get_by_role("heading", name="Mes enfants")).to_be_visible()


def test_sans_javascript_le_menu_s_ouvre_aussi(navigateur, live_server, demo):
    contexte = navigateur.new_context(
        java_script_enabled=False, viewport={"width": 360, "height": 740}, locale="fr-FR"
    )
    page = contexte.new_page()
    se_connecter(page, live_server)
    menu = page.get_by_role("navigation", name="Menu principal")

    page.get_by_text("Menu", exact=True).click()

    expect(menu.get_by_role("link", name="Relevé de compte")).to_be_visible()
    contexte.close()


def test_sur_un_telephone_la_legende_du_planning_suit_la_grille_repliee(
    page, live_server, demo, verifier_accessibilite
):
    page.set_viewport_size({"width": 360, "height": 740})
    se_connecter(page, live_server)
    ouvrir_le_planning(page, live_server)

    grille = page.locator(".planning-grille").bounding_box()
    legende = page.get_by_text("Légende", exact=True)
    assert grille["y"] < 740  # la grille se voit sans défiler
    assert legende.bounding_box()["y"] > grille["y"] + grille["height"]
    expect(page.locator(".planning-legende")).to_be_hidden()
    legende.click()
    expect(page.locator(".planning-legende")).to_be_visible()
    verifier_accessibilite(page)


def test_sur_grand_ecran_les_onglets_et_la_legende_restent_affiches(
    page, live_server, demo, verifier_accessibilite
):
    page.set_viewport_size({"width": 1280, "height": 800})
    se_connecter(page, live_server)

    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    menu = page.get_by_role("navigation", name="Menu principal")
    expect(menu.get_by_role("link", name="Mes enfants")).to_be_visible()
    ouvrir_le_planning(page, live_server)
    legende = page.locator(".planning-legende")
    expect(legende).to_be_visible()
    assert legende.bounding_box()["y"] < page.locator(".planning-grille").bounding_box()["y"]
    verifier_accessibilite(page)
