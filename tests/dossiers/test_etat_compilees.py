"""Le dossier d'une famille, lu par les requêtes compilées (exigences_du_dossier), est celui que
construit l'ORM pour plusieurs familles à la fois (exigences_des_familles)."""

import datetime

from django.utils import timezone

from dossiers.etat import exigences_des_familles, exigences_du_dossier, resume_du_dossier
from dossiers.models import CertificationAnnuelle, PieceDossier
from familles.models import Responsable
from tests.dossiers.fabriques import (
    ASSURANCE,
    QUOTIENT,
    SANITAIRE,
    PieceDossierFactory,
    piece_acceptee,
    type_document,
)
from tests.factories import (
    EnfantFactory,
    FamilleFactory,
    FicheSanitaireFactory,
    ResponsableFactory,
)

JOUR = datetime.date(2026, 10, 15)


def _lignes(exigences):
    return [
        (
            e.cle,
            e.libelle,
            e.etat,
            e.obligatoire,
            [(p.pk, p.statut, p.type_document.pk, p.enfant_id) for p in e.pieces],
        )
        for e in exigences
    ]


def test_one_family_read_by_compiled_queries_matches_the_orm_for_several(dupont, martin):
    emma = martin.enfants.get()
    FicheSanitaireFactory(enfant=EnfantFactory(famille=martin, prenom="Hugo"), pai=True)
    piece_acceptee(martin, QUOTIENT, jusqu_au=JOUR + datetime.timedelta(days=10))
    PieceDossierFactory(famille=martin, type_document=type_document(ASSURANCE), enfant=emma)
    PieceDossierFactory(
        famille=martin,
        type_document=type_document(SANITAIRE),
        enfant=emma,
        statut=PieceDossier.Statut.RETIREE,
    )
    # Sans enfant, parents séparés : la requête de plus.
    sans_enfant = FamilleFactory()
    ResponsableFactory(famille=sans_enfant, situation=Responsable.Situation.SEPARE)
    sans_enfant_maries = FamilleFactory()
    ResponsableFactory(famille=sans_enfant_maries)
    familles = [dupont, martin, sans_enfant, sans_enfant_maries]

    par_famille = exigences_des_familles(familles, au=JOUR)

    for famille in familles:
        assert _lignes(exigences_du_dossier(famille=famille, au=JOUR)) == _lignes(
            par_famille[famille.pk]
        ), famille.numero
    assert _lignes(par_famille[sans_enfant.pk]) != _lignes(par_famille[sans_enfant_maries.pk])


def test_the_summary_reads_the_certification_of_the_school_year_only(martin):
    certifiee_le = timezone.now()
    CertificationAnnuelle.objects.create(famille=martin, annee=2026, certifiee_le=certifiee_le)

    assert resume_du_dossier(famille=martin, au=JOUR).certification.certifiee_le == certifiee_le
    assert resume_du_dossier(famille=martin, au=datetime.date(2026, 8, 31)).certification is None
