"""La page « Travaux » dans le Chromium de Debian (Playwright) : accessible (axe-core), sans
violation de la politique de sécurité du contenu, et ce qui avance s'y remplace sur place tant
qu'un travail est actif (static/js/admin_travaux.js), sans recharger la page."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import UtilisateurFactory
from tests.travaux.taches import compter
from travaux.models import ErreurDeTravail, Travail


@pytest.fixture
def agent_connecte(page, live_server, transactional_db):
    agent = UtilisateurFactory(username="agent", is_staff=True, first_name="Eloïse")
    agent.set_password("Vanoise2015")
    agent.save()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("agent")
    page.get_by_label("Mot de passe").fill("Vanoise2015")
    page.get_by_role("button", name="Connexion").click()
    return agent


def surveiller_la_politique(page):
    violations = []

    def noter(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url} : {message.text}")

    page.on("console", noter)
    return violations


def sans_violation(page, violations_de_la_politique):
    """Ni violation de la politique de sécurité du contenu jusqu'ici, ni d'accessibilité
    (axe-core) ; celles que cause axe lui-même (ses styles injectés) ne comptent pas."""
    assert violations_de_la_politique == []
    resultats = Axe().run(page)
    assert resultats.violations_count == 0, resultats.generate_report()
    violations_de_la_politique.clear()


def test_the_jobs_pages_are_accessible_and_refresh_while_a_job_runs(
    page, live_server, agent_connecte
):
    violations = surveiller_la_politique(page)
    travail = Travail.objects.create(
        genre=Travail.Genre.FACTURATION,
        titre="Facturation de novembre 2026 — Régie garderie ALSH",
        tache=compter.module_path,
        unite="familles",
        etat=Travail.Etat.EN_COURS,
        fait=1250,
        total=4000,
        lance_par=agent_connecte,
    )
    ErreurDeTravail.objects.create(
        travail=travail,
        reference="famille:1",
        element="Famille n° 1001001820442 MARTIN",
        message="Pas d'adresse postale.",
    )

    page.goto(f"{live_server.url}{reverse('admin:travaux_travail_changelist')}")
    barre = page.get_by_role("progressbar", name="1 250 / 4 000 familles")
    assert barre.get_attribute("value") == "1250"
    sans_violation(page, violations)

    Travail.objects.filter(pk=travail.pk).update(fait=2000)
    page.get_by_role("progressbar", name="2 000 / 4 000 familles").wait_for(timeout=8_000)

    page.get_by_role("link", name=travail.titre).click()
    expect(page.get_by_role("progressbar", name="2 000 / 4 000 familles")).to_be_visible()
    expect(page.get_by_role("button", name="Relancer les éléments en erreur")).to_have_count(0)
    sans_violation(page, violations)
    page.evaluate("window.pasRecharge = true")
    Travail.objects.filter(pk=travail.pk).update(fait=4000, etat=Travail.Etat.TERMINE_AVEC_ERREURS)
    page.get_by_role("progressbar", name="4 000 / 4 000 familles").wait_for(timeout=8_000)
    assert page.evaluate("window.pasRecharge") is True  # remplacé sur place, pas rechargé
    expect(page.locator(".annonce-travail")).to_have_text("Travail terminé avec erreurs.")
    expect(page.get_by_role("link", name="Actualiser")).to_be_hidden()
    page.get_by_role("button", name="Relancer les éléments en erreur").click()
    expect(
        page.get_by_text("Le travail est relancé : ses éléments en erreur sont repris.")
    ).to_be_visible()
    assert Travail.objects.get(pk=travail.pk).etat == Travail.Etat.EN_ATTENTE
    sans_violation(page, violations)
    assert violations == []
