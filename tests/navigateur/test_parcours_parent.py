"""Le parcours d'un parent dans Chromium : connexion, Accueil, Mon compte, déconnexion."""

import re

import pytest
from playwright.sync_api import expect

from tests.navigateur.conftest import sans_defilement_horizontal, se_connecter


def test_un_parent_se_connecte_consulte_ses_pages_et_se_deconnecte(
    page, live_server, demo, verifier_accessibilite, capturer
):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/connexion/"))
    expect(page.get_by_role("heading", name="Compte famille")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "connexion")

    se_connecter(page, live_server)
    expect(
        page.get_by_text("Bienvenue JEAN DUPONT, vous avez 1 nouveau(x) message(s)")
    ).to_be_visible()
    expect(page.get_by_text("1001001819331").first).to_be_visible()
    expect(page.get_by_role("cell", name="AL-36", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Accueil")).to_have_attribute("aria-current", "page")
    verifier_accessibilite(page)
    capturer(page, "accueil")

    page.get_by_role("link", name="Mon compte").click()
    expect(page.get_by_role("link", name="Mon compte")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("12 RUE DES BONBONS")).to_be_visible()
    expect(page.get_by_text("Lotissement les bons bonbons")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "mon-compte")

    page.get_by_role("button", name="Déconnexion").click()
    expect(page).to_have_url(re.compile(r"/connexion/"))
    page.goto(f"{live_server.url}/mon-compte/")
    expect(page).to_have_url(re.compile(r"/connexion/"))


def test_un_mauvais_mot_de_passe_donne_un_message_generique(page, live_server, demo):
    se_connecter(page, live_server, mot_de_passe="Mauvais2015")
    expect(page.get_by_text("Identifiant ou mot de passe incorrect.")).to_be_visible()
    se_connecter(page, live_server, identifiant="personne.inconnue")
    expect(page.get_by_text("Identifiant ou mot de passe incorrect.")).to_be_visible()


@pytest.mark.parametrize(
    "chemin", ["/", "/mon-compte/", "/mes-enfants/", "/releve/", "/messages/", "/demandes/"]
)
def test_les_pages_tiennent_sur_un_telephone_de_360_pixels(
    page, live_server, demo, verifier_accessibilite, capturer, chemin
):
    page.set_viewport_size({"width": 360, "height": 740})
    se_connecter(page, live_server)
    page.goto(f"{live_server.url}{chemin}")
    assert sans_defilement_horizontal(page)
    verifier_accessibilite(page)
    capturer(page, f"mobile-{chemin.strip('/') or 'accueil'}")
