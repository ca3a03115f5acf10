"""La première connexion dans Chromium : l'agent remet à Jean Dupont un mot de passe provisoire
dans l'administration ; Jean se connecte avec lui, n'atteint que la page du nouveau mot de passe,
se trompe une fois (la règle du portail), choisit le sien et arrive sur l'Accueil ; le mot de
passe provisoire ne vaut plus rien. axe-core sur chaque page montrée, et aucune violation de la
politique de sécurité du contenu."""

import re

from playwright.sync_api import expect

from tests.navigateur.conftest import se_connecter
from tests.navigateur.test_securite_navigateur import surveiller_la_politique

PROVISOIRE = "Provisoire2026"
PERSONNEL = "Chamois2027"


def donner_un_mot_de_passe_provisoire(page, live_server):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Nom d’utilisateur").fill("agent")
    page.get_by_label("Mot de passe").fill("Vanoise2015")
    page.get_by_role("button", name="Connexion").click()
    page.goto(f"{live_server.url}/admin/familles/utilisateur/?q=jean.dupont")
    page.get_by_role("link", name="jean.dupont", exact=True).click()
    page.get_by_role("link", name="Réinitialiser le mot de passe").click()
    page.get_by_label(re.compile("^Mot de passe")).fill(PROVISOIRE)
    page.get_by_label(re.compile("^Confirmation du mot de passe")).fill(PROVISOIRE)
    page.get_by_role("button", name="Modifier le mot de passe").click()
    expect(page.locator(".messagelist")).to_contain_text("Mot de passe modifié")
    page.context.clear_cookies()


def test_a_la_premiere_connexion_le_parent_choisit_son_mot_de_passe(
    page, live_server, demo, verifier_accessibilite, capturer
):
    violations = surveiller_la_politique(page)
    donner_un_mot_de_passe_provisoire(page, live_server)

    # Connecté avec le mot de passe provisoire : la seule page ouverte est celle du nouveau.
    se_connecter(page, live_server, mot_de_passe=PROVISOIRE)
    expect(page).to_have_url(re.compile(r"/mot-de-passe/nouveau/$"))
    expect(page.get_by_role("heading", name="Choisir un nouveau mot de passe")).to_be_visible()
    menu = page.get_by_role("navigation", name="Menu principal")
    expect(menu.get_by_role("button", name="Déconnexion")).to_be_visible()
    expect(menu.get_by_role("link")).to_have_count(0)
    expect(page.get_by_label("Ancien mot de passe")).to_have_count(0)
    verifier_accessibilite(page)
    capturer(page, "premiere-connexion")

    page.goto(f"{live_server.url}/releve/")
    expect(page).to_have_url(re.compile(r"/mot-de-passe/nouveau/$"))

    # Un mot de passe hors de la règle est refusé, avec son message.
    page.get_by_label("Nouveau mot de passe", exact=True).fill("chamois2027")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("chamois2027")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(
        page.get_by_text("Le mot de passe doit contenir au moins une majuscule.")
    ).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    verifier_accessibilite(page)
    capturer(page, "premiere-connexion-erreur")

    page.get_by_label("Nouveau mot de passe", exact=True).fill(PERSONNEL)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(PERSONNEL)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.get_by_text("Votre mot de passe a été enregistré.")).to_be_visible()
    expect(page.get_by_role("link", name="Accueil")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name="Mon compte")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "premiere-connexion-accueil")

    # Déconnecté, le provisoire ne vaut plus rien ; le nouveau ouvre l'Accueil, sans détour.
    page.get_by_role("button", name="Déconnexion").click()
    expect(page).to_have_url(re.compile(r"/connexion/$"))
    se_connecter(page, live_server, mot_de_passe=PROVISOIRE)
    expect(page.get_by_text("Identifiant ou mot de passe incorrect.")).to_be_visible()
    se_connecter(page, live_server, mot_de_passe=PERSONNEL)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Bienvenue JEAN DUPONT")).to_be_visible()

    assert violations == []
