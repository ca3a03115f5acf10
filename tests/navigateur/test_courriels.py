"""La file d'envoi dans Chromium : un parent demande un nouveau mot de passe pendant que le
serveur SMTP est en panne ; l'agent voit le courriel « à réessayer » et l'erreur dans
l'administration, puis le réessaie une fois le serveur revenu : il part, une fois."""

import re

from playwright.sync_api import expect

from tests.courriels.smtp import ServeurSmtp, port_libre, regler_smtp


def test_l_agent_suit_un_courriel_refuse_puis_le_reessaie(
    page, live_server, demo, file_courriels, settings, capturer
):
    port = port_libre()
    regler_smtp(settings, port)

    # Le parent demande un lien ; le serveur SMTP refuse la connexion.
    page.goto(f"{live_server.url}/mot-de-passe/oublie/")
    page.get_by_label("Adresse électronique").fill("jean.dupont@wanadoo.fr")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page).to_have_url(re.compile(r"/mot-de-passe/oublie/envoye/$"))
    assert file_courriels().a_reessayer == 1

    # L'agent le voit dans l'administration, avec l'erreur du serveur.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Nom d’utilisateur").fill("agent")
    page.get_by_label("Mot de passe").fill("Vanoise2015")
    page.get_by_role("button", name="Connexion").click()
    page.get_by_role("link", name="Courriels").last.click()
    ligne = page.locator("#result_list tbody tr", has_text="jean.dupont@wanadoo.fr")
    expect(ligne).to_contain_text("à réessayer")
    expect(ligne).to_contain_text("Connection refused")
    capturer(page, "admin-courriels-a-reessayer")
    ligne.get_by_role("link").first.click()
    expect(page.get_by_text("ConnectionRefusedError")).to_be_visible()
    expect(page.get_by_text("/mot-de-passe/reinitialiser/")).to_have_count(0)
    capturer(page, "admin-courriel-essais")

    # Le serveur revient : « Réessayer maintenant », et le courriel part au passage suivant.
    with ServeurSmtp(port) as serveur:
        page.go_back()
        ligne.get_by_role("checkbox").check()
        page.locator("select[name=action]").select_option("reessayer")
        page.get_by_role("button", name="Envoyer").click()
        expect(page.get_by_text("1 courriel(s) remis en file")).to_be_visible()
        assert file_courriels().envoyes == 1
    page.reload()
    expect(
        page.locator("#result_list tbody tr", has_text="jean.dupont@wanadoo.fr")
    ).to_contain_text("envoyé")
    capturer(page, "admin-courriels-envoye")
    assert [recu["To"] for recu in serveur.recus] == ["jean.dupont@wanadoo.fr"]
