"""Les requêtes compilées du planning et de « Mes enfants » rendent ce que rendait l'ORM, pour
chaque forme (avec ou sans prestation, avec ou sans titulaire) et d'une famille à l'autre."""

import datetime

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from demandes.lectures import enfants_de_la_famille, inscriptions_en_attente
from demandes.models import Demande
from enfants.lectures import (
    _inscriptions_entre,
    campagnes_entre,
    fermetures_entre,
    inscriptions_entre,
    journee_du_jour,
    prestations_reservables,
    residences,
)
from enfants.models import Campagne, Enfant, Fermeture, Journee, Prestation
from familles.models import Responsable
from tests.factories import (
    DemandeFactory,
    EnfantFactory,
    FermetureFactory,
    InscriptionFactory,
    JourneeFactory,
    PrestationFactory,
)

Etat = Journee.Etat
DECEMBRE = datetime.date(2026, 12, 1)
FIN_DECEMBRE = datetime.date(2026, 12, 31)
EN_ATTENTE = Demande.Statut.EN_ATTENTE


def _a_paris(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def inscriptions(dupont, martin):
    lucas, emma = dupont.enfants.get(), martin.enfants.get()
    mercredi = PrestationFactory(nom="ALSH Mercredi", ordre=1)
    garderie = PrestationFactory(nom="Garderie matin", ordre=2)
    InscriptionFactory(enfant=lucas, prestation=mercredi, date_debut=datetime.date(2026, 9, 1))
    InscriptionFactory(
        enfant=lucas,
        prestation=garderie,
        date_debut=datetime.date(2026, 9, 1),
        date_fin=datetime.date(2026, 12, 11),
    )
    InscriptionFactory(
        enfant=lucas,
        prestation=garderie,
        date_debut=datetime.date(2025, 9, 1),
        date_fin=datetime.date(2026, 6, 30),
    )
    InscriptionFactory(enfant=emma, prestation=garderie, date_debut=datetime.date(2026, 9, 1))
    return lucas, emma, mercredi, garderie


def _orm_inscriptions(enfant, debut, fin, prestation_id=None):
    """Le même queryset, exécuté par l'ORM."""
    return list(
        _inscriptions_entre.construire(
            enfant_id=enfant.pk, debut=debut, fin=fin, prestation_id=prestation_id
        )
    )


def _ligne(inscription):
    return (
        inscription.pk,
        inscription.date_debut,
        inscription.date_fin,
        inscription.prestation.nom,
        inscription.prestation.structure.nom,
        inscription.responsable.nom,
    )


def test_inscriptions_with_and_without_a_prestation_match_the_orm(inscriptions):
    lucas, emma, mercredi, garderie = inscriptions
    periodes = (
        (DECEMBRE, FIN_DECEMBRE),
        (datetime.date(2026, 12, 14), datetime.date(2026, 12, 14)),
        (datetime.date(2026, 1, 5), datetime.date(2026, 1, 5)),
    )
    for enfant in (lucas, emma):
        for debut, fin in periodes:
            for prestation_id in (None, mercredi.pk, garderie.pk):
                compilees = inscriptions_entre(enfant, debut, fin, prestation_id=prestation_id)
                orm = _orm_inscriptions(enfant, debut, fin, prestation_id)
                assert [_ligne(i) for i in compilees] == [_ligne(i) for i in orm]
    assert [i.prestation.nom for i in inscriptions_entre(lucas, DECEMBRE, FIN_DECEMBRE)] == [
        "ALSH Mercredi",
        "Garderie matin",
    ]


def test_reservable_prestations_match_the_orm(inscriptions):
    lucas, emma, mercredi, garderie = inscriptions
    for enfant in (lucas, emma):
        for aujourdhui in (DECEMBRE, datetime.date(2026, 12, 14), datetime.date(2026, 3, 2)):
            orm = list(
                Prestation.objects.filter(
                    Q(inscriptions__date_fin__isnull=True)
                    | Q(inscriptions__date_fin__gte=aujourdhui),
                    inscriptions__enfant=enfant,
                )
                .select_related("structure")
                .distinct()
                .order_by("structure__ordre", "structure__nom", "ordre", "nom")
            )
            compilees = prestations_reservables(enfant=enfant, aujourdhui=aujourdhui)
            assert [(p.pk, p.structure.nom) for p in compilees] == [
                (p.pk, p.structure.nom) for p in orm
            ]
    assert prestations_reservables(enfant=emma, aujourdhui=DECEMBRE) == [garderie]


def test_journee_of_a_day_is_the_first_like_the_orm(inscriptions):
    lucas, emma, mercredi, garderie = inscriptions
    JourneeFactory(enfant=lucas, prestation=mercredi, date=datetime.date(2026, 12, 9))
    JourneeFactory(
        enfant=emma, prestation=garderie, date=datetime.date(2026, 12, 9), etat=Etat.PRESENT
    )
    for enfant in (lucas, emma):
        for prestation in (mercredi, garderie):
            for jour in (datetime.date(2026, 12, 9), datetime.date(2026, 12, 10)):
                orm = Journee.objects.filter(enfant=enfant, prestation=prestation, date=jour)
                compilee = journee_du_jour(
                    enfant_id=enfant.pk, prestation_id=prestation.pk, jour=jour
                )
                attendue = orm.first()
                assert compilee == attendue
                if attendue is not None:
                    assert compilee.etat == attendue.etat


def test_fermetures_and_campagnes_between_two_dates(inscriptions):
    lucas, emma, mercredi, garderie = inscriptions
    FermetureFactory(date_debut=datetime.date(2026, 12, 21), date_fin=datetime.date(2027, 1, 1))
    FermetureFactory(date_debut=datetime.date(2026, 11, 11), date_fin=datetime.date(2026, 11, 11))
    hiver = Campagne.objects.create(
        nom="Hiver",
        date_debut=datetime.date(2026, 12, 21),
        date_fin=datetime.date(2027, 1, 2),
        ouverture=_a_paris(2026, 11, 1, 8),
        cloture=_a_paris(2026, 12, 1, 18),
    )
    hiver.prestations.add(mercredi, garderie)
    noel = Campagne.objects.create(
        nom="Noël",
        date_debut=datetime.date(2026, 12, 24),
        date_fin=datetime.date(2026, 12, 24),
        ouverture=_a_paris(2026, 11, 1, 8),
        cloture=_a_paris(2026, 12, 1, 18),
    )
    noel.prestations.add(garderie)
    periodes = (
        (DECEMBRE, FIN_DECEMBRE),
        (datetime.date(2026, 12, 24), datetime.date(2026, 12, 24)),
        (datetime.date(2026, 11, 11), datetime.date(2026, 11, 11)),
        (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)),
    )
    for debut, fin in periodes:
        orm = list(Fermeture.objects.filter(date_debut__lte=fin, date_fin__gte=debut))
        assert fermetures_entre(debut, fin) == orm
    assert [(c.nom, c.prestation_ids) for c in campagnes_entre(DECEMBRE, FIN_DECEMBRE)] == [
        ("Hiver", {mercredi.pk, garderie.pk}),
        ("Noël", {garderie.pk}),
    ]
    assert campagnes_entre(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)) == []


def test_residences_read_the_titulaire_of_each_family(dupont, martin):
    resident = Campagne.objects.create(
        nom="Hiver",
        date_debut=datetime.date(2027, 2, 8),
        date_fin=datetime.date(2027, 2, 12),
        ouverture=_a_paris(2026, 12, 1, 8),
        ouverture_residents=_a_paris(2026, 11, 24, 8),
        communes_residentes="Bozel\n73350",
        cloture=_a_paris(2026, 12, 15, 18),
    )
    sans_priorite = Campagne(pk=resident.pk + 1, ouverture_residents=None)
    assert residences(dupont.pk, [sans_priorite]) == {}
    # Jean Dupont habite Saint-Jean, Marie Martin Bozel.
    assert residences(dupont.pk, [resident]) == {resident.pk: False}
    assert residences(martin.pk, [resident]) == {resident.pk: True}
    # Sans titulaire (le conjoint seul ne compte pas) : pas résidente.
    Responsable.objects.filter(famille=martin, role=Responsable.Role.TITULAIRE).update(
        role=Responsable.Role.CONJOINT
    )
    assert residences(martin.pk, [resident]) == {resident.pk: False}


def test_mes_enfants_queries_match_the_orm(dupont, martin):
    lucas = dupont.enfants.get()
    soeur = EnfantFactory(famille=dupont, nom="DUPONT", prenom="Léa", sexe="F")
    DemandeFactory(famille=dupont, enfant=lucas, statut=EN_ATTENTE)
    DemandeFactory(famille=dupont, enfant=lucas, statut=EN_ATTENTE)
    DemandeFactory(famille=dupont, enfant=soeur, statut=Demande.Statut.RETIREE)
    DemandeFactory(
        famille=dupont,
        type=Demande.Type.NOUVEL_ENFANT,
        statut=EN_ATTENTE,
        valeurs_demandees={"prenom": "Zoé", "nom": "DUPONT", "date_naissance": "2026-05-01"},
    )
    for famille in (dupont, martin):
        orm = list(
            Enfant.objects.filter(famille=famille)
            .annotate(demandes_en_attente=Count("demandes", filter=Q(demandes__statut=EN_ATTENTE)))
            .order_by("date_naissance", "prenom")
        )
        compilees = enfants_de_la_famille(famille_id=famille.pk)
        assert [(e.pk, e.prenom, e.demandes_en_attente) for e in compilees] == [
            (e.pk, e.prenom, e.demandes_en_attente) for e in orm
        ]
        attendues = list(
            Demande.objects.filter(
                famille=famille, type=Demande.Type.NOUVEL_ENFANT, statut=EN_ATTENTE
            ).order_by("date_demande")
        )
        assert inscriptions_en_attente(famille_id=famille.pk) == attendues
    assert sorted(
        (e.prenom, e.demandes_en_attente) for e in enfants_de_la_famille(famille_id=dupont.pk)
    ) == [("Lucas", 2), ("Léa", 0)]
    assert len(inscriptions_en_attente(famille_id=dupont.pk)) == 1
    assert inscriptions_en_attente(famille_id=martin.pk) == []
