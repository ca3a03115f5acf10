"""La Boîte de réception et Infos./Documents dans Chromium : lire le message non lu de la
démonstration, écrire au service (avec ses erreurs), télécharger un formulaire."""

import re

import pytest
from playwright.sync_api import expect

from tests.navigateur.conftest import sans_defilement_horizontal, se_connecter

PDF = b"%PDF-1.4\n%%EOF\n"


def test_un_parent_lit_son_message_et_ecrit_au_service(
    page, live_server, demo, verifier_accessibilite, capturer, tmp_path
):
    se_connecter(page, live_server)
    page.get_by_role("link", name="Boîte de réception", exact=True).click()
    expect(page.get_by_text("vous avez 1 nouveau(x) message(s)")).to_be_visible()
    ligne = page.get_by_role("row", name=re.compile("Inscriptions aux vacances d'hiver"))
    expect(ligne.get_by_text("Non lu")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "boite")

    ligne.get_by_role("link", name="Inscriptions aux vacances d'hiver").click()
    expect(page.get_by_role("heading", name="Inscriptions aux vacances d'hiver")).to_be_visible()
    expect(page.get_by_text("Les inscriptions à l'Accueil de Loisirs")).to_be_visible()
    expect(page.get_by_text("vous avez 0 nouveau(x) message(s)")).to_be_visible()
    expect(page.get_by_role("link", name="Boîte de réception", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    verifier_accessibilite(page)
    capturer(page, "message")

    page.get_by_role("link", name="Retour à la Boîte de réception").click()
    page.get_by_role("link", name="Écrire au service").first.click()
    faux = tmp_path / "attestation.pdf"
    faux.write_text("Un simple texte renommé en PDF.")
    page.get_by_label("Pièce jointe").set_input_files(faux)
    page.get_by_role("button", name="Envoyer au service").click()
    expect(page.get_by_text("Indiquez le sujet de votre message.")).to_be_visible()
    expect(page.get_by_text("Écrivez votre message.")).to_be_visible()
    expect(page.get_by_text("Ce fichier n'est ni un PDF, ni une image PNG ou JPEG")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "ecrire-erreurs")

    vrai = tmp_path / "Attestation CAF.pdf"
    vrai.write_bytes(PDF)
    page.get_by_label("Sujet").fill("Attestation CAF")
    page.get_by_label("Votre message").fill("Bonjour,\nVoici notre attestation CAF.")
    page.get_by_label("Pièce jointe").set_input_files(vrai)
    page.get_by_role("button", name="Envoyer au service").click()
    expect(page.get_by_text("Votre message a été envoyé au service enfance.")).to_be_visible()
    expect(page.get_by_role("heading", name="Attestation CAF")).to_be_visible()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Attestation_CAF.pdf").click()
    assert telechargement.value.suggested_filename == "Attestation_CAF.pdf"

    page.get_by_role("link", name="Boîte de réception", exact=True).click()
    expect(page.get_by_role("row", name=re.compile("Attestation CAF"))).to_contain_text(
        "Envoyé, pas encore lu par le service"
    )


def test_un_parent_consulte_les_infos_et_telecharge_un_formulaire(
    page, live_server, demo, verifier_accessibilite, capturer
):
    se_connecter(page, live_server)
    page.get_by_role("link", name="Infos./Documents").click()
    expect(page.get_by_role("heading", name="Infos./Documents", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Programme de l'Accueil de Loisirs")).to_be_visible()
    expect(page.get_by_role("link", name="https://www.valvanoise.fr")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "infos")

    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Fiche d'inscription (à imprimer)").click()
    assert telechargement.value.suggested_filename.endswith(".pdf")


@pytest.mark.parametrize("chemin", ["/messages/", "/messages/ecrire/", "/infos/"])
def test_les_pages_des_messages_tiennent_sur_un_telephone(
    page, live_server, demo, verifier_accessibilite, capturer, chemin
):
    page.set_viewport_size({"width": 360, "height": 740})
    se_connecter(page, live_server)
    page.goto(f"{live_server.url}{chemin}")
    if chemin == "/messages/ecrire/":
        page.get_by_role("button", name="Envoyer au service").click()
        expect(page.get_by_text("Indiquez le sujet de votre message.")).to_be_visible()
    assert sans_defilement_horizontal(page)
    verifier_accessibilite(page)
    capturer(page, f"mobile-{chemin.strip('/').replace('/', '-')}")


def test_un_message_tient_sur_un_telephone(page, live_server, demo, verifier_accessibilite):
    page.set_viewport_size({"width": 360, "height": 740})
    se_connecter(page, live_server)
    page.goto(f"{live_server.url}/messages/")
    page.get_by_role("link", name="Inscriptions aux vacances d'hiver").click()
    expect(page.get_by_role("heading", name="Répondre")).to_be_visible()
    assert sans_defilement_horizontal(page)
    verifier_accessibilite(page)
