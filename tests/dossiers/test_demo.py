"""La démonstration de « Mon dossier » : l'assurance de Lucas acceptée, sa fiche sanitaire à
vérifier, la décision sur la garde refusée, le justificatif du quotient à fournir ; sans
doublon quand on la relance."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from demandes.models import Demande
from dossiers.etat import exigences_du_dossier
from dossiers.models import PieceDossier
from familles.models import Famille
from tests.dossiers.fabriques import ASSURANCE, GARDE, QUOTIENT, SANITAIRE, aujourdhui
from tests.outils import texte


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", stdout=io.StringIO())
    return Famille.objects.get(numero="1001001819331")


def test_the_demo_shows_each_state_of_the_dupont_file(demo):
    etats = {e.libelle: e.etat for e in exigences_du_dossier(famille=demo, au=aujourdhui())}

    assert etats == {
        QUOTIENT: "a_fournir",
        f"{ASSURANCE} — Lucas": "accepte",
        f"{SANITAIRE} — Lucas": "en_verification",
        f"{ASSURANCE} — Léa": "accepte",
        f"{SANITAIRE} — Léa": "accepte",
        GARDE: "refuse",
    }
    assert Demande.objects.filter(type=Demande.Type.DOCUMENT, statut="en_attente").count() == 1


def test_the_demo_files_open_for_the_family(demo, client):
    client.force_login(demo.titulaire.utilisateur)
    piece = PieceDossier.objects.get(type_document__nom=ASSURANCE, enfant__prenom="Lucas")

    reponse = client.get(reverse("fichier_piece", args=[piece.pk]))

    assert b"".join(reponse.streaming_content).startswith(b"%PDF-")
    assert "Le jugement transmis est illisible" in texte(client.get(reverse("mon_dossier")))


def test_the_demo_runs_again_without_duplicating_the_file(demo, tmp_path):
    avant = (PieceDossier.objects.count(), Demande.objects.count())
    fichiers = sorted(p.name for p in tmp_path.rglob("*.pdf"))

    call_command("demo", stdout=io.StringIO())

    assert (PieceDossier.objects.count(), Demande.objects.count()) == avant
    assert sorted(p.name for p in tmp_path.rglob("*.pdf")) == fichiers
