"""Ce que le dossier demande à une famille (toujours, parents séparés, PAI) et combien de temps
un document vaut (année scolaire, année civile, N mois, sans limite)."""

import datetime

import pytest

from dossiers.etat import (
    A_FOURNIR,
    ACCEPTE,
    EN_VERIFICATION,
    EXPIRE,
    REFUSE,
    exigences_du_dossier,
)
from dossiers.models import PieceDossier, TypeDocument, annee_scolaire
from familles.models import Responsable
from tests.dossiers.fabriques import (
    ASSURANCE,
    GARDE,
    PAI,
    QUOTIENT,
    SANITAIRE,
    PieceDossierFactory,
    piece_acceptee,
    type_document,
)
from tests.factories import EnfantFactory, FicheSanitaireFactory

JOUR = datetime.date(2026, 10, 15)


def libelles(famille, au=JOUR):
    return [e.libelle for e in exigences_du_dossier(famille=famille, au=au)]


def exigence(famille, libelle, au=JOUR):
    return next(e for e in exigences_du_dossier(famille=famille, au=au) if e.libelle == libelle)


# --- Ce qui est demandé ----------------------------------------------------------------------


def test_a_married_family_is_asked_the_quotient_proof_and_per_child_insurance_and_health_form(
    martin,
):
    EnfantFactory(famille=martin, prenom="Hugo", date_naissance=datetime.date(2020, 1, 2))

    assert libelles(martin) == [
        QUOTIENT,
        f"{ASSURANCE} — Emma",
        f"{ASSURANCE} — Hugo",
        f"{SANITAIRE} — Emma",
        f"{SANITAIRE} — Hugo",
    ]


def test_separated_parents_are_also_asked_the_custody_decision(dupont):
    assert GARDE in libelles(dupont)


@pytest.mark.parametrize(
    ("situation", "demandee"),
    [
        (Responsable.Situation.DIVORCE, True),
        (Responsable.Situation.SEPARE, True),
        (Responsable.Situation.MARIE, False),
        (Responsable.Situation.CONCUBIN, False),
    ],
)
def test_the_custody_decision_depends_on_the_situation_of_either_parent(
    martin, situation, demandee
):
    conjoint = martin.titulaire
    conjoint.situation = situation
    conjoint.save()

    assert (GARDE in libelles(martin)) is demandee


def test_a_pai_is_asked_only_for_the_child_whose_health_form_declares_one(martin):
    emma = martin.enfants.get()
    hugo = EnfantFactory(famille=martin, prenom="Hugo")
    FicheSanitaireFactory(enfant=emma, pai=True)
    FicheSanitaireFactory(enfant=hugo, pai=False)

    assert f"{PAI} — Emma" in libelles(martin)
    assert f"{PAI} — Hugo" not in libelles(martin)


def test_an_inactive_type_is_no_longer_asked(martin):
    TypeDocument.objects.filter(nom=QUOTIENT).update(actif=False)

    assert QUOTIENT not in libelles(martin)


def test_a_non_required_type_is_listed_but_does_not_count_as_missing(martin):
    TypeDocument.objects.create(nom="Photo d'identité", obligatoire=False)

    photo = exigence(martin, "Photo d'identité")

    assert not photo.obligatoire
    assert photo.etat == A_FOURNIR


# --- Combien de temps un document vaut -------------------------------------------------------


@pytest.mark.parametrize(
    ("date_document", "fin"),
    [
        (datetime.date(2026, 9, 1), datetime.date(2027, 8, 31)),
        (datetime.date(2027, 3, 10), datetime.date(2027, 8, 31)),
        (datetime.date(2027, 6, 30), datetime.date(2027, 8, 31)),
        # Une attestation de l'été vaut pour la rentrée qui vient.
        (datetime.date(2027, 7, 1), datetime.date(2028, 8, 31)),
        (datetime.date(2026, 8, 20), datetime.date(2027, 8, 31)),
    ],
)
def test_a_school_year_document_is_valid_until_the_31st_of_august(db, date_document, fin):
    assert type_document(ASSURANCE).fin_de_validite(date_document) == fin


def test_a_calendar_year_document_is_valid_until_the_31st_of_december(db):
    attestation = TypeDocument(nom="Attestation CAF", validite=TypeDocument.Validite.ANNEE_CIVILE)

    assert attestation.fin_de_validite(datetime.date(2026, 2, 3)) == datetime.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("duree", "date_document", "fin"),
    [
        (3, datetime.date(2026, 1, 15), datetime.date(2026, 4, 14)),
        (1, datetime.date(2026, 1, 31), datetime.date(2026, 2, 27)),
        (12, datetime.date(2024, 2, 29), datetime.date(2025, 2, 27)),
        (6, datetime.date(2026, 9, 1), datetime.date(2027, 2, 28)),
    ],
)
def test_a_document_valid_n_months_runs_from_its_date(db, duree, date_document, fin):
    justificatif = TypeDocument(
        nom="Justificatif de domicile", validite=TypeDocument.Validite.MOIS, duree_mois=duree
    )

    assert justificatif.fin_de_validite(date_document) == fin


def test_a_custody_decision_never_expires(db):
    assert type_document(GARDE).fin_de_validite(datetime.date(2015, 5, 4)) is None


def test_a_type_valid_n_months_needs_its_number_of_months(db):
    from django.core.exceptions import ValidationError

    sans_duree = TypeDocument(nom="Justificatif", validite=TypeDocument.Validite.MOIS)

    with pytest.raises(ValidationError, match="durée de validité"):
        sans_duree.full_clean()


@pytest.mark.parametrize(("jour", "annee"), [("2026-08-31", 2025), ("2026-09-01", 2026)])
def test_the_school_year_starts_on_the_first_of_september(jour, annee):
    assert annee_scolaire(datetime.date.fromisoformat(jour)) == annee


# --- Où en est chaque document ---------------------------------------------------------------


def test_each_state_of_a_document_is_read_from_its_latest_pieces(martin):
    emma = martin.enfants.get()
    piece_acceptee(martin, QUOTIENT, jusqu_au=datetime.date(2027, 8, 31))
    PieceDossierFactory(famille=martin, type_document=type_document(ASSURANCE), enfant=emma)
    PieceDossierFactory(
        famille=martin,
        type_document=type_document(SANITAIRE),
        enfant=emma,
        statut=PieceDossier.Statut.REFUSEE,
        motif_refus="Illisible.",
        decidee_le=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
    )

    etats = {e.libelle: e.etat for e in exigences_du_dossier(famille=martin, au=JOUR)}

    assert etats == {
        QUOTIENT: ACCEPTE,
        f"{ASSURANCE} — Emma": EN_VERIFICATION,
        f"{SANITAIRE} — Emma": REFUSE,
    }


def test_an_accepted_document_expires_the_day_after_its_end_of_validity(martin):
    piece_acceptee(martin, QUOTIENT, jusqu_au=datetime.date(2026, 8, 31))

    assert exigence(martin, QUOTIENT, au=datetime.date(2026, 8, 31)).etat == ACCEPTE
    assert exigence(martin, QUOTIENT, au=datetime.date(2026, 9, 1)).etat == EXPIRE


def test_an_accepted_document_expires_soon_within_thirty_days(martin):
    piece_acceptee(martin, QUOTIENT, jusqu_au=datetime.date(2026, 8, 31))

    assert not exigence(martin, QUOTIENT, au=datetime.date(2026, 7, 31)).expire_bientot
    assert exigence(martin, QUOTIENT, au=datetime.date(2026, 8, 1)).expire_bientot


def test_a_new_piece_waiting_does_not_hide_the_one_still_valid(martin):
    piece_acceptee(martin, QUOTIENT, jusqu_au=datetime.date(2026, 12, 31))
    PieceDossierFactory(famille=martin, type_document=type_document(QUOTIENT))

    quotient = exigence(martin, QUOTIENT)

    assert quotient.etat == ACCEPTE
    assert quotient.complete
    assert quotient.en_attente is not None
    assert not quotient.peut_deposer


def test_a_withdrawn_piece_leaves_the_document_to_provide(martin):
    PieceDossierFactory(famille=martin, statut=PieceDossier.Statut.RETIREE)

    assert exigence(martin, QUOTIENT).etat == A_FOURNIR


def test_separated_parents_without_children_are_still_asked_the_custody_decision(dupont):
    dupont.enfants.all().delete()

    assert libelles(dupont) == [QUOTIENT, GARDE]


def test_the_file_of_a_family_is_built_in_three_queries(martin, django_assert_num_queries):
    for prenom in ("Hugo", "Léa", "Zoé"):
        enfant = EnfantFactory(famille=martin, prenom=prenom)
        FicheSanitaireFactory(enfant=enfant, pai=True)
        PieceDossierFactory(famille=martin, type_document=type_document(PAI), enfant=enfant)

    with django_assert_num_queries(3):
        exigences = exigences_du_dossier(famille=martin, au=JOUR)
        [(e.etat, e.libelle, str(p)) for e in exigences for p in e.pieces]

    assert len(exigences) == 1 + 2 + 3 * 3  # le quotient ; Emma ; trois enfants avec un PAI
