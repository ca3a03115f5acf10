"""La politique de sécurité du contenu dans Chromium : chaque page d'un parent s'affiche sans
une violation, le menu du clic droit du planning et le JavaScript de Bootstrap fonctionnent,
la facture PDF s'ouvre dans le lecteur du navigateur, la visionneuse de l'administration montre
le document déposé dans son cadre, et les pages de l'administration s'affichent sans violation.

Chaque violation est relevée deux fois : l'événement `securitypolicyviolation` du document
(transmis au test par une fonction exposée, que la politique ne bloque pas) et le message que
Chromium écrit dans la console.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from dossiers.documents import deposer_document
from familles.models import Famille, Message
from tests.dossiers.fabriques import QUOTIENT, semer_types, type_document
from tests.navigateur.conftest import se_connecter
from tests.navigateur.test_dossier import PDF
from tests.navigateur.test_planning import case_reservable
from tests.portail.test_securite import adresses_du_parent

ECOUTE = """
document.addEventListener("securitypolicyviolation", (evenement) => {
  window.violationDeLaPolitique({
    page: document.location.href,
    directive: evenement.violatedDirective,
    bloque: evenement.blockedURI,
    source: evenement.sourceFile,
    ligne: evenement.lineNumber,
    extrait: evenement.sample,
  });
});
"""


def surveiller_la_politique(page):
    """La liste, tenue à jour, des violations de la politique dans la page (et les suivantes)."""
    violations = []

    def relever(violation):
        violations.append(violation)

    page.expose_function("violationDeLaPolitique", relever)
    page.add_init_script(ECOUTE)
    page.on(
        "console",
        lambda message: (
            violations.append({"page": page.url, "console": message.text})
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return violations


def attendre_l_evenement(page, violations):
    """Jusqu'à 2 secondes, que l'événement d'une violation parvienne au test."""
    for _ in range(40):
        if any("directive" in violation for violation in violations):
            return
        page.wait_for_timeout(50)


@pytest.fixture(autouse=True)
def types_de_documents(transactional_db):
    """Les types de la migration, qu'un test transactionnel précédent a pu effacer."""
    semer_types()


def test_le_releve_des_violations_voit_un_style_en_ligne(page, live_server, demo):
    """Le témoin : un style posé en ligne est bien bloqué et relevé, si bien qu'une liste vide
    dans les autres tests veut dire « aucune violation »."""
    violations = surveiller_la_politique(page)
    se_connecter(page, live_server)
    expect(page.get_by_text("Bienvenue JEAN DUPONT")).to_be_visible()
    assert violations == []

    page.evaluate("document.querySelector('main').setAttribute('style', 'color: red')")

    attendre_l_evenement(page, violations)
    assert any(v.get("directive", "").startswith("style-src") for v in violations), violations
    assert any("Content Security Policy" in v.get("console", "") for v in violations)
    assert page.evaluate("getComputedStyle(document.querySelector('main')).color") != (
        "rgb(255, 0, 0)"
    )


def test_chaque_page_du_parent_s_affiche_sans_violation_de_la_politique(
    page, live_server, demo, settings
):
    dupont = Famille.objects.get(numero="1001001819331")
    Message.objects.create(
        famille=dupont,
        sens=Message.Sens.VERS_SERVICE,
        sujet="Certificat médical",
        corps="Voici le certificat de Lucas.",
        piece_jointe=ContentFile(PDF, name="certificat.pdf"),
    )
    # Les pages HTML qu'ouvre le parent (les téléchargements et les POST sont laissés de côté),
    # puis celles qu'ouvre un visiteur pas encore connecté.
    client = Client()
    client.force_login(dupont.titulaire.utilisateur)
    adresses = adresses_du_parent(dupont)
    connecte = [a for a in adresses if est_une_page(client.get(a))]
    client.logout()
    anonyme = [a for a in adresses if est_une_page(client.get(a))]
    assert len(connecte) > 40
    assert reverse("connexion") in anonyme

    violations = surveiller_la_politique(page)
    for adresse in anonyme:
        page.goto(f"{live_server.url}{adresse}")
    se_connecter(page, live_server)
    expect(page.get_by_text("Bienvenue JEAN DUPONT")).to_be_visible()
    for adresse in connecte:
        reponse = page.goto(f"{live_server.url}{adresse}")
        assert reponse.ok, adresse
        assert "Content-Security-Policy" in {nom.title() for nom in reponse.headers}
    page.goto(f"{live_server.url}/cette-page-n-existe-pas/")

    assert violations == []


def est_une_page(reponse):
    return reponse.status_code == 200 and reponse["Content-Type"].startswith("text/html")


def test_le_menu_du_planning_fonctionne_sous_la_politique(page, live_server, demo):
    violations = surveiller_la_politique(page)
    se_connecter(page, live_server)
    page.get_by_role("link", name="Mes enfants").click()
    page.get_by_role("link", name="Lucas").click()
    page.get_by_role("link", name="Planning").click()
    page.get_by_role("link", name=re.compile("^Mois suivant")).click()
    case = case_reservable(page)

    # Le menu du clic droit (static/js/planning.js), placé par le script à côté de la case.
    case.click(button="right")
    menu = page.get_by_role("menu")
    expect(menu).to_be_visible()
    assert menu.evaluate("menu => menu.style.top") != ""
    expect(menu.get_by_role("menuitem", name="Demander une réservation")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    case.click(button="right")
    page.get_by_role("menuitem", name="Demander une réservation").click()
    expect(page.get_by_text(re.compile("^Réservation enregistrée pour le"))).to_be_visible()

    assert violations == []


def test_la_facture_pdf_s_ouvre_dans_le_lecteur_du_navigateur(page, live_server, demo):
    violations = surveiller_la_politique(page)
    se_connecter(page, live_server)
    page.get_by_role("link", name="Relevé de compte", exact=True).click()

    with page.expect_response(re.compile(r"/factures/\d+/pdf/$")) as attendue:
        page.get_by_role("link", name="Facture AL-36 (PDF)").click()

    reponse = attendue.value
    assert reponse.status == 200
    assert reponse.headers["content-type"] == "application/pdf"
    assert reponse.headers["content-disposition"].startswith("inline;")
    expect(page).to_have_url(re.compile(r"/factures/\d+/pdf/$"))
    # Le lecteur PDF de Chromium s'est ouvert : la politique de la réponse ne l'a pas bloqué.
    expect_lecteur_pdf(page)
    assert page.request.get(page.url).body().startswith(b"%PDF-")
    assert violations == []


def expect_lecteur_pdf(page_ou_cadre):
    """Le lecteur PDF de Chromium (une extension du navigateur) s'ouvre dans la page."""
    page = getattr(page_ou_cadre, "page", page_ou_cadre)
    for _ in range(100):
        if any(cadre.url.startswith("chrome-extension://") for cadre in page.frames):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"Pas de lecteur PDF : {[cadre.url for cadre in page.frames]}")


def test_la_visionneuse_de_l_administration_affiche_le_document_dans_son_cadre(
    page, live_server, demo
):
    dupont = Famille.objects.get(numero="1001001819331")
    demande = deposer_document(
        famille=dupont,
        type_document=type_document(QUOTIENT),
        enfant=None,
        fichier=SimpleUploadedFile("attestation.pdf", PDF, content_type="application/pdf"),
        date_document=timezone.localdate(),
        par=dupont.titulaire.utilisateur,
    )
    violations = surveiller_la_politique(page)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Nom d’utilisateur").fill("agent")
    page.get_by_label("Mot de passe").fill("Vanoise2015")
    page.get_by_role("button", name="Connexion").click()

    with page.expect_response(re.compile(r"/mon-dossier/documents/\d+/fichier/$")) as servi:
        page.goto(f"{live_server.url}{reverse('admin:demandes_demande_change', args=[demande.pk])}")

    cadre = page.locator("iframe.apercu-document")
    expect(cadre).to_be_visible()
    assert cadre.bounding_box()["height"] == pytest.approx(720, abs=4)  # admin.css s'applique
    assert servi.value.status == 200
    assert servi.value.headers["x-frame-options"] == "SAMEORIGIN"
    document = cadre.element_handle().content_frame()
    assert document.url == f"{live_server.url}{reverse('fichier_piece', args=[demande.cible_id])}"
    expect_lecteur_pdf(page)
    assert violations == []


def test_l_administration_s_affiche_sans_violation_de_la_politique(page, live_server, demo):
    """La politique vaut aussi pour l'administration : chaque liste de l'accueil, sa page
    d'ajout, sa première fiche et ses outils (feuille de présence, écrire aux familles…)."""
    violations = surveiller_la_politique(page)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Nom d’utilisateur").fill("agent")
    page.get_by_label("Mot de passe").fill("Vanoise2015")
    page.get_by_role("button", name="Connexion").click()
    adresses = lire_les_liens(page, "#content-main a")
    vues = set()
    for adresse in adresses:
        if adresse in vues:
            continue
        vues.add(adresse)
        page.goto(f"{live_server.url}{adresse}")
        suivantes = lire_les_liens(page, "#result_list tbody tr th a")[:1]
        suivantes += lire_les_liens(page, ".object-tools a")
        for suivante in suivantes:
            if suivante.startswith("/admin/") and suivante not in vues:
                vues.add(suivante)
                page.goto(f"{live_server.url}{suivante}")

    assert len(vues) > 50
    assert violations == []


def lire_les_liens(page, selecteur):
    return page.eval_on_selector_all(
        selecteur, "liens => liens.map(lien => lien.getAttribute('href')).filter(Boolean)"
    )
