"""« Mes enfants » dans Chromium : un parent ouvre la fiche de Lucas et ajoute une personne
autorisée au clavier seul ; chaque page de la fiche passe axe-core, y compris un formulaire
en erreur, et tient sur un téléphone de 360 pixels."""

import re

from playwright.sync_api import expect

from demandes.models import Demande
from demandes.services import creer_demande
from enfants.models import Enfant, Vaccination
from tests.navigateur.conftest import (
    sans_defilement_horizontal,
    se_connecter_au_clavier,
    tabuler_jusqu_a,
)


def focus_visible(page):
    return page.evaluate("getComputedStyle(document.activeElement).outlineStyle !== 'none'")


def test_un_parent_ajoute_une_personne_autorisee_au_clavier_seul(
    page, live_server, demo, verifier_accessibilite, capturer
):
    se_connecter_au_clavier(page, live_server)

    tabuler_jusqu_a(page, page.get_by_role("link", name="Mes enfants"))
    assert focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Mes enfants")).to_be_visible()

    tabuler_jusqu_a(page, page.get_by_role("link", name="Lucas"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Lucas DUPONT")).to_be_visible()

    tabuler_jusqu_a(page, page.get_by_role("link", name="Personnes autorisées"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Monique DUPONT")).to_be_visible()

    ajouter = page.get_by_text("Ajouter une personne autorisée")
    tabuler_jusqu_a(page, ajouter)
    assert focus_visible(page)
    page.keyboard.press("Enter")
    tabuler_jusqu_a(page, page.get_by_label("Nom", exact=True))
    page.keyboard.type("DUPONT")
    page.keyboard.press("Tab")
    page.keyboard.type("Odette")
    page.keyboard.press("Tab")
    page.keyboard.type("Grand-mère")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("0698765432")
    tabuler_jusqu_a(page, page.get_by_role("button", name="Envoyer la demande"))
    page.keyboard.press("Enter")

    expect(page.get_by_text("Votre demande a été transmise au service enfance.")).to_be_visible()
    odette = page.locator(".element", has=page.get_by_role("heading", name="Odette DUPONT"))
    expect(odette.get_by_text("Demande en attente")).to_be_visible()
    expect(odette.get_by_text("06 98 76 54 32")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "mes-enfants-personne-en-attente")


def test_les_pages_de_la_fiche_sont_accessibles_meme_en_erreur(
    page, live_server, demo, verifier_accessibilite, capturer
):
    se_connecter_au_clavier(page, live_server)
    page.goto(f"{live_server.url}/mes-enfants/")
    verifier_accessibilite(page)
    page.get_by_role("link", name="Lucas").press("Enter")
    fiche = re.sub(r"/$", "", page.url)

    for chemin, nom in (
        ("/", "identite"),
        ("/personnes-autorisees/", "personnes"),
        ("/donnees-sanitaires/", "sanitaire"),
        ("/autorisations/", "autorisations"),
    ):
        page.goto(fiche + chemin)
        verifier_accessibilite(page)
        capturer(page, f"mes-enfants-{nom}")

    page.goto(fiche + "/personnes-autorisees/")
    page.get_by_text("Ajouter une personne autorisée").press("Enter")
    page.get_by_label("Nom", exact=True).fill("DUPONT")
    page.get_by_label("Mobile").fill("06 12")
    page.get_by_role("button", name="Envoyer la demande").press("Enter")
    expect(page.get_by_text("Le formulaire contient des erreurs")).to_be_visible()
    expect(page.get_by_label("Mobile")).to_have_attribute("aria-invalid", "true")
    verifier_accessibilite(page)
    capturer(page, "mes-enfants-formulaire-en-erreur")

    page.goto(f"{live_server.url}/mes-enfants/ajouter/")
    page.get_by_role("button", name="Envoyer la demande d'inscription").press("Enter")
    expect(page.get_by_text("Le formulaire contient des erreurs")).to_be_visible()
    verifier_accessibilite(page)


def demandes_en_attente_pour_lucas():
    lucas = Enfant.objects.get(prenom="Lucas")
    famille, jean = lucas.famille, lucas.famille.titulaire.utilisateur
    creer_demande(
        famille=famille,
        type=Demande.Type.ENFANT,
        par=jean,
        cible=lucas,
        enfant=lucas,
        valeurs={"porte_lunettes": True, "classe": "CM2 — classe bilingue de Bozel"},
    )
    for n in range(3):
        creer_demande(
            famille=famille,
            type=Demande.Type.DONNEES_SANITAIRES,
            par=jean,
            modele=Vaccination,
            enfant=lucas,
            valeurs={"vaccin": f"Rappel {n}", "date": "2020-01-01"},
        )
    creer_demande(
        famille=famille,
        type=Demande.Type.NOUVEL_ENFANT,
        par=jean,
        modele=Enfant,
        valeurs={"nom": "DUPONT", "prenom": "Léa", "sexe": "F", "date_naissance": "2021-06-02"},
    )


def test_la_fiche_tient_sur_un_telephone_de_360_pixels(page, live_server, demo, capturer):
    demandes_en_attente_pour_lucas()
    page.set_viewport_size({"width": 360, "height": 740})
    se_connecter_au_clavier(page, live_server)
    page.goto(f"{live_server.url}/mes-enfants/")
    # 4 demandes, et la réservation de la démonstration qui attend le service.
    expect(page.get_by_text("5 demandes en attente")).to_be_visible()
    assert sans_defilement_horizontal(page)
    capturer(page, "mobile-mes-enfants-en-attente")
    page.get_by_role("link", name="Lucas").press("Enter")
    fiche = re.sub(r"/$", "", page.url)

    for chemin in ("/", "/personnes-autorisees/", "/donnees-sanitaires/", "/autorisations/"):
        page.goto(fiche + chemin)
        assert sans_defilement_horizontal(page), chemin
    page.get_by_text("Demander une modification").press("Enter")
    assert sans_defilement_horizontal(page)
    capturer(page, "mobile-mes-enfants-autorisations")
