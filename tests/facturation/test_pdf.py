"""Le PDF d'une facture : archivé une fois avec son empreinte, servi à la seule famille."""

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from facturation.models import Facture
from facturation.pdf import archiver_pdf, archiver_pdfs, rendre_pdf, rendre_pdfs
from tests.factories import (
    AffectationFactory,
    FactureFactory,
    LigneFactureFactory,
    RegieFactory,
    ReglementFactory,
)


@pytest.fixture(autouse=True)
def stockage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def texte_pdf(contenu):
    """Le texte du PDF, les espaces (insécables compris) ramenés à une espace simple."""
    lecteur = PdfReader(io.BytesIO(contenu))
    texte = " ".join(page.extract_text() for page in lecteur.pages)
    return " ".join(texte.replace("\u00a0", " ").split())


def facture_al36(famille, **autres):
    valeurs = {
        "regie": RegieFactory(),
        "numero": "AL-36",
        "rang": 36,
        "date_facture": datetime.date(2026, 11, 8),
        "date_echeance": datetime.date(2026, 11, 30),
        "periode_debut": datetime.date(2026, 11, 1),
        "periode_fin": datetime.date(2026, 11, 30),
        "montant": Decimal("120.60"),
    }
    facture = FactureFactory(famille=famille, **{**valeurs, **autres})
    lucas = famille.enfants.first()
    for libelle, quantite, prix in [
        ("Restauration scolaire", "12", "4.20"),
        ("ALSH Mercredi journée", "3", "15.00"),
        ("Garderie matin", "14", "1.80"),
    ]:
        LigneFactureFactory(
            facture=facture,
            enfant=lucas,
            libelle=libelle,
            quantite=Decimal(quantite),
            prix_unitaire=Decimal(prix),
            montant=Decimal(quantite) * Decimal(prix),
        )
    return facture


@pytest.fixture
def al36(dupont):
    return facture_al36(dupont)


def test_archiver_range_le_pdf_avec_son_empreinte(al36):
    archiver_pdf(facture=al36)

    al36.refresh_from_db()
    assert al36.pdf.name == "factures/2026/facture-AL-36.pdf"
    with al36.pdf.open("rb") as fichier:
        contenu = fichier.read()
    assert contenu.startswith(b"%PDF-")
    assert al36.pdf_sha256 == hashlib.sha256(contenu).hexdigest()


def test_le_pdf_archive_n_est_jamais_refait(al36, monkeypatch):
    archiver_pdf(facture=al36)
    premier = Facture.objects.values_list("pdf", "pdf_sha256").get(pk=al36.pk)

    def interdit(facture):
        raise AssertionError("le PDF a été rendu une seconde fois")

    monkeypatch.setattr("facturation.pdf.rendre_pdf", interdit)
    archiver_pdf(facture=Facture.objects.get(pk=al36.pk))
    archiver_pdf(facture=al36)

    assert Facture.objects.values_list("pdf", "pdf_sha256").get(pk=al36.pk) == premier


def test_le_pdf_montre_la_facture_comme_une_facture_de_la_collectivite(al36):
    texte = texte_pdf(rendre_pdf(al36))

    assert "Communauté de communes Val Vanoise" in texte
    assert "Service enfance" in texte
    assert "04 79 55 02 59" in texte
    assert "adminenfance@valvanoise.fr" in texte
    assert "Régie garderie ALSH" in texte
    assert "DUPONT JEAN" in texte
    assert "12 RUE DES BONBONS" in texte
    assert "31400 SAINT - JEAN" in texte
    assert "1001001819331" in texte
    assert "AL-36" in texte
    assert "08/11/2026" in texte
    assert "Date d'échéance 30/11/2026" in texte
    assert "Restauration scolaire Lucas DUPONT 12 4,20 € 50,40 €" in texte
    assert "Total de la facture 120,60 €" in texte
    assert "Déjà réglé 0,00 €" in texte
    assert "Reste à payer 120,60 €" in texte
    assert "Trésor public" in texte
    assert "Trésorerie de Bozel" in texte


def test_le_pdf_deduit_ce_qui_est_deja_regle(dupont):
    facture = facture_al36(dupont)
    reglement = ReglementFactory(famille=dupont, numero="AL-228", montant=Decimal("100.00"))
    AffectationFactory(reglement=reglement, facture=facture, montant=Decimal("100.00"))

    texte = texte_pdf(rendre_pdf(facture))

    assert "Déjà réglé 100,00 €" in texte
    assert "Reste à payer 20,60 €" in texte


def test_le_pdf_dit_que_la_famille_est_prelevee(dupont):
    dupont.prelevement_automatique = True
    dupont.titulaire_compte = "DUPONT JEAN"
    dupont.save()

    texte = texte_pdf(rendre_pdf(facture_al36(dupont)))

    assert "prélèvement automatique" in texte
    assert "Talon" not in texte


def test_le_pdf_d_un_avoir_nomme_la_facture_corrigee(dupont):
    origine = facture_al36(dupont)
    avoir = FactureFactory(
        famille=dupont,
        regie=origine.regie,
        genre=Facture.Genre.AVOIR,
        facture_corrigee=origine,
        numero="AL-40",
        rang=40,
        montant=Decimal("-15.00"),
    )

    texte = texte_pdf(rendre_pdf(avoir))
    archiver_pdf(facture=avoir)

    assert "AVOIR" in texte
    assert "Cet avoir corrige la facture AL-36 du 08/11/2026" in texte
    assert "-15,00 €" in texte
    assert avoir.pdf.name.endswith("avoir-AL-40.pdf")


# --- Plusieurs factures mises en page ensemble (un lot de la facturation, une impression) ---


def facture_longue(famille, regie):
    """Une facture de 40 lignes : deux pages."""
    facture = FactureFactory(famille=famille, regie=regie, numero="AL-37", rang=37)
    enfant = famille.enfants.first()
    for jour in range(1, 41):
        LigneFactureFactory(
            facture=facture,
            enfant=enfant,
            libelle=f"Séjour du {jour:02d}/07/2026",
            quantite=Decimal("1"),
            prix_unitaire=Decimal("3.00"),
            montant=Decimal("3.00"),
        )
    return facture


@pytest.fixture
def lot(dupont, martin):
    al36 = facture_al36(dupont)
    longue = facture_longue(martin, al36.regie)
    avoir = FactureFactory(
        famille=dupont,
        regie=al36.regie,
        genre=Facture.Genre.AVOIR,
        facture_corrigee=al36,
        numero="AL-40",
        rang=40,
        montant=Decimal("-15.00"),
    )
    return [al36, longue, avoir]


def test_chaque_facture_d_un_lot_a_ses_pages_et_son_texte_seulement(lot):
    al36, longue, avoir = lot

    pdfs = rendre_pdfs(lot)

    pages = {
        numero: PdfReader(io.BytesIO(pdfs[f.pk])).pages
        for numero, f in (("AL-36", al36), ("AL-37", longue), ("AL-40", avoir))
    }
    assert {numero: len(p) for numero, p in pages.items()} == {"AL-36": 1, "AL-37": 2, "AL-40": 1}
    textes = {
        numero: texte_pdf(pdfs[f.pk])
        for numero, f in (("AL-36", al36), ("AL-37", longue), ("AL-40", avoir))
    }
    assert "DUPONT JEAN" in textes["AL-36"] and "MARTIN" not in textes["AL-36"]
    assert "Restauration scolaire Lucas DUPONT 12 4,20 € 50,40 €" in textes["AL-36"]
    assert "Séjour" not in textes["AL-36"] + textes["AL-40"]
    assert all(f"Séjour du {jour:02d}/07/2026" in textes["AL-37"] for jour in range(1, 41))
    assert "DUPONT" not in textes["AL-37"]
    assert "Cet avoir corrige la facture AL-36" in textes["AL-40"]
    # Le pied de chaque page : sa facture, et la numérotation de sa facture seule.
    for numero, genre, total in (
        ("AL-36", "Facture", 1),
        ("AL-37", "Facture", 2),
        ("AL-40", "Avoir", 1),
    ):
        for rang, page in enumerate(pages[numero], start=1):
            pied = " ".join(page.extract_text().split())
            assert f"Service enfance — {genre} {numero}" in pied
            assert f"Page {rang} / {total}" in pied
    assert "AL-37" not in textes["AL-36"] + textes["AL-40"]
    assert "AL-40" not in textes["AL-36"] + textes["AL-37"]
    assert "AL-36" not in textes["AL-37"]  # l'avoir nomme la facture qu'il corrige
    # Les métadonnées de chaque PDF sont celles de sa facture.
    assert PdfReader(io.BytesIO(pdfs[longue.pk])).metadata.title == (
        "Facture AL-37 — Communauté de communes Val Vanoise"
    )
    assert PdfReader(io.BytesIO(pdfs[avoir.pk])).metadata.title.startswith("Avoir AL-40")


def test_le_pdf_d_une_facture_ne_depend_pas_de_son_lot(lot):
    al36, longue, avoir = lot

    seules = {f.pk: rendre_pdf(f) for f in lot}

    assert rendre_pdfs(lot) == seules
    assert rendre_pdfs([avoir, al36]) == {avoir.pk: seules[avoir.pk], al36.pk: seules[al36.pk]}


def test_archiver_un_lot_range_chaque_pdf_avec_son_empreinte(lot):
    al36, longue, avoir = lot
    archiver_pdf(facture=al36)
    deja = Facture.objects.values_list("pdf", "pdf_sha256").get(pk=al36.pk)

    archiver_pdfs(lot)

    assert Facture.objects.values_list("pdf", "pdf_sha256").get(pk=al36.pk) == deja
    for facture in (longue, avoir):
        facture.refresh_from_db()
        with facture.pdf.open("rb") as fichier:
            contenu = fichier.read()
        assert hashlib.sha256(contenu).hexdigest() == facture.pdf_sha256
        assert facture.numero in texte_pdf(contenu)


# --- Téléchargement par les parents ---------------------------------------------------------


def test_la_famille_ouvre_le_pdf_de_sa_facture(client_dupont, al36):
    archiver_pdf(facture=al36)

    reponse = client_dupont.get(reverse("facture_pdf", args=[al36.pk]))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == 'inline; filename="facture-AL-36.pdf"'
    contenu = b"".join(reponse.streaming_content)
    assert hashlib.sha256(contenu).hexdigest() == Facture.objects.get(pk=al36.pk).pdf_sha256


def test_un_pdf_pas_encore_archive_l_est_au_premier_telechargement(client_dupont, al36):
    reponse = client_dupont.get(reverse("facture_pdf", args=[al36.pk]))

    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content).startswith(b"%PDF-")
    assert Facture.objects.get(pk=al36.pk).pdf_sha256 != ""


def test_une_autre_famille_ne_voit_pas_la_facture(client_martin, al36):
    reponse = client_martin.get(reverse("facture_pdf", args=[al36.pk]))

    assert reponse.status_code == 404
    assert Facture.objects.get(pk=al36.pk).pdf_sha256 == ""


def test_un_visiteur_anonyme_va_a_la_connexion(client, al36):
    url = reverse("facture_pdf", args=[al36.pk])

    reponse = client.get(url)

    assert reponse.status_code == 302
    assert reponse.url == f"{reverse('connexion')}?next={url}"


def test_un_pdf_archive_modifie_n_est_pas_servi(client_dupont, al36):
    archiver_pdf(facture=al36)
    with open(al36.pdf.path, "ab") as fichier:
        fichier.write(b"%% ajout")

    reponse = client_dupont.get(reverse("facture_pdf", args=[al36.pk]))

    assert reponse.status_code == 404


def test_l_accueil_et_le_releve_ont_le_lien_pdf_de_la_facture(client_dupont, dupont):
    aujourdhui = timezone.localdate()
    facture = facture_al36(
        dupont, date_facture=aujourdhui, date_echeance=aujourdhui + datetime.timedelta(days=30)
    )
    lien = f'href="{reverse("facture_pdf", args=[facture.pk])}"'

    accueil = client_dupont.get(reverse("accueil")).content.decode()
    releve = client_dupont.get(reverse("releve")).content.decode()

    for page in (accueil, releve):
        assert lien in page
        assert 'aria-label="Facture AL-36 (PDF)">PDF</a>' in page


# --- Impression depuis l'administration -----------------------------------------------------


def test_l_agent_imprime_les_factures_choisies_en_un_seul_pdf(client_agent, dupont, martin):
    factures = [facture_al36(dupont)]
    factures.append(
        FactureFactory(famille=martin, regie=factures[0].regie, numero="AL-37", rang=37)
    )
    for facture in factures:
        archiver_pdf(facture=facture)
    pages = sum(len(PdfReader(Facture.objects.get(pk=f.pk).pdf.open("rb")).pages) for f in factures)

    reponse = client_agent.post(
        reverse("admin:facturation_facture_changelist"),
        {"action": "imprimer_factures", "_selected_action": [f.pk for f in factures]},
    )

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    fusion = PdfReader(io.BytesIO(reponse.content))
    assert len(fusion.pages) == pages
    texte = texte_pdf(reponse.content)
    assert texte.index("AL-36") < texte.index("AL-37")


def test_l_agent_ouvre_le_pdf_d_une_facture(client_agent, al36):
    reponse = client_agent.get(reverse("facture_pdf_agent", args=[al36.pk]))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse.content.startswith(b"%PDF-")


def test_un_parent_n_ouvre_pas_le_pdf_par_l_adresse_des_agents(client_dupont, al36):
    reponse = client_dupont.get(reverse("facture_pdf_agent", args=[al36.pk]))

    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("admin:login"))


def test_le_pdf_n_est_jamais_servi_par_media_url(client_dupont, al36):
    archiver_pdf(facture=al36)

    assert client_dupont.get(f"/media/{al36.pdf.name}").status_code == 404


def test_l_action_d_impression_est_proposee_aux_agents(client_agent, al36):
    reponse = client_agent.get(reverse("admin:facturation_facture_changelist"))

    page = reponse.content.decode()
    assert '<option value="imprimer_factures">Imprimer les factures sélectionnées (un PDF)' in page
    assert '<option value="transmettre_au_tresor_public">' in page


def test_la_fiche_d_une_facture_mene_au_pdf_par_l_adresse_des_agents(client_agent, al36):
    archiver_pdf(facture=al36)

    reponse = client_agent.get(reverse("admin:facturation_facture_change", args=[al36.pk]))

    assert reverse("facture_pdf_agent", args=[al36.pk]) in reponse.content.decode()
    assert "/media/" not in reponse.content.decode()
