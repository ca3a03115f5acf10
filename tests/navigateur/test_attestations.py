"""« Mes attestations » dans Chromium : Jean Dupont télécharge l'attestation fiscale de l'an
dernier (les frais de garde de Léa) et voit en français pourquoi une période ne va pas."""

import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from tests.navigateur.conftest import sans_defilement_horizontal, se_connecter


def test_un_parent_telecharge_son_attestation_fiscale(
    page, live_server, demo, verifier_accessibilite, capturer, tmp_path
):
    annee = timezone.localdate().year - 1
    se_connecter(page, live_server)
    page.get_by_role("link", name="Relevé de compte", exact=True).click()
    page.get_by_role("link", name="Mes attestations").click()

    expect(page.get_by_role("heading", name="Attestation fiscale (frais de garde)")).to_be_visible()
    expect(page.get_by_label("Année civile")).to_have_value(str(annee))
    verifier_accessibilite(page)
    capturer(page, "mes-attestations")

    with page.expect_download() as telechargement:
        page.get_by_role("button", name="Télécharger l'attestation fiscale (PDF)").click()
    fichier = telechargement.value
    assert fichier.suggested_filename == f"attestation-fiscale-{annee}-1001001819331.pdf"
    chemin = Path(tmp_path) / fichier.suggested_filename
    fichier.save_as(chemin)
    assert chemin.read_bytes().startswith(b"%PDF-")

    page.reload()
    expect(page.get_by_role("link", name=f"Attestation fiscale {annee} (PDF)")).to_be_visible()

    # Une période à l'envers : l'erreur en français, à côté du formulaire.
    page.get_by_label("Du").fill(f"{annee}-08-31")
    page.get_by_label("Au").fill(f"{annee}-08-01")
    page.get_by_role("button", name="Télécharger l'attestation de présence (PDF)").click()
    expect(page.get_by_role("alert")).to_contain_text("La fin de la période est avant son début.")
    verifier_accessibilite(page)

    # Le mois d'août de Léa : l'attestation de présence se télécharge.
    page.get_by_label("Du").fill(f"{annee}-08-01")
    page.get_by_label("Au").fill(f"{annee}-08-31")
    with page.expect_download() as telechargement:
        page.get_by_role("button", name="Télécharger l'attestation de présence (PDF)").click()
    assert re.match(
        r"attestation-presence-1001001819331-\d{8}-\d{8}\.pdf",
        telechargement.value.suggested_filename,
    )

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/releve/attestations/")
    assert sans_defilement_horizontal(page)
    capturer(page, "mes-attestations-360")


def test_un_agent_emet_les_attestations_de_l_annee(
    page, live_server, demo, taches_immediates, verifier_accessibilite, capturer
):
    annee = timezone.localdate().year - 1
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("agent")
    page.get_by_label("Mot de passe").fill("Vanoise2015")
    page.get_by_role("button", name="Connexion").click()
    page.goto(f"{live_server.url}/admin/facturation/attestationfiscale/")

    page.get_by_role("link", name="Émettre les attestations fiscales d'une année…").click()
    expect(page.get_by_label("Année civile")).to_have_value(str(annee))
    verifier_accessibilite(page)
    page.get_by_role("button", name="Émettre et envoyer les attestations").click()

    expect(page.get_by_role("heading", name=f"Attestations fiscales {annee}")).to_be_visible()
    expect(page.get_by_text("Terminé", exact=True).first).to_be_visible()
    lien = page.get_by_role("link", name="Télécharger le PDF des attestations")
    reponse = page.request.get(f"{live_server.url}{lien.get_attribute('href')}")
    assert reponse.body().startswith(b"%PDF-")
    capturer(page, "admin-attestations-travail")

    page.goto(f"{live_server.url}/admin/facturation/attestationfiscale/")
    expect(page.get_by_role("row", name=re.compile("1001001819331"))).to_contain_text(str(annee))
    capturer(page, "admin-attestations")
