"""La commande appliquer_conservation : les familles inactives anonymisées (leur comptabilité
gardée), les documents du dossier périmés effacés, les créations de compte jamais confirmées
effacées ; deux passages de suite ne font rien de plus ; la simulation n'écrit rien."""

import datetime
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from dossiers.models import PieceDossier
from facturation.models import Facture
from familles.models import CreationDeCompte, Famille
from tests.dossiers.fabriques import GARDE, PieceDossierFactory, type_document
from tests.factories import (
    EnfantFactory,
    FactureFactory,
    FamilleFactory,
    JourneeFactory,
    ResponsableFactory,
    UtilisateurFactory,
)

AU = datetime.date(2026, 12, 7)
IL_Y_A_5_ANS = timezone.make_aware(datetime.datetime(2021, 10, 1, 12, 0))


def lancer(*options):
    sortie = StringIO()
    call_command("appliquer_conservation", "--date", AU.isoformat(), *options, stdout=sortie)
    return sortie.getvalue()


@pytest.fixture
def inactive(db):
    """Une famille partie il y a cinq ans : dernière journée, dernière facture en 2021."""
    famille = FamilleFactory(numero="1001001000005", date_creation=IL_Y_A_5_ANS)
    ResponsableFactory(
        famille=famille,
        nom="ANCIEN",
        utilisateur=UtilisateurFactory(username="ancien", last_login=IL_Y_A_5_ANS),
    )
    enfant = EnfantFactory(famille=famille, nom="ANCIEN", prenom="Théo")
    JourneeFactory(enfant=enfant, date=datetime.date(2021, 10, 6))
    FactureFactory(
        famille=famille,
        numero="AL-5",
        rang=5,
        date_facture=datetime.date(2021, 11, 8),
        date_echeance=datetime.date(2021, 11, 30),
        periode_debut=datetime.date(2021, 10, 1),
        periode_fin=datetime.date(2021, 10, 31),
    )
    return famille


def test_une_famille_inactive_est_anonymisee_sa_comptabilite_gardee(inactive, dupont):
    ligne = lancer()

    assert "1 famille(s) inactive(s) depuis 3 ans anonymisée(s)" in ligne
    inactive.refresh_from_db()
    assert inactive.etat == Famille.Etat.FERMEE
    assert inactive.titulaire.nom == "ANONYME"
    assert inactive.enfants.get().prenom == "Enfant 1"
    assert Facture.objects.get(numero="AL-5").famille == inactive
    dupont.refresh_from_db()
    assert dupont.etat == Famille.Etat.ACTIVE and dupont.titulaire.nom == "DUPONT"

    assert "0 famille(s)" in lancer()  # un second passage ne fait rien de plus


def test_une_connexion_recente_garde_la_famille(inactive):
    utilisateur = inactive.titulaire.utilisateur
    utilisateur.last_login = timezone.make_aware(datetime.datetime(2026, 6, 1))
    utilisateur.save()

    lancer()

    inactive.refresh_from_db()
    assert inactive.titulaire.nom == "ANCIEN"


def test_la_simulation_n_ecrit_rien(inactive):
    ligne = lancer("--simulation")

    assert "(simulation)" in ligne and "1 famille(s)" in ligne and "à anonymiser" in ligne
    inactive.refresh_from_db()
    assert inactive.titulaire.nom == "ANCIEN"


def test_les_documents_perimes_sont_effaces_fichier_compris(
    dupont, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    perimee = PieceDossierFactory(
        famille=dupont,
        statut=PieceDossier.Statut.ACCEPTEE,
        decidee_le=timezone.now(),
        valable_jusquau=datetime.date(2024, 8, 31),
    )
    recente = PieceDossierFactory(
        famille=dupont,
        statut=PieceDossier.Statut.ACCEPTEE,
        decidee_le=timezone.now(),
        valable_jusquau=datetime.date(2025, 8, 31),
    )
    refusee = PieceDossierFactory(
        famille=dupont,
        statut=PieceDossier.Statut.REFUSEE,
        decidee_le=timezone.now(),
        motif_refus="Illisible",
        deposee_le=timezone.make_aware(datetime.datetime(2023, 9, 15)),
    )
    sans_limite = PieceDossierFactory(
        famille=dupont,
        type_document=type_document(GARDE),
        statut=PieceDossier.Statut.ACCEPTEE,
        decidee_le=timezone.now(),
        date_document=datetime.date(2018, 3, 1),
        valable_jusquau=None,
    )
    chemin = perimee.fichier.path

    with django_capture_on_commit_callbacks(execute=True):
        ligne = lancer()

    assert "2 document(s) du dossier effacé(s)" in ligne
    assert set(PieceDossier.objects.values_list("pk", flat=True)) == {recente.pk, sans_limite.pk}
    assert not os.path.exists(chemin)
    assert refusee.pk not in PieceDossier.objects.values_list("pk", flat=True)


def test_les_creations_de_compte_jamais_confirmees_sont_effacees(db):
    maintenant = timezone.now()
    valeurs = {"nom": "X", "prenom": "Y", "date_naissance": "1990-01-01", "mot_de_passe": "!"}
    CreationDeCompte.objects.create(
        email="vieille@exemple.fr", demande_le=maintenant - datetime.timedelta(days=3), **valeurs
    )
    CreationDeCompte.objects.create(email="recente@exemple.fr", **valeurs)
    CreationDeCompte.objects.create(
        email="confirmee@exemple.fr",
        demande_le=maintenant - datetime.timedelta(days=30),
        confirmee_le=maintenant - datetime.timedelta(days=29),
        **valeurs,
    )

    assert "1 création(s) de compte non confirmée(s) effacée(s)" in lancer()
    assert set(CreationDeCompte.objects.values_list("email", flat=True)) == {
        "recente@exemple.fr",
        "confirmee@exemple.fr",
    }
