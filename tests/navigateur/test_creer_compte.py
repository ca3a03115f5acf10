"""« Créer mon compte » dans Chromium : depuis la connexion, le formulaire (une erreur de mot
de passe d'abord), le lien du courriel lu dans la file d'envoi, la confirmation, la connexion
et la page « dossier en cours de validation » ; l'agent valide le compte dans l'administration
et la famille arrive sur l'Accueil. axe-core sur chaque page, à 1280 et 360 pixels, sans
violation de la politique de sécurité du contenu."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.navigateur.conftest import sans_defilement_horizontal, se_connecter
from tests.navigateur.test_securite_navigateur import surveiller_la_politique

ADRESSE = "lea.bernard@exemple.fr"


@pytest.mark.parametrize("largeur", [1280, 360])
def test_une_famille_cree_son_compte_et_attend_la_validation(
    page, live_server, demo, verifier_accessibilite, capturer, largeur
):
    page.set_viewport_size({"width": largeur, "height": 900})
    violations = surveiller_la_politique(page)
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("link", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Créer mon compte famille")).to_be_visible()
    verifier_accessibilite(page)
    assert sans_defilement_horizontal(page)

    page.get_by_label("Nom", exact=True).fill("Bernard")
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Date de naissance").fill("1988-04-12")
    page.get_by_label("Adresse électronique").fill(ADRESSE)
    page.get_by_label("Mot de passe", exact=True).fill("montagne")
    page.get_by_label("Confirmation du mot de passe").fill("montagne")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("au moins une majuscule")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, f"creer-compte-erreur-{largeur}")

    page.get_by_label("Mot de passe", exact=True).fill("Montagne2026")
    page.get_by_label("Confirmation du mot de passe").fill("Montagne2026")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    verifier_accessibilite(page)

    (courriel,) = [c for c in mail.outbox if c.to == [ADRESSE]]
    lien = re.search(r"http://\S+/creer-mon-compte/confirmer/\S+/", courriel.body).group(0)
    page.goto(live_server.url + "/" + lien.split("/", 3)[3])
    expect(page.get_by_text(ADRESSE)).to_be_visible()
    verifier_accessibilite(page)
    page.get_by_role("button", name="Confirmer mon adresse et créer mon compte").click()
    expect(page.get_by_text("Votre adresse est confirmée")).to_be_visible()

    se_connecter(page, live_server, identifiant=ADRESSE, mot_de_passe="Montagne2026")
    expect(page.get_by_role("heading", name="Dossier en cours de validation")).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu principal").get_by_role("link")).to_have_count(
        0
    )
    verifier_accessibilite(page)
    assert sans_defilement_horizontal(page)
    capturer(page, f"compte-en-validation-{largeur}")
    page.goto(f"{live_server.url}/mes-enfants/")
    expect(page.get_by_role("heading", name="Dossier en cours de validation")).to_be_visible()

    # Le lien ne sert qu'une fois.
    page.goto(live_server.url + "/" + lien.split("/", 3)[3])
    expect(page.get_by_text("Ce lien a déjà servi")).to_be_visible()
    verifier_accessibilite(page)
    page.context.clear_cookies()

    # L'agent valide le compte ; la famille arrive sur l'Accueil.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Nom d’utilisateur").fill("agent")
    page.get_by_label("Mot de passe").fill("Vanoise2015")
    page.get_by_role("button", name="Connexion").click()
    page.goto(f"{live_server.url}/admin/familles/famille/?etat__exact=en_validation")
    page.get_by_role("row", name=re.compile("BERNARD LÉA")).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(
        label="Valider le compte des familles sélectionnées"
    )
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".messagelist")).to_contain_text("1 compte(s) validé(s)")
    page.context.clear_cookies()

    se_connecter(page, live_server, identifiant=ADRESSE, mot_de_passe="Montagne2026")
    expect(page.get_by_text("Bienvenue LÉA BERNARD")).to_be_visible()
    assert not violations
