"""« Mes données » dans Mon compte : l'archive de ce que le portail garde sur la famille (et
rien d'une autre, même de même nom), puis la demande d'effacement que le service décide."""

import html
import io
import json
import os
import time
import zipfile

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import strip_tags
from pypdf import PdfReader

from demandes.decisions import refuser_demande, valider_demande
from demandes.models import Demande
from dossiers.models import PieceDossier
from enfants.models import Enfant, FicheSanitaire, Journee, PersonneAutorisee, Vaccination
from facturation.models import Facture, Reglement
from familles.models import Famille, Message, Responsable
from tests.dossiers.fabriques import PieceDossierFactory
from tests.factories import (
    AffectationFactory,
    EnfantFactory,
    FactureFactory,
    FamilleFactory,
    FicheSanitaireFactory,
    JourneeFactory,
    LigneFactureFactory,
    MessageFactory,
    PersonneAutoriseeFactory,
    ReglementFactory,
    ResponsableFactory,
    UtilisateurFactory,
    VaccinationFactory,
)


def texte(reponse):
    return " ".join(html.unescape(strip_tags(reponse.content.decode())).split())


@pytest.fixture
def dossier_dupont(dupont, settings, tmp_path):
    """La famille Dupont avec de tout : santé, vaccins, personne autorisée, message avec pièce
    jointe, document déposé, facture, règlement."""
    settings.MEDIA_ROOT = tmp_path / "media"
    lucas = dupont.enfants.get()
    FicheSanitaireFactory(enfant=lucas, allergies="Pollen de bouleau")
    VaccinationFactory(enfant=lucas)
    PersonneAutoriseeFactory(enfant=lucas, nom="GRANDJEAN")
    MessageFactory(
        famille=dupont,
        sujet="Certificat de Lucas",
        piece_jointe=ContentFile(b"%PDF-1.4 certificat", name="certificat-lucas.pdf"),
    )
    PieceDossierFactory(famille=dupont)
    JourneeFactory(enfant=lucas, etat=Journee.Etat.ABSENT_EXCUSE, motif="Malade (gastro)")
    facture = FactureFactory(famille=dupont, numero="AL-77", rang=77)
    LigneFactureFactory(facture=facture)
    AffectationFactory(reglement=ReglementFactory(famille=dupont), facture=facture)
    return dupont


@pytest.fixture
def autres_dupont(db):
    """Une autre famille, dont le titulaire porte aussi le nom DUPONT."""
    famille = FamilleFactory(numero="1001001999999")
    ResponsableFactory(
        famille=famille,
        nom="DUPONT",
        prenom="PAULINE",
        email="pauline.dupont@exemple.fr",
        utilisateur=UtilisateurFactory(username="pauline.dupont"),
    )
    zoe = EnfantFactory(famille=famille, nom="DUPONT", prenom="Zoéline")
    FicheSanitaireFactory(enfant=zoe, allergies="Kiwi-de-Pauline")
    MessageFactory(famille=famille, sujet="Message-de-Pauline")
    FactureFactory(famille=famille, numero="AL-88", rang=88)
    return famille


def lire_archive(reponse):
    archive = zipfile.ZipFile(io.BytesIO(b"".join(reponse.streaming_content)))
    return {nom: archive.read(nom) for nom in archive.namelist()}


def test_mon_compte_propose_mes_donnees(client_dupont):
    page = client_dupont.get(reverse("mon_compte"))

    assert f'href="{reverse("mes_donnees")}"' in page.content.decode()
    assert "Demander l'effacement de mes données" in texte(page)


def test_l_archive_contient_toutes_les_donnees_de_la_famille(client_dupont, dossier_dupont):
    reponse = client_dupont.get(reverse("mes_donnees"))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/zip"
    assert "mes-donnees-1001001819331-" in reponse["Content-Disposition"]
    fichiers = lire_archive(reponse)
    donnees = {
        nom.removesuffix(".json"): json.loads(contenu)
        for nom, contenu in fichiers.items()
        if nom.endswith(".json")
    }
    assert {r["prenom"] for r in donnees["responsables"]} == {"JEAN", "JEANNE"}
    assert donnees["enfants"][0]["prenom"] == "Lucas"
    assert donnees["fiches_sanitaires"][0]["allergies"] == "Pollen de bouleau"
    assert donnees["vaccinations"][0]["vaccin"] == "DTPolio"
    assert donnees["personnes_autorisees"][0]["nom"] == "GRANDJEAN"
    assert donnees["messages"][0]["sujet"] == "Certificat de Lucas"
    assert donnees["factures"][0]["numero"] == "AL-77"
    assert donnees["factures"][0]["lignes"][0]["libelle"] == "ALSH Mercredi après-midi"
    assert donnees["reglements"][0]["affectations"] == [{"facture": "AL-77", "montant": "100.00"}]
    assert len(donnees["documents"]) == 1
    assert donnees["famille"][0]["numero"] == "1001001819331"
    assert "LISEZMOI.txt" in fichiers
    joints = [nom for nom in fichiers if nom.startswith("fichiers/")]
    assert any(nom.endswith("certificat-lucas.pdf") for nom in joints)
    assert any(nom.startswith("fichiers/dossier/") for nom in joints)


def test_l_archive_ne_contient_rien_d_une_famille_de_meme_nom(
    client_dupont, dossier_dupont, autres_dupont
):
    fichiers = lire_archive(client_dupont.get(reverse("mes_donnees")))

    tout = b"".join(fichiers.values()).decode("utf-8", "replace")
    for trace in ("PAULINE", "Zoéline", "Kiwi-de-Pauline", "Message-de-Pauline", "AL-88"):
        assert trace not in tout
    assert autres_dupont.numero not in tout
    enfants = json.loads(fichiers["enfants.json"])
    assert {e["famille_id"] for e in enfants} == {dossier_dupont.pk}


def test_l_archive_se_construit_en_moins_d_une_seconde(
    client_dupont, dossier_dupont, django_assert_max_num_queries
):
    debut = time.perf_counter()
    with django_assert_max_num_queries(30):
        reponse = client_dupont.get(reverse("mes_donnees"))
        lire_archive(reponse)

    assert time.perf_counter() - debut < 1


def test_le_resume_pdf_se_lit_et_ne_montre_que_la_famille(
    client_dupont, dossier_dupont, autres_dupont
):
    reponse = client_dupont.get(reverse("mes_donnees_pdf"))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert "mes-donnees-1001001819331-" in reponse["Content-Disposition"]
    resume = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(reponse.content)).pages)
    for attendu in ("DUPONT JEAN", "Lucas", "Pollen de bouleau", "DTPolio", "AL-77"):
        assert attendu in resume
    assert "Certificat de Lucas" in resume
    for trace in ("PAULINE", "Zoéline", "Kiwi-de-Pauline", "Message-de-Pauline", "AL-88"):
        assert trace not in resume


def test_mes_donnees_demande_une_connexion(client, db):
    for nom in ("mes_donnees", "mes_donnees_pdf", "demander_effacement"):
        reponse = client.get(reverse(nom))
        assert reponse.status_code == 302
        assert reponse.url.startswith(reverse("connexion"))


def test_un_compte_en_attente_de_validation_n_a_pas_d_archive(client, dupont):
    dupont.etat = Famille.Etat.EN_VALIDATION
    dupont.save()
    client.force_login(dupont.titulaire.utilisateur)

    reponse = client.get(reverse("mes_donnees"))

    assert reponse.url == reverse("compte_en_validation")


# --- Effacement -----------------------------------------------------------------------------


def demander(client):
    return client.post(
        reverse("demander_effacement"),
        {"confirmation": "on", "commentaire": "Nous quittons la région."},
        follow=True,
    )


def test_la_page_dit_ce_qui_est_efface_et_ce_qui_est_garde(client_dupont):
    page = texte(client_dupont.get(reverse("demander_effacement")))

    assert "Ce qui sera effacé" in page
    assert "Vos factures et vos règlements, 10 ans" in page


def test_sans_confirmation_rien_n_est_demande(client_dupont):
    reponse = client_dupont.post(reverse("demander_effacement"), {"commentaire": "x"})

    assert reponse.status_code == 200
    assert "Cochez la case pour confirmer votre demande." in texte(reponse)
    assert not Demande.objects.exists()


def test_la_demande_d_effacement_attend_la_decision_du_service(client_dupont, dupont):
    reponse = demander(client_dupont)

    demande = Demande.objects.get()
    assert (demande.type, demande.statut) == (Demande.Type.EFFACEMENT, Demande.Statut.EN_ATTENTE)
    assert demande.famille == dupont
    assert demande.commentaire == "Nous quittons la région."
    assert "transmise au service enfance" in texte(reponse)
    assert "attend la décision du service enfance" in texte(reponse)

    deuxieme = demander(client_dupont)
    assert Demande.objects.count() == 1
    assert "est déjà en attente" in texte(deuxieme)
    liste = texte(client_dupont.get(reverse("demandes")))
    assert "Effacement des données" in liste


def test_acceptee_elle_efface_tout_sauf_la_comptabilite(
    client_dupont, dossier_dupont, autres_dupont, agent, django_capture_on_commit_callbacks
):
    demander(client_dupont)
    demande = Demande.objects.get(type=Demande.Type.EFFACEMENT)
    piece = PieceDossier.objects.get(famille=dossier_dupont)
    chemins = [piece.fichier.path, Message.objects.exclude(piece_jointe="").get().piece_jointe.path]
    jean = dossier_dupont.titulaire.utilisateur
    factures, reglements = Facture.objects.count(), Reglement.objects.count()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        valider_demande(demande=demande, agent=agent)

    famille = Famille.objects.get(pk=dossier_dupont.pk)
    assert famille.etat == Famille.Etat.FERMEE
    assert not Responsable.objects.filter(famille=famille).exclude(nom="ANONYME").exists()
    assert not Responsable.objects.filter(famille=famille).exclude(email="").exists()
    assert not Responsable.history.filter(famille_id=famille.pk, prenom="JEAN").exists()
    lucas = Enfant.objects.get(famille=famille)
    assert (lucas.nom, lucas.prenom) == ("ANONYME", "Enfant 1")
    assert not FicheSanitaire.objects.filter(enfant__famille=famille).exists()
    assert not Vaccination.objects.filter(enfant__famille=famille).exists()
    assert not PersonneAutorisee.objects.filter(enfant__famille=famille).exists()
    assert not FicheSanitaire.history.filter(allergies="Pollen de bouleau").exists()
    assert not Message.objects.filter(famille=famille, sujet="Certificat de Lucas").exists()
    assert not PieceDossier.objects.filter(famille=famille).exists()
    journee = Journee.objects.get(enfant=lucas)  # la journée reste, sans son motif
    assert (journee.etat, journee.motif) == (Journee.Etat.ABSENT_EXCUSE, "")
    assert not any(os.path.exists(chemin) for chemin in chemins)
    assert Demande.objects.get(pk=demande.pk).commentaire == ""
    jean.refresh_from_db()
    assert not jean.is_active and not jean.has_usable_password() and jean.email == ""
    # La comptabilité reste, entière.
    assert (Facture.objects.count(), Reglement.objects.count()) == (factures, reglements)
    assert Facture.objects.get(numero="AL-77").famille == famille
    # La famille est prévenue, à son adresse d'avant.
    (courriel,) = mail.outbox
    assert courriel.to == ["jean.dupont@wanadoo.fr"]
    assert "10 ans" in courriel.body
    # L'autre famille Dupont n'a rien perdu.
    pauline = autres_dupont.titulaire
    assert (pauline.nom, pauline.prenom) == ("DUPONT", "PAULINE")
    assert FicheSanitaire.objects.filter(allergies="Kiwi-de-Pauline").exists()
    assert autres_dupont.titulaire.utilisateur.is_active
    # Le compte ne se connecte plus.
    assert client_dupont.get(reverse("accueil")).status_code == 302


def test_refusee_elle_ne_change_rien(client_dupont, dupont, agent):
    demander(client_dupont)
    demande = Demande.objects.get(type=Demande.Type.EFFACEMENT)

    refuser_demande(demande=demande, agent=agent, motif="Une facture reste à régler.")

    dupont.refresh_from_db()
    assert dupont.etat == Famille.Etat.ACTIVE
    assert dupont.titulaire.nom == "DUPONT"
    assert "Une facture reste à régler." in mail.outbox[-1].body


def test_l_agent_lit_la_demande_d_effacement_dans_l_administration(client_dupont, client, agent):
    demander(client_dupont)
    demande = Demande.objects.get(type=Demande.Type.EFFACEMENT)
    client.force_login(agent)

    liste = client.get(reverse("admin:demandes_demande_changelist") + "?type__exact=effacement")
    fiche = client.get(reverse("admin:demandes_demande_change", args=[demande.pk]))

    assert "Effacement des données" in texte(liste)
    assert fiche.status_code == 200
    assert "Nous quittons la région." in texte(fiche)
    assert "Valider efface les données de la famille" in texte(fiche)
