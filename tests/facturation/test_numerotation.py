"""La numérotation des factures et des règlements : par régie, avec son préfixe, sans trou
ni doublon, même quand deux traitements se chevauchent (PostgreSQL, deux fils)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from facturation import services
from facturation.models import Facture, Reglement
from tests.factories import (
    EnfantFactory,
    FactureFactory,
    FamilleFactory,
    JourneeFactory,
    PrestationFactory,
    RegieFactory,
    TarifFactory,
)

NOVEMBRE = {"debut": datetime.date(2026, 11, 1), "fin": datetime.date(2026, 11, 30)}


def en_parallele(*taches):
    """Lance les tâches dans des fils qui partent ensemble ; rend leurs erreurs."""
    depart = threading.Barrier(len(taches))
    erreurs = []

    def fil(tache):
        try:
            depart.wait()
            tache()
        except Exception as erreur:  # noqa: BLE001 — rapportée au test
            erreurs.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=fil, args=(tache,)) for tache in taches]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    return erreurs


def test_a_failed_run_gives_its_numbers_back(db):
    regie = RegieFactory(dernier_numero_facture=37)
    facture = FactureFactory(regie=regie, rang=36)

    with pytest.raises(Exception, match="dépasseraient"):
        services.emettre_avoir(facture=facture, montant=Decimal("500.00"), motif="Trop")
    avoir = services.emettre_avoir(facture=facture, montant=Decimal("5.00"), motif="Geste")

    assert avoir.numero == "AL-38"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_runs_get_contiguous_unique_numbers():
    regie = RegieFactory(dernier_numero_facture=37)
    prestation = PrestationFactory(nom="ALSH Mercredi journée", jours_ouverture="3")
    TarifFactory(prestation=prestation, regie=regie, prix_unitaire=Decimal("15.00"))
    groupes = ([], [])
    for n in range(40):
        enfant = EnfantFactory(famille=FamilleFactory())
        JourneeFactory(enfant=enfant, prestation=prestation, date=datetime.date(2026, 11, 4))
        groupes[n % 2].append(enfant.famille_id)

    def facturer(familles):
        return lambda: services.facturer_periode(
            regie=regie, **NOVEMBRE, familles=familles, produire_pdf=False, annoncer=False
        )

    erreurs = en_parallele(facturer(groupes[0]), facturer(groupes[1]))

    assert erreurs == []
    rangs = sorted(Facture.objects.values_list("rang", flat=True))
    assert rangs == list(range(38, 78))
    for groupe in groupes:
        rangs_du_groupe = sorted(
            Facture.objects.filter(famille__in=groupe).values_list("rang", flat=True)
        )
        assert rangs_du_groupe == list(range(rangs_du_groupe[0], rangs_du_groupe[0] + 20))
    regie.refresh_from_db()
    assert regie.dernier_numero_facture == 77


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_same_run_twice_at_once_bills_each_day_once():
    regie = RegieFactory()
    prestation = PrestationFactory(nom="ALSH Mercredi journée", jours_ouverture="3")
    TarifFactory(prestation=prestation, regie=regie, prix_unitaire=Decimal("15.00"))
    for _ in range(10):
        enfant = EnfantFactory(famille=FamilleFactory())
        JourneeFactory(enfant=enfant, prestation=prestation, date=datetime.date(2026, 11, 4))

    def facturer():
        services.facturer_periode(regie=regie, **NOVEMBRE, produire_pdf=False, annoncer=False)

    erreurs = en_parallele(facturer, facturer)

    assert erreurs == []
    assert sorted(Facture.objects.values_list("rang", flat=True)) == list(range(1, 11))


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_payments_get_distinct_consecutive_numbers():
    regie = RegieFactory(dernier_numero_reglement=228)
    familles = [FamilleFactory() for _ in range(6)]

    def regler(famille):
        return lambda: services.enregistrer_reglement(
            famille=famille,
            regie=regie,
            mode=Reglement.Mode.ESPECES,
            montant=Decimal("10.00"),
            date=datetime.date(2026, 11, 10),
        )

    erreurs = en_parallele(*(regler(famille) for famille in familles))

    assert erreurs == []
    assert sorted(Reglement.objects.values_list("numero", flat=True)) == sorted(
        f"AL-{n}" for n in range(229, 235)
    )
