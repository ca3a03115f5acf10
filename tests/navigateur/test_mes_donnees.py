"""« Mes données » dans Chromium : Jean Dupont télécharge l'archive de ses données depuis Mon
compte, puis demande l'effacement ; l'agent voit la demande dans l'administration. axe-core
sur chaque page."""

import zipfile

from playwright.sync_api import expect

from tests.navigateur.conftest import se_connecter


def test_telecharger_mes_donnees_puis_demander_l_effacement(
    page, live_server, demo, verifier_accessibilite, capturer, tmp_path
):
    se_connecter(page, live_server)
    page.goto(f"{live_server.url}/mon-compte/")
    section = page.get_by_role("region", name="Mes données personnelles")
    verifier_accessibilite(page)

    with page.expect_download() as attente:
        section.get_by_role("link", name="Télécharger mes données").click()
    chemin = tmp_path / attente.value.suggested_filename
    attente.value.save_as(chemin)
    assert chemin.name.startswith("mes-donnees-1001001819331-")
    with zipfile.ZipFile(chemin) as archive:
        assert "responsables.json" in archive.namelist()
        assert "DUPONT" in archive.read("responsables.json").decode()

    section.get_by_role("link", name="Demander l'effacement de mes données").click()
    expect(page.get_by_role("heading", name="Ce qui sera conservé")).to_be_visible()
    verifier_accessibilite(page)
    page.get_by_role("button", name="Demander l'effacement").click()
    expect(page.get_by_text("Cochez la case pour confirmer votre demande.")).to_be_visible()
    verifier_accessibilite(page)
    page.get_by_label("J'ai lu ce qui sera effacé").check()
    page.get_by_role("button", name="Demander l'effacement").click()
    expect(page.get_by_text("Votre demande d'effacement a été transmise")).to_be_visible()
    expect(page.get_by_text("attend la décision du service enfance")).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "mes-donnees-effacement-demande")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Nom d’utilisateur").fill("agent")
    page.get_by_label("Mot de passe").fill("Vanoise2015")
    page.get_by_role("button", name="Connexion").click()
    page.goto(f"{live_server.url}/admin/demandes/demande/?type__exact=effacement")
    expect(page.get_by_text("Effacement des données").first).to_be_visible()
