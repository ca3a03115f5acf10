"""Le tableau de bord, l'export et l'import des familles dans le Chromium de Debian : pages
accessibles (axe-core), sans violation de la politique de sécurité du contenu ; le tableau de
bord montre ses barres (capture : captures/tableau-de-bord.png)."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.navigateur.test_travaux import sans_violation, surveiller_la_politique


def se_connecter_agent(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("agent")
    page.get_by_label("Mot de passe").fill("Vanoise2015")
    page.get_by_role("button", name="Connexion").click()


def test_dashboard_export_and_import_pages_in_the_browser(page, live_server, demo, capturer):
    violations = surveiller_la_politique(page)
    se_connecter_agent(page, live_server)

    page.get_by_role("link", name="Tableau de bord").click()
    expect(
        page.get_by_role("img", name="Réservations par jour (toutes prestations)")
    ).to_be_visible()
    expect(page.get_by_role("img", name="Factures du mois selon leur paiement")).to_be_visible()
    capturer(page, "tableau-de-bord")
    sans_violation(page, violations)

    page.goto(f"{live_server.url}{reverse('admin:familles_famille_changelist')}")
    page.get_by_role("link", name="Exporter").click()
    with page.expect_download() as telechargement:
        page.get_by_role("button", name="Soumettre").click()
    assert telechargement.value.suggested_filename.endswith(".csv")
    sans_violation(page, violations)

    page.goto(f"{live_server.url}{reverse('admin:familles_famille_changelist')}")
    page.get_by_role("link", name="Importer des familles").click()
    expect(page.get_by_label("Fichier (CSV ou XLSX)")).to_be_visible()
    sans_violation(page, violations)
