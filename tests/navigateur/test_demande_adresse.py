"""Le parcours d'une demande dans Chromium : le parent demande une nouvelle adresse, la voit en
attente, l'agent la valide dans l'administration, le parent voit sa nouvelle adresse et la
demande acceptée."""

import re

from playwright.sync_api import expect

from tests.navigateur.conftest import sans_defilement_horizontal, se_connecter


def bloc_adresse(page):
    return page.get_by_role("group", name="Adresse").first


def test_une_nouvelle_adresse_demandee_puis_validee_par_l_agent(
    page, live_server, demo, verifier_accessibilite, capturer
):
    # Le parent demande une nouvelle adresse ; une première saisie est fautive.
    se_connecter(page, live_server)
    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Demander une modification : adresse de JEAN DUPONT").click()
    expect(page.get_by_role("heading", name="Adresse — JEAN DUPONT")).to_be_visible()
    expect(page.get_by_label("Adresse", exact=True)).to_have_value("12 RUE DES BONBONS")
    page.get_by_label("Adresse", exact=True).fill("5 RUE DES ÉCOLES")
    page.get_by_label("Code postal").fill("7335")
    page.get_by_label("Ville").fill("BOZEL")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page).to_have_title(re.compile(r"^Erreur : Adresse"))
    expect(page.get_by_role("alert")).to_contain_text("Le code postal comporte 5 chiffres.")
    expect(page.get_by_label("Code postal")).to_have_attribute("aria-invalid", "true")
    verifier_accessibilite(page)
    capturer(page, "demande-adresse-erreur")

    page.get_by_label("Code postal").fill("73350")
    page.get_by_role("button", name="Envoyer la demande").click()

    # De retour sur « Mon compte » : la demande attend, l'adresse n'a pas changé.
    expect(page).to_have_url(re.compile(r"/mon-compte/$"))
    expect(page.get_by_text("Votre demande a été transmise au service enfance")).to_be_visible()
    adresse = bloc_adresse(page)
    expect(adresse.get_by_text("Demande en attente")).to_be_visible()
    expect(adresse.get_by_text("12 RUE DES BONBONS")).to_be_visible()
    expect(adresse.get_by_text("5 RUE DES ÉCOLES")).to_be_visible()
    expect(adresse.get_by_role("link", name=re.compile("Demander une modification"))).to_have_count(
        0
    )
    verifier_accessibilite(page)
    capturer(page, "demande-adresse-en-attente")

    # L'agent la valide dans l'administration.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Nom d’utilisateur").fill("agent")
    page.get_by_label("Mot de passe").fill("Vanoise2015")
    page.get_by_role("button", name="Connexion").click()
    page.goto(f"{live_server.url}/admin/demandes/demande/?statut__exact=en_attente")
    ligne = page.locator("#result_list tbody tr", has_text="Code postal")
    ligne.get_by_role("link").first.click()
    expect(page.get_by_text("5 RUE DES ÉCOLES")).to_be_visible()
    capturer(page, "admin-demande-adresse")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Demande validée : la fiche est modifiée")).to_be_visible()

    # Le parent voit sa nouvelle adresse et la demande acceptée.
    page.context.clear_cookies()
    se_connecter(page, live_server)
    page.get_by_role("link", name="Mon compte").click()
    adresse = bloc_adresse(page)
    expect(adresse.get_by_text("5 RUE DES ÉCOLES")).to_be_visible()
    expect(adresse.get_by_text("73350")).to_be_visible()
    expect(adresse.get_by_text("Demande en attente")).to_have_count(0)

    page.get_by_role("link", name="Liste des demandes").click()
    acceptees = page.get_by_role("region", name="Demandes acceptées")
    expect(acceptees.get_by_role("cell", name=re.compile("5 RUE DES ÉCOLES"))).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "demandes-acceptee")

    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert sans_defilement_horizontal(page)
    verifier_accessibilite(page)
    capturer(page, "mobile-demandes-acceptee")
