"""Le harnais des tests dans un vrai navigateur : Playwright pilote le Chromium de Debian.

On ne télécharge jamais de navigateur (`playwright install`) : le portail est testé dans le
Chromium installé par le système (/usr/bin/chromium, paquet Debian `chromium`).
"""

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGUMENTS_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CAPTURES = Path(os.environ.get("CAPTURES", Path(__file__).resolve().parents[2] / "captures"))


def pytest_collection_modifyitems(items):
    for item in items:
        if "navigateur" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def navigateur():
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        message = f"Chromium introuvable ({CHROMIUM}) : apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright tourne une boucle asyncio dans le fil principal ; l'ORM de Django, appelé par
    # les fixtures pendant que le navigateur est ouvert, y verrait à tort un contexte asynchrone.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as playwright:
        navigateur = playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGUMENTS_CHROMIUM, headless=True
        )
        yield navigateur
        navigateur.close()


@pytest.fixture
def page(navigateur):
    contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    page = contexte.new_page()
    page.set_default_timeout(10_000)
    yield page
    contexte.close()


@pytest.fixture
def demo(transactional_db, settings):
    """Les données de démonstration (la commande refuse de tourner hors DEBUG)."""
    settings.DEBUG = True
    call_command("demo", verbosity=0)
    settings.DEBUG = False


@pytest.fixture
def verifier_accessibilite():
    """axe-core sur la page affichée : aucune violation admise."""
    axe = Axe()

    def verifier(page):
        resultats = axe.run(page)
        assert resultats.violations_count == 0, (
            f"{page.url} :\n{resultats.generate_snapshot()}\n{resultats.generate_report()}"
        )

    return verifier


@pytest.fixture
def capturer():
    """Garde une capture d'écran dans captures/ (pour les regarder, pas pour les comparer)."""

    def capturer(page, nom):
        CAPTURES.mkdir(exist_ok=True)
        page.screenshot(path=CAPTURES / f"{nom}.png", full_page=True)

    return capturer


@pytest.fixture(autouse=True)
def stockage_temporaire(settings, tmp_path):
    """Les fichiers déposés pendant le test (et le formulaire de la démonstration) vont dans
    un dossier temporaire, pas dans media/ du projet."""
    settings.MEDIA_ROOT = tmp_path / "media"


def se_connecter(page, live_server, identifiant="jean.dupont", mot_de_passe="Bonbons2015"):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant").fill(identifiant)
    page.get_by_label("Mot de passe", exact=True).fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()


def se_connecter_au_clavier(page, live_server):
    """La connexion de Jean Dupont sans souris : saisie, Tab, Entrée."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant").focus()
    page.keyboard.type("jean.dupont")
    page.keyboard.press("Tab")
    page.keyboard.type("Bonbons2015")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Bienvenue JEAN DUPONT")).to_be_visible()


def tabuler_jusqu_a(page, cible, essais=400):
    """Tab jusqu'à ce que `cible` ait le focus ; échoue si elle ne l'a jamais."""
    for _ in range(essais):
        page.keyboard.press("Tab")
        if cible.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Le focus n'atteint jamais {cible}")


def sans_defilement_horizontal(page):
    """Vrai quand rien ne dépasse la largeur de la fenêtre."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
