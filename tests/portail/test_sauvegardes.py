"""Les sauvegardes : `sauvegarder` copie la base et les fichiers déposés avec leurs empreintes,
`restaurer` refuse une sauvegarde altérée et rend, après effacement, les mêmes lignes, les mêmes
fichiers et un portail qui sert le relevé de compte de Dupont. L'exercice de reprise tourne sur
la base des tests : SQLite dans la suite ordinaire, PostgreSQL (pg_dump, pg_restore) en CI."""

import hashlib
import importlib
import io
import json
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from dossiers.models import PieceDossier
from enfants.models import Enfant, FicheSanitaire
from facturation.models import Facture, LigneFacture, Reglement
from familles.models import Famille, Responsable, Utilisateur
from portail.sauvegardes import eliminer_les_anciennes, sauvegardes_de
from tests.outils import texte

TABLES_CLES = (Famille, Responsable, Utilisateur, Enfant, FicheSanitaire, Facture, LigneFacture)
TABLES_CLES += (Reglement, PieceDossier)


@pytest.fixture
def demo(settings, tmp_path):
    # Les types de documents que pose une migration : un test transactionnel passé avant les a
    # effacés (flush), et la démonstration ne dépose alors aucune pièce.
    types = importlib.import_module("dossiers.migrations.0002_types_de_documents")
    types.creer_types(apps, None)
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", stdout=io.StringIO())
    settings.DEBUG = False
    return settings


def comptes():
    return {
        modele._meta.label: modele.objects.count()
        for nom in ("familles", "enfants", "facturation", "dossiers", "demandes", "travaux")
        for modele in apps.get_app_config(nom).get_models()
    }


def empreintes_des_tables():
    return {
        modele._meta.label: hashlib.sha256(
            json.dumps(list(modele.objects.order_by("pk").values_list()), default=str).encode()
        ).hexdigest()
        for modele in TABLES_CLES
    }


def empreintes_des_fichiers(racine):
    return {
        chemin.relative_to(racine).as_posix(): hashlib.sha256(chemin.read_bytes()).hexdigest()
        for chemin in sorted(Path(racine).rglob("*"))
        if chemin.is_file()
    }


def sauvegarder(destination):
    sortie = io.StringIO()
    call_command("sauvegarder", str(destination), stdout=sortie)
    (dossier,) = sauvegardes_de(destination)
    return dossier, sortie.getvalue()


def tout_effacer(media):
    call_command("flush", interactive=False, verbosity=0)
    cascade = " CASCADE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as curseur:  # une table perdue aussi
        curseur.execute(f"DROP TABLE {Facture._meta.db_table}{cascade}")
    shutil.rmtree(media)


@pytest.mark.django_db(transaction=True)
def test_exercice_de_reprise_sauvegarder_effacer_restaurer(demo, client, tmp_path):
    media = Path(demo.MEDIA_ROOT)
    # La démonstration archive les PDF de ses factures (AL-1 à AL-37, celle de Léa…).
    assert Facture.objects.exclude(pdf="").count() >= 10
    assert PieceDossier.objects.exclude(fichier="").exists()
    comptes_avant, tables_avant = comptes(), empreintes_des_tables()
    fichiers_avant = empreintes_des_fichiers(media)
    assert any(nom.startswith("factures/") for nom in fichiers_avant)
    assert any(nom.startswith("dossiers/") for nom in fichiers_avant)

    dossier, sortie = sauvegarder(tmp_path / "sauvegardes")

    assert sortie.startswith(f"Sauvegarde écrite : {dossier} (base et {len(fichiers_avant)} ")
    manifeste = json.loads((dossier / "manifeste.json").read_text())
    if connection.vendor == "postgresql":
        assert (dossier / "base.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump --format=custom
    dans_le_dossier = empreintes_des_fichiers(dossier)
    assert manifeste["empreintes"] == {
        n: e for n, e in dans_le_dossier.items() if n != "manifeste.json"
    }
    assert {f"fichiers/{nom}": e for nom, e in fichiers_avant.items()}.items() <= manifeste[
        "empreintes"
    ].items()

    tout_effacer(media)
    assert not Famille.objects.exists() and not media.exists()

    sortie = io.StringIO()
    call_command("restaurer", str(dossier), "--oui", stdout=sortie)

    assert "chaque empreinte concorde" in sortie.getvalue()
    assert f"restaurée dans la base « {connection.settings_dict['NAME']} »" in sortie.getvalue()
    assert comptes() == comptes_avant
    assert empreintes_des_tables() == tables_avant
    assert empreintes_des_fichiers(media) == fichiers_avant
    # Le portail restauré sert le relevé de compte de Dupont, et ses factures archivées.
    reponse = client.post("/connexion/", {"username": "jean.dupont", "password": "Bonbons2015"})
    assert reponse.status_code == 302
    releve = client.get("/releve/")
    assert releve.status_code == 200
    page = texte(releve)
    assert "Relevé de compte" in page and "AL-12" in page and "AL-36" in page
    facture = Facture.objects.get(numero="AL-36")
    pdf = client.get(f"/factures/{facture.pk}/pdf/")
    assert pdf.status_code == 200
    assert (
        b"".join(pdf.streaming_content if pdf.streaming else [pdf.content])
        == (media / facture.pdf.name).read_bytes()
    )


@pytest.fixture
def une_sauvegarde(transactional_db, settings, tmp_path, dupont):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "factures").mkdir(parents=True)
    (tmp_path / "media" / "factures" / "AL-1.pdf").write_bytes(b"%PDF-1.7 facture")
    dossier, _ = sauvegarder(tmp_path / "sauvegardes")
    return dossier


@pytest.mark.parametrize(
    ("alteration", "message"),
    [
        (
            lambda d: (d / "fichiers" / "factures" / "AL-1.pdf").write_bytes(b"%PDF falsifie"),
            "AL-1.pdf : contenu différent",
        ),
        (lambda d: (d / "fichiers" / "factures" / "AL-1.pdf").unlink(), "AL-1.pdf : manquant"),
        (
            lambda d: (d / "fichiers" / "intrus.pdf").write_bytes(b"?"),
            "intrus.pdf : absent du manifeste",
        ),
        (lambda d: (d / "manifeste.json").unlink(), "n'est pas une sauvegarde du portail"),
    ],
)
def test_une_sauvegarde_alteree_est_refusee_sans_rien_toucher(une_sauvegarde, alteration, message):
    alteration(une_sauvegarde)

    with pytest.raises(CommandError, match=message) as refus:
        call_command("restaurer", str(une_sauvegarde), "--oui", stdout=io.StringIO())

    assert "rien n'a été restauré" in str(refus.value)
    assert Famille.objects.filter(numero="1001001819331").exists()


def test_restaurer_demande_confirmation(une_sauvegarde, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda question: "non")

    with pytest.raises(CommandError, match="Restauration abandonnée : rien n'a été modifié"):
        call_command("restaurer", str(une_sauvegarde), stdout=io.StringIO())


def test_garder_efface_les_plus_anciennes(tmp_path):
    for nom in ("portail-20261201-020000", "portail-20261202-020000", "portail-20261203-020000"):
        (tmp_path / nom).mkdir()
        (tmp_path / nom / "manifeste.json").write_text("{}")
    (tmp_path / "autre-chose").mkdir()

    effacees = eliminer_les_anciennes(destination=tmp_path, garder=2)

    assert [dossier.name for dossier in effacees] == ["portail-20261201-020000"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "autre-chose",
        "portail-20261202-020000",
        "portail-20261203-020000",
    ]


def test_le_dossier_des_sauvegardes_ne_peut_pas_etre_dans_media_root(
    transactional_db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"

    with pytest.raises(CommandError, match="ne peut pas être dans MEDIA_ROOT"):
        call_command("sauvegarder", str(tmp_path / "media" / "sauvegardes"), stdout=io.StringIO())

    assert not (tmp_path / "media").exists()
