"""Le planning dans Chromium : un parent ouvre le planning de Lucas, réserve un jour puis
déclare une absence au clavier seul (Tab, Entrée, la saisie ; jamais la souris) et voit les
cases changer ; la grille, la page d'un jour, la confirmation et la page « Réserver plusieurs
jours » (vierge et en erreur) passent axe-core ; sur un
téléphone de 360 pixels, la grille défile dans son cadre et la page jamais de côté."""

import re

from playwright.sync_api import expect

from tests.navigateur.conftest import (
    sans_defilement_horizontal,
    se_connecter_au_clavier,
    tabuler_jusqu_a,
)

# Les lignes acceptées aussitôt par le service (les vacances attendent le service).
LIGNES_IMMEDIATES = ("Garderie matin", "Restauration scolaire", "ALSH Mercredi après-midi")


def case_reservable(page):
    """La première case libre d'une ligne acceptée aussitôt, ou None."""
    for nom in LIGNES_IMMEDIATES:
        ligne = page.locator("tr", has=page.locator("th", has_text=nom))
        cases = ligne.locator('a[data-actions="reserver"]')
        if cases.count():
            return cases.first
    return None


def ouvrir_le_planning_au_clavier(page, live_server):
    se_connecter_au_clavier(page, live_server)
    tabuler_jusqu_a(page, page.get_by_role("link", name="Mes enfants"))
    page.keyboard.press("Enter")
    tabuler_jusqu_a(page, page.get_by_role("link", name="Lucas"))
    page.keyboard.press("Enter")
    tabuler_jusqu_a(page, page.get_by_role("link", name="Planning"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Planning"))).to_be_visible()


def test_un_parent_reserve_puis_declare_une_absence_au_clavier_seul(
    page, live_server, demo, verifier_accessibilite, capturer
):
    ouvrir_le_planning_au_clavier(page, live_server)
    verifier_accessibilite(page)
    capturer(page, "planning")

    case = case_reservable(page)
    if case is None:  # fin de mois : le mois suivant a des jours à réserver
        tabuler_jusqu_a(page, page.get_by_role("link", name=re.compile("^Mois suivant")))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name=re.compile("^Planning"))).to_be_visible()
        case = case_reservable(page)
    adresse = case.get_attribute("href")
    jour = case.locator(".visually-hidden").inner_text().split(" :")[0]

    # Réserver : la case, la page du jour, le bouton.
    tabuler_jusqu_a(page, case)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Que souhaitez-vous faire ?")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "planning-jour")
    tabuler_jusqu_a(page, page.get_by_role("button", name="Demander une réservation"))
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("^Réservation enregistrée pour le"))).to_be_visible()
    reservee = page.locator(f'a[href="{adresse}"]')
    expect(reservee).to_have_attribute("title", f"{jour} : réservé")
    expect(reservee.locator('[aria-hidden="true"]')).to_have_text("R")

    # Déclarer une absence : la raison, puis la confirmation.
    tabuler_jusqu_a(page, reservee)
    page.keyboard.press("Enter")
    tabuler_jusqu_a(page, page.get_by_label("Raison de l'absence"))
    page.keyboard.type("Rendez-vous chez le médecin")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Confirmer l'absence")).to_be_visible()
    expect(page.get_by_text("Rendez-vous chez le médecin")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "planning-absence-confirmer")
    tabuler_jusqu_a(page, page.get_by_role("button", name="Confirmer l'absence"))
    page.keyboard.press("Enter")

    expect(page.get_by_text(re.compile("^Absence enregistrée pour le"))).to_be_visible()
    absente = page.locator(f'a[href="{adresse}"]')
    expect(absente).to_have_attribute("title", f"{jour} : absent excusé")
    expect(absente.locator('[aria-hidden="true"]')).to_have_text("AE")
    verifier_accessibilite(page)


def test_le_clic_droit_ouvre_un_menu_des_actions_de_la_case(page, live_server, demo):
    se_connecter_au_clavier(page, live_server)
    page.goto(f"{live_server.url}/mes-enfants/")
    page.get_by_role("link", name="Lucas").click()
    page.get_by_role("link", name="Planning").click()
    page.get_by_role("link", name=re.compile("^Mois suivant")).click()
    case = case_reservable(page)

    case.click(button="right")

    menu = page.get_by_role("menu")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Demander une réservation")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(case).to_be_focused()

    case.click(button="right")
    page.get_by_role("menuitem", name="Demander une réservation").click()
    expect(page.get_by_text(re.compile("^Réservation enregistrée pour le"))).to_be_visible()


def test_le_planning_tient_sur_un_telephone_de_360_pixels(
    page, live_server, demo, verifier_accessibilite, capturer
):
    page.set_viewport_size({"width": 360, "height": 740})
    se_connecter_au_clavier(page, live_server)
    page.goto(f"{live_server.url}/mes-enfants/")
    page.get_by_role("link", name="Lucas").click()
    page.get_by_role("link", name="Planning").click()

    cadre = page.get_by_role("region", name=re.compile("^Planning de Lucas DUPONT"))
    expect(cadre).to_be_visible()
    assert sans_defilement_horizontal(page)
    assert cadre.evaluate("cadre => cadre.scrollWidth > cadre.clientWidth")  # elle défile
    verifier_accessibilite(page)
    capturer(page, "mobile-planning")

    page.get_by_role("link", name="Réserver plusieurs jours").click()
    expect(page.get_by_role("heading", name="Réserver plusieurs jours")).to_be_visible()
    assert sans_defilement_horizontal(page)
    verifier_accessibilite(page)
    capturer(page, "mobile-planning-plusieurs-jours")
    page.get_by_role("button", name="Réserver ces jours").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert sans_defilement_horizontal(page)


def test_reserver_plusieurs_jours_recapitule_ce_qui_est_fait(
    page, live_server, demo, verifier_accessibilite, capturer
):
    se_connecter_au_clavier(page, live_server)
    page.goto(f"{live_server.url}/mes-enfants/")
    page.get_by_role("link", name="Lucas").click()
    page.get_by_role("link", name="Planning").click()

    page.get_by_role("link", name="Réserver plusieurs jours").click()
    expect(page.get_by_role("heading", name="Réserver plusieurs jours")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "planning-plusieurs-jours-formulaire")

    # Envoyé vide : la même page, les erreurs en tête, chacune liée à son champ.
    page.get_by_role("button", name="Réserver ces jours").click()
    expect(page).to_have_title(re.compile("^Erreur : Réserver plusieurs jours"))
    expect(page.get_by_role("alert")).to_contain_text("Cochez au moins un jour de la semaine.")
    verifier_accessibilite(page)
    capturer(page, "planning-plusieurs-jours-erreurs")

    page.get_by_label("Prestation", exact=True).select_option(
        label="Accueil de Loisirs — ALSH Mercredi journée"
    )
    page.get_by_label("Mercredi").check()
    debut = page.get_by_label("Du", exact=True).get_attribute("min")
    page.get_by_label("Du", exact=True).fill(debut)
    page.get_by_label("Au", exact=True).fill(f"{int(debut[:4]) + 1}{debut[4:]}")
    page.get_by_role("button", name="Réserver ces jours").click()

    expect(page.get_by_role("heading", name="Réservation de plusieurs jours")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Réservés \(\d+\)"))).to_be_visible()
    expect(page.get_by_text("n'a lieu qu'en période scolaire").first).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "planning-plusieurs-jours")
