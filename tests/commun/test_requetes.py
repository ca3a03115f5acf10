"""Les requêtes compilées une fois (commun/requetes.py) rendent ce que rend l'ORM."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commun.requetes import Forme, RequeteNonCompilable, compilee
from facturation.models import Facture, Reglement
from tests.factories import AffectationFactory, FactureFactory, RegieFactory, ReglementFactory

NOVEMBRE = datetime.date(2026, 11, 8)


@pytest.fixture(autouse=True)
def compilation_en_marche(settings):
    """Ces tests sont ceux du compilateur : il tourne, même quand la CI coupe le réglage
    (les mêmes lectures par l'ORM ordinaire : tests/commun/test_requetes_sans_compilation.py)."""
    settings.REQUETES_COMPILEES = True


@compilee
def _impayees(*, famille_id, au):
    return (
        Facture.objects.impayees()
        .filter(famille_id=famille_id, date_facture__lte=au)
        .select_related("regie")
        .order_by("numero")
    )


def _orm_impayees(famille_id, au):
    return list(
        Facture.objects.impayees()
        .filter(famille_id=famille_id, date_facture__lte=au)
        .select_related("regie")
        .order_by("numero")
    )


def _ligne(facture):
    return (
        facture.pk,
        facture.numero,
        facture.date_facture,
        facture.montant,
        facture.montant_regle,
        facture.reste_a_payer,
        facture.regie.nom,
    )


@pytest.fixture
def factures(dupont, martin):
    regie = RegieFactory()
    payee = FactureFactory(famille=dupont, regie=regie, montant=Decimal("40.00"))
    AffectationFactory(
        facture=payee,
        reglement=ReglementFactory(famille=dupont, regie=regie, montant=Decimal("40.00")),
        montant=Decimal("40.00"),
    )
    partielle = FactureFactory(famille=dupont, regie=regie, montant=Decimal("75.50"))
    AffectationFactory(
        facture=partielle,
        reglement=ReglementFactory(famille=dupont, regie=regie, montant=Decimal("25.00")),
        montant=Decimal("25.00"),
    )
    FactureFactory(
        famille=dupont,
        regie=regie,
        date_facture=datetime.date(2026, 12, 8),
        date_echeance=datetime.date(2026, 12, 31),
    )
    FactureFactory(famille=martin, regie=regie, montant=Decimal("12.30"))
    return partielle


def test_instances_with_annotations_and_related_match_the_orm(dupont, martin, factures):
    for famille in (dupont, martin):
        for au in (NOVEMBRE, datetime.date(2026, 12, 31), datetime.date(2020, 1, 1)):
            compilees = _impayees(famille_id=famille.pk, au=au)
            assert [_ligne(f) for f in compilees] == [
                _ligne(f) for f in _orm_impayees(famille.pk, au)
            ]
    partielle = _impayees(famille_id=dupont.pk, au=NOVEMBRE)
    assert [(f.pk, f.reste_a_payer) for f in partielle] == [(factures.pk, Decimal("50.50"))]
    assert isinstance(partielle[0].reste_a_payer, Decimal)


def test_each_call_runs_one_query_with_its_own_values(dupont, martin, factures):
    _impayees(famille_id=dupont.pk, au=NOVEMBRE)  # la compilation, au premier appel
    with CaptureQueriesContext(connection) as requetes:
        martins = _impayees(famille_id=martin.pk, au=NOVEMBRE)
    assert len(requetes) == 1
    assert [f.montant for f in martins] == [Decimal("12.30")]
    assert str(martin.pk) in requetes[0]["sql"]


@compilee
def _totaux(*, famille_id, genre_avoir):
    factures = Facture.objects.filter(famille_id=famille_id)
    if genre_avoir:
        factures = factures.filter(genre=Facture.Genre.AVOIR)
    return factures.values("regie__nom").annotate(nombre=Count("pk")).order_by("regie__nom")


def test_values_and_booleans_make_separate_shapes(dupont, factures):
    assert _totaux(famille_id=dupont.pk, genre_avoir=False) == [
        {"regie__nom": "Régie garderie ALSH", "nombre": 3}
    ]
    assert _totaux(famille_id=dupont.pk, genre_avoir=True) == []


@compilee
def _par_mode(*, famille_id, mode):
    return Reglement.objects.filter(famille_id=famille_id, mode=mode).values_list(
        "montant", flat=True
    )


def test_forme_values_and_text_parameters(dupont, factures):
    assert sorted(_par_mode(famille_id=dupont.pk, mode=Reglement.Mode.CHEQUE)) == [
        Decimal("25.00"),
        Decimal("40.00"),
    ]
    assert _par_mode(famille_id=dupont.pk, mode=Reglement.Mode.ESPECES) == []

    @compilee
    def avec_forme(*, famille_id, signe):
        if signe == "positif":
            return Facture.objects.filter(famille_id=famille_id, montant__gt=0)
        return Facture.objects.filter(famille_id=famille_id, montant__lt=0)

    assert len(avec_forme(famille_id=dupont.pk, signe=Forme("positif"))) == 3
    assert avec_forme(famille_id=dupont.pk, signe=Forme("negatif")) == []


def test_a_value_computed_inside_the_function_is_refused(dupont):
    @compilee
    def recentes(*, famille_id):
        return Reglement.objects.filter(famille_id=famille_id, date_saisie__lte=timezone.now())

    with pytest.raises(RequeteNonCompilable, match="calculée dans la fonction"):
        recentes(famille_id=dupont.pk)


def test_an_argument_transformed_by_a_lookup_is_refused(dupont):
    @compilee
    def par_numero(*, famille_id, morceau):
        return Facture.objects.filter(famille_id=famille_id, numero__contains=morceau)

    @compilee
    def par_annee(*, famille_id, annee):
        return Facture.objects.filter(famille_id=famille_id, date_facture__year=annee)

    with pytest.raises(RequeteNonCompilable, match="« morceau »"):
        par_numero(famille_id=dupont.pk, morceau="AL")
    with pytest.raises(RequeteNonCompilable, match="valeur témoin"):
        par_annee(famille_id=dupont.pk, annee=2026)


def test_lists_and_instances_are_refused(dupont):
    with pytest.raises(TypeError, match="famille_id"):
        _impayees(famille_id=[dupont.pk], au=NOVEMBRE)
    with pytest.raises(TypeError, match="famille_id"):
        _impayees(famille_id=dupont, au=NOVEMBRE)


@pytest.mark.django_db(transaction=True)
def test_another_thread_uses_its_own_connection(dupont, martin, factures):
    _impayees(famille_id=dupont.pk, au=NOVEMBRE)  # compilée par ce fil
    lues = {}

    def lire():
        try:
            lues["martin"] = [f.montant for f in _impayees(famille_id=martin.pk, au=NOVEMBRE)]
        finally:
            connection.close()

    fil = threading.Thread(target=lire)
    fil.start()
    fil.join()
    assert lues["martin"] == [Decimal("12.30")]


@compilee
def _par_rang(*, famille_id, rang):
    return Facture.objects.filter(famille_id=famille_id, rang__gte=rang).values_list(
        "numero", flat=True
    )


def test_integer_fields_that_are_not_keys(dupont, factures):
    """Sur PostgreSQL, l'ORM passe la valeur d'un champ entier dans un Int4 de psycopg."""
    rangs = sorted(Facture.objects.filter(famille=dupont).values_list("rang", flat=True))
    assert len(_par_rang(famille_id=dupont.pk, rang=rangs[0])) == 3
    assert len(_par_rang(famille_id=dupont.pk, rang=rangs[1])) == 2
    assert _par_rang(famille_id=dupont.pk, rang=rangs[2] + 1) == []


def test_an_identifier_out_of_the_column_range_finds_nothing_like_the_orm(dupont, factures):
    @compilee
    def facture(*, pk):
        return Facture.objects.filter(pk=pk)

    assert facture(pk=factures.pk) == [factures]
    for hors_bornes in (2**31, 2**63, -(2**63) - 1):  # un identifiant lu dans une adresse
        assert facture(pk=hors_bornes) == []
    assert _impayees(famille_id=2**31, au=NOVEMBRE) == []
    assert _par_rang(famille_id=dupont.pk, rang=2**31) == []
