"""« Mon dossier » dans Chromium : jean.dupont dépose son justificatif du quotient familial
(après un faux PDF refusé), l'agent le voit dans l'administration et l'accepte, le parent le
voit accepté ; la certification annuelle page par page. axe-core sur chaque page."""

import re

import pytest
from playwright.sync_api import expect

from tests.dossiers.fabriques import semer_types
from tests.navigateur.conftest import sans_defilement_horizontal, se_connecter

# Un PDF d'une page, minuscule mais valable.
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
QUOTIENT = "Justificatif du quotient familial"


@pytest.fixture(autouse=True)
def types_de_documents(transactional_db):
    """Les types de la migration, qu'un test transactionnel précédent a pu effacer."""
    semer_types()


def carte(page, titre):
    return page.locator(".dossier-document", has=page.get_by_role("heading", name=titre))


def test_un_parent_depose_un_document_que_l_agent_accepte(
    page, navigateur, live_server, demo, verifier_accessibilite, capturer, tmp_path
):
    se_connecter(page, live_server)
    expect(page.get_by_text(f"{QUOTIENT} — À fournir")).to_be_visible()
    page.get_by_role("link", name="Voir mon dossier et déposer un document").click()
    expect(page.get_by_role("heading", name=re.compile("Mon dossier 20"))).to_be_visible()
    expect(carte(page, QUOTIENT)).to_contain_text("À fournir")
    expect(carte(page, "Décision de justice sur la garde")).to_contain_text(
        "Le jugement transmis est illisible"
    )

    carte(page, QUOTIENT).get_by_role("link", name=re.compile("Déposer ce document")).click()
    expect(page.get_by_label("Document", exact=True)).to_have_value(re.compile(r"^\d+-0$"))
    faux = tmp_path / "quotient.pdf"
    faux.write_text("Un simple texte renommé en PDF.")
    page.get_by_label("Date du document").fill("2026-09-02")
    page.get_by_label("Fichier").set_input_files(faux)
    page.get_by_role("button", name="Envoyer le document").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Ce fichier n'est ni un PDF, ni une image PNG ou JPEG"
    )
    verifier_accessibilite(page)
    capturer(page, "dossier-erreur")

    vrai = tmp_path / "Attestation CAF.pdf"
    vrai.write_bytes(PDF)
    page.get_by_label("Fichier").set_input_files(vrai)
    page.get_by_role("button", name="Envoyer le document").click()
    expect(page.get_by_text("Votre document a été transmis au service enfance")).to_be_visible()
    expect(carte(page, QUOTIENT)).to_contain_text("Reçu, en cours de vérification")
    verifier_accessibilite(page)
    capturer(page, "dossier")

    agent = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    admin = agent.new_page()
    admin.goto(f"{live_server.url}/admin/")
    admin.get_by_label("Nom d’utilisateur").fill("agent")
    admin.get_by_label("Mot de passe").fill("Vanoise2015")
    admin.get_by_role("button", name="Connexion").click()
    admin.goto(f"{live_server.url}/admin/dossiers/piecedossier/")
    ligne = admin.get_by_role("row", name=re.compile(QUOTIENT))
    ligne.get_by_role("link", name="Vérifier et décider").click()
    expect(admin.locator("iframe.apercu-document")).to_be_visible()
    capturer(admin, "admin-document")
    admin.get_by_role("button", name="Valider").click()
    expect(admin.get_by_text("Demande validée")).to_be_visible()
    agent.close()

    page.reload()
    expect(carte(page, QUOTIENT)).to_contain_text("Accepté")
    expect(carte(page, QUOTIENT)).to_contain_text("valable jusqu'au 31/08/2027")


def test_un_parent_certifie_sa_fiche_page_par_page(
    page, live_server, demo, verifier_accessibilite, capturer
):
    se_connecter(page, live_server)
    page.get_by_role("link", name="Confirmer les informations de ma famille").click()
    expect(page.get_by_role("heading", name=re.compile("Fiche de la famille"))).to_be_visible()
    verifier_accessibilite(page)
    capturer(page, "certification")
    page.get_by_role("link", name="Commencer").click()

    for rang, titre in enumerate(
        (
            "Ma famille : responsables et informations",
            "Lucas : identité et autorisations",
            "Lucas : données sanitaires",
            "Lucas : personnes autorisées",
            "Léa : identité et autorisations",
            "Léa : données sanitaires",
            "Léa : personnes autorisées",
        ),
        start=1,
    ):
        expect(page.get_by_role("heading", name=titre, level=1)).to_be_visible()
        expect(page.get_by_text(f"Page {rang} sur 7").first).to_be_visible()
        verifier_accessibilite(page)
        capturer(page, f"certification-{rang}")
        page.get_by_role("button", name="Je confirme ces informations").click()

    expect(page.get_by_text("la fiche de votre famille est certifiée")).to_be_visible()
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Accueil"
    ).click()
    expect(page.get_by_text("avant de réserver")).to_have_count(0)


def test_mon_dossier_tient_sur_un_telephone(page, live_server, demo, verifier_accessibilite):
    page.set_viewport_size({"width": 360, "height": 800})
    se_connecter(page, live_server)
    page.goto(f"{live_server.url}/mon-dossier/")

    expect(carte(page, QUOTIENT)).to_be_visible()
    assert sans_defilement_horizontal(page)
    verifier_accessibilite(page)
