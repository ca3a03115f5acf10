"""Le service du dossier : déposer, décider, retirer un document ; ce que les réservations lui
demandent (dossier complet, fiche certifiée) ; la certification annuelle page par page."""

import datetime

import pytest
from django.core.files.storage import default_storage

from dossiers.models import CertificationAnnuelle, ExigenceDossier, PieceDossier
from dossiers.services import (
    DossierImpossible,
    accepter_piece,
    certification_a_faire,
    confirmer_page,
    deposer_piece,
    dossier_bloque_reservation,
    dossier_complet,
    refuser_piece,
    retirer_piece,
)
from tests.dossiers.fabriques import (
    ASSURANCE,
    QUOTIENT,
    SANITAIRE,
    PieceDossierFactory,
    dossier_complet_de,
    fichier,
    jours,
    piece_acceptee,
    type_document,
)
from tests.factories import EnfantFactory, PrestationFactory


@pytest.fixture(autouse=True)
def stockage_temporaire(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def deposer(famille, nom=QUOTIENT, enfant=None, **valeurs):
    return deposer_piece(
        famille=famille,
        type_document=type_document(nom),
        enfant=enfant,
        fichier=valeurs.pop("fichier", fichier()),
        date_document=valeurs.pop("date_document", jours(-3)),
        par=famille.titulaire.utilisateur,
        **valeurs,
    )


# --- Déposer -------------------------------------------------------------------------------


def test_a_deposited_document_waits_for_checking_with_its_file_stored(martin):
    piece = deposer(martin)

    assert piece.statut == PieceDossier.Statut.EN_ATTENTE
    assert piece.deposee_par == martin.titulaire.utilisateur
    assert piece.fichier.name.startswith(f"dossiers/{martin.pk}/")
    assert default_storage.exists(piece.fichier.name)


def test_a_second_document_of_the_same_type_waits_for_the_first_and_nothing_is_stored(
    martin, tmp_path
):
    deposer(martin)

    with pytest.raises(DossierImpossible, match="déjà en cours de vérification"):
        deposer(martin, fichier=fichier("autre.pdf"))

    assert PieceDossier.objects.count() == 1
    assert not list(tmp_path.rglob("autre*.pdf"))


def test_the_same_type_for_two_children_can_wait_together(martin):
    emma = martin.enfants.get()
    hugo = EnfantFactory(famille=martin, prenom="Hugo")

    deposer(martin, ASSURANCE, emma)
    deposer(martin, ASSURANCE, hugo)

    assert PieceDossier.objects.filter(statut=PieceDossier.Statut.EN_ATTENTE).count() == 2


@pytest.mark.parametrize(
    ("nom", "enfant", "message"),
    [
        (ASSURANCE, None, "pour quel enfant"),
        (QUOTIENT, "emma", "toute la famille"),
        (ASSURANCE, "autre", "pas de votre famille"),
    ],
)
def test_a_document_for_the_wrong_person_is_refused(martin, dupont, nom, enfant, message):
    enfants = {"emma": martin.enfants.get(), "autre": dupont.enfants.get(), None: None}

    with pytest.raises(DossierImpossible, match=message):
        deposer(martin, nom, enfants[enfant])

    assert not PieceDossier.objects.exists()


def test_a_document_dated_in_the_future_or_already_expired_is_refused(martin):
    with pytest.raises(DossierImpossible, match="futur"):
        deposer(martin, date_document=jours(1))
    with pytest.raises(DossierImpossible, match="n'est plus valable"):
        deposer(martin, date_document=jours(-800))

    assert not PieceDossier.objects.exists()


def test_a_file_stored_is_deleted_when_the_record_cannot_be_saved(martin, tmp_path, monkeypatch):
    def echec(*args, **kwargs):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(PieceDossier, "save", echec)

    with pytest.raises(RuntimeError):
        deposer(martin)

    assert not [f for f in tmp_path.rglob("*") if f.is_file()]


# --- Décider, retirer ----------------------------------------------------------------------


def test_accepting_sets_the_end_of_validity_from_the_document_date(martin, agent):
    piece = deposer(martin, date_document=datetime.date(2026, 9, 2))

    accepter_piece(piece=piece, agent=agent)

    piece.refresh_from_db()
    assert piece.statut == PieceDossier.Statut.ACCEPTEE
    assert piece.valable_jusquau == datetime.date(2027, 8, 31)
    assert piece.decidee_par == agent
    assert piece.decidee_le is not None


def test_refusing_needs_a_reason_and_keeps_it(martin, agent):
    piece = deposer(martin)

    with pytest.raises(DossierImpossible, match="motif"):
        refuser_piece(piece=piece, agent=agent, motif="  ")
    refuser_piece(piece=piece, agent=agent, motif="Document illisible.")

    piece.refresh_from_db()
    assert piece.statut == PieceDossier.Statut.REFUSEE
    assert piece.motif_refus == "Document illisible."


def test_a_document_is_decided_once(martin, agent):
    piece = deposer(martin)
    accepter_piece(piece=piece, agent=agent)

    with pytest.raises(DossierImpossible, match="n'est plus en attente"):
        refuser_piece(piece=piece, agent=agent, motif="Trop tard.")


def test_withdrawing_a_document_erases_its_file(martin, django_capture_on_commit_callbacks):
    piece = deposer(martin)
    nom = piece.fichier.name

    with django_capture_on_commit_callbacks(execute=True):
        retirer_piece(piece=piece, par=martin.titulaire.utilisateur)

    piece.refresh_from_db()
    assert piece.statut == PieceDossier.Statut.RETIREE
    assert not piece.fichier
    assert not default_storage.exists(nom)


# --- Ce que demandent les réservations -----------------------------------------------------


def test_a_file_is_complete_when_each_required_document_is_accepted_and_valid(martin):
    emma = martin.enfants.get()
    aujourdhui = jours(0)
    piece_acceptee(martin, QUOTIENT, jusqu_au=jours(100))
    piece_acceptee(martin, ASSURANCE, emma, jusqu_au=jours(100))
    assert not dossier_complet(famille=martin, au=aujourdhui)

    piece_acceptee(martin, SANITAIRE, emma, jusqu_au=jours(10))

    assert dossier_complet(famille=martin, au=aujourdhui)
    assert not dossier_complet(famille=martin, au=jours(11))


def test_a_document_waiting_for_checking_does_not_complete_the_file(martin):
    dossier_complet_de(martin)
    PieceDossier.objects.filter(type_document__nom=QUOTIENT).delete()
    PieceDossierFactory(famille=martin)

    assert not dossier_complet(famille=martin, au=jours(0))


def test_booking_is_not_blocked_by_a_prestation_without_requirement(martin):
    prestation = PrestationFactory()

    assert dossier_bloque_reservation(famille=martin, prestation=prestation, au=jours(0)) is None


def test_booking_waits_for_a_complete_file_when_the_prestation_requires_it(martin):
    emma = martin.enfants.get()
    prestation = PrestationFactory(nom="ALSH Mercredi journée")
    ExigenceDossier.objects.create(prestation=prestation, dossier_complet_requis=True)
    piece_acceptee(martin, QUOTIENT, jusqu_au=jours(100))
    PieceDossierFactory(famille=martin, type_document=type_document(ASSURANCE), enfant=emma)

    raison = dossier_bloque_reservation(famille=martin, prestation=prestation, au=jours(0))

    assert raison.startswith("« ALSH Mercredi journée » demande un dossier complet")
    assert f"à fournir : {SANITAIRE} — Emma" in raison
    assert f"en cours de vérification : {ASSURANCE} — Emma" in raison


def test_booking_is_allowed_once_the_file_is_complete(martin):
    prestation = PrestationFactory()
    ExigenceDossier.objects.create(prestation=prestation, dossier_complet_requis=True)
    dossier_complet_de(martin)

    assert dossier_bloque_reservation(famille=martin, prestation=prestation, au=jours(0)) is None


def test_booking_a_day_after_a_document_expires_is_blocked(martin):
    prestation = PrestationFactory()
    ExigenceDossier.objects.create(prestation=prestation, dossier_complet_requis=True)
    dossier_complet_de(martin, jusqu_au=jours(30))

    assert dossier_bloque_reservation(famille=martin, prestation=prestation, au=jours(30)) is None
    assert "à fournir" in dossier_bloque_reservation(
        famille=martin, prestation=prestation, au=jours(31)
    )


def test_booking_waits_for_the_yearly_certification_when_the_prestation_requires_it(martin):
    prestation = PrestationFactory(nom="ALSH Vacances journée")
    ExigenceDossier.objects.create(
        prestation=prestation, dossier_complet_requis=False, certification_requise=True
    )
    jour = datetime.date(2026, 10, 21)

    raison = dossier_bloque_reservation(famille=martin, prestation=prestation, au=jour)
    assert "pour l'année scolaire 2026-2027" in raison

    CertificationAnnuelle.objects.create(
        famille=martin, annee=2026, certifiee_le=datetime.datetime(2026, 9, 3, tzinfo=datetime.UTC)
    )
    assert dossier_bloque_reservation(famille=martin, prestation=prestation, au=jour) is None


# --- La certification annuelle -------------------------------------------------------------


def test_the_certification_of_the_year_is_done_when_every_page_is_confirmed(martin):
    emma = martin.enfants.get()
    marie = martin.titulaire.utilisateur
    jour = datetime.date(2026, 9, 4)
    pages = ["famille", f"enfant-{emma.pk}-identite", f"enfant-{emma.pk}-sanitaire"]
    for cle in pages:
        confirmer_page(famille=martin, cle=cle, par=marie, au=jour)
    assert certification_a_faire(famille=martin, au=jour)

    certification = confirmer_page(
        famille=martin, cle=f"enfant-{emma.pk}-personnes", par=marie, au=jour
    )

    assert certification.annee == 2026
    assert certification.certifiee_par == marie
    assert certification.certifiee_le is not None
    assert set(certification.pages_confirmees) == {*pages, f"enfant-{emma.pk}-personnes"}
    assert not certification_a_faire(famille=martin, au=jour)


def test_a_certification_counts_for_its_school_year_only(martin):
    CertificationAnnuelle.objects.create(
        famille=martin, annee=2025, certifiee_le=datetime.datetime(2025, 9, 3, tzinfo=datetime.UTC)
    )

    assert not certification_a_faire(famille=martin, au=datetime.date(2026, 8, 31))
    assert certification_a_faire(famille=martin, au=datetime.date(2026, 9, 1))


def test_confirming_a_page_twice_or_a_page_of_another_family_is_refused_politely(martin, dupont):
    lucas = dupont.enfants.get()
    marie = martin.titulaire.utilisateur
    confirmer_page(famille=martin, cle="famille", par=marie)
    certification = confirmer_page(famille=martin, cle="famille", par=marie)

    with pytest.raises(DossierImpossible):
        confirmer_page(famille=martin, cle=f"enfant-{lucas.pk}-identite", par=marie)

    assert certification.pages_confirmees == ["famille"]
    assert CertificationAnnuelle.objects.count() == 1


def test_two_simultaneous_deposits_keep_one_and_erase_the_other_file(martin, tmp_path, monkeypatch):
    """Le second dépôt n'a pas vu le premier (course) : la contrainte de la base tranche."""
    premier = deposer(martin)
    monkeypatch.setattr(
        "dossiers.services.PieceDossier.objects.filter",
        lambda **kwargs: PieceDossier.objects.none(),
    )

    with pytest.raises(DossierImpossible, match="déjà en cours de vérification"):
        deposer(martin, fichier=fichier("second.pdf"))

    assert list(PieceDossier.objects.values_list("pk", flat=True)) == [premier.pk]
    assert [f.name for f in tmp_path.rglob("*.pdf")] == ["attestation.pdf"]
