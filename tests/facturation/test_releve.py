"""Le « Relevé de compte » de l'année scolaire et le solde d'une famille."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from facturation.comptes import annee_scolaire, releve_annee_scolaire, solde_famille
from facturation.models import Facture, Reglement
from tests.factories import FactureFactory, RegieFactory, ReglementFactory
from tests.outils import texte

AUJOURDHUI = timezone.localdate()
DEBUT, FIN = annee_scolaire(AUJOURDHUI)


def facture(famille, numero, montant, date, **autres):
    return FactureFactory(
        famille=famille,
        regie=RegieFactory(),
        numero=numero,
        rang=int(numero.split("-")[1]),
        date_facture=date,
        date_echeance=date + datetime.timedelta(days=22),
        periode_debut=date.replace(day=1),
        periode_fin=date,
        montant=Decimal(montant),
        **autres,
    )


def reglement(famille, numero, montant, date, **autres):
    return ReglementFactory(
        famille=famille,
        regie=RegieFactory(),
        numero=numero,
        date=date,
        montant=Decimal(montant),
        **autres,
    )


@pytest.mark.parametrize(
    ("jour", "debut", "fin"),
    [
        (datetime.date(2015, 4, 8), datetime.date(2014, 9, 1), datetime.date(2015, 8, 31)),
        (datetime.date(2026, 9, 1), datetime.date(2026, 9, 1), datetime.date(2027, 8, 31)),
        (datetime.date(2027, 8, 31), datetime.date(2026, 9, 1), datetime.date(2027, 8, 31)),
    ],
)
def test_l_annee_scolaire_va_du_1er_septembre_au_31_aout(jour, debut, fin):
    assert annee_scolaire(jour) == (debut, fin)


def test_le_solde_est_les_factures_moins_les_reglements_a_la_date_dite(dupont, martin):
    facture(dupont, "AL-12", "243.20", datetime.date(2015, 4, 8))
    facture(dupont, "AL-36", "120.60", datetime.date(2015, 4, 8))
    reglement(dupont, "AL-228", "243.20", datetime.date(2015, 4, 8))
    facture(dupont, "AL-37", "50.00", datetime.date(2015, 5, 8))
    facture(martin, "AL-38", "999.00", datetime.date(2015, 4, 8))

    assert solde_famille(famille=dupont, au=datetime.date(2015, 4, 30)) == Decimal("120.60")
    assert solde_famille(famille=dupont, au=datetime.date(2015, 5, 8)) == Decimal("170.60")
    assert solde_famille(famille=dupont, au=datetime.date(2015, 4, 7)) == Decimal("0.00")


def test_un_avoir_diminue_le_solde_et_vient_au_credit_du_releve(dupont):
    origine = facture(dupont, "AL-12", "243.20", DEBUT)
    facture(
        dupont,
        "AL-13",
        "-43.20",
        DEBUT,
        genre=Facture.Genre.AVOIR,
        facture_corrigee=origine,
    )

    releve = releve_annee_scolaire(famille=dupont, jour=AUJOURDHUI)

    assert solde_famille(famille=dupont, au=AUJOURDHUI) == Decimal("200.00")
    avoir = next(op for op in releve.operations if op.numero == "AL-13")
    assert (avoir.debit, avoir.credit) == (None, Decimal("43.20"))
    assert avoir.description.startswith("Avoir : ")


def test_le_releve_montre_les_operations_de_l_annee_avec_leurs_totaux(client_dupont, dupont):
    facture(dupont, "AL-12", "243.20", DEBUT + datetime.timedelta(days=10))
    facture(dupont, "AL-36", "120.60", DEBUT + datetime.timedelta(days=40))
    reglement(dupont, "AL-228", "243.20", DEBUT + datetime.timedelta(days=40))

    page = texte(client_dupont.get(reverse("releve")))

    assert f"Année scolaire {DEBUT.year}-{FIN.year}" in page
    quarante = (DEBUT + datetime.timedelta(days=40)).strftime("%d/%m/%Y")
    dix = (DEBUT + datetime.timedelta(days=10)).strftime("%d/%m/%Y")
    assert f"AL-228 {quarante} Règlement : Chèque Régie garderie ALSH 243,20 €" in page
    assert f"AL-36 {quarante} Facture : " in page
    assert f"AL-12 {dix} Facture : " in page
    assert "Régie garderie ALSH 243,20 €" in page
    assert "Totaux de l'année scolaire 363,80 € 243,20 €" in page
    assert "Ancien solde au " in page
    assert "Solde du compte pour l'année scolaire 120,60 €" in page


def test_les_operations_les_plus_recentes_viennent_en_premier(client_dupont, dupont):
    facture(dupont, "AL-12", "243.20", DEBUT + datetime.timedelta(days=10))
    facture(dupont, "AL-36", "120.60", DEBUT + datetime.timedelta(days=40))

    page = texte(client_dupont.get(reverse("releve")))

    assert page.index("AL-36") < page.index("AL-12")


def test_les_annees_precedentes_forment_l_ancien_solde(client_dupont, dupont):
    facture(dupont, "AL-5", "80.00", DEBUT - datetime.timedelta(days=60))
    reglement(dupont, "AL-200", "30.00", DEBUT - datetime.timedelta(days=30))
    facture(dupont, "AL-36", "120.60", DEBUT + datetime.timedelta(days=1))

    page = texte(client_dupont.get(reverse("releve")))

    assert "AL-5 " not in page
    assert "AL-200" not in page
    assert f"Ancien solde au {DEBUT:%d/%m/%Y} 50,00 €" in page
    assert "Solde du compte pour l'année scolaire 170,60 €" in page


def test_un_titre_emis_se_lit_avec_son_numero_d_ormc(client_dupont, dupont):
    reglement(
        dupont,
        "AL-300",
        "120.60",
        DEBUT + datetime.timedelta(days=5),
        mode=Reglement.Mode.TITRE_EMIS,
        reference="4521",
    )

    page = texte(client_dupont.get(reverse("releve")))

    assert "Règlement : Titre émis (ORMC n°4521)" in page


def test_le_releve_de_dupont_ne_montre_rien_de_martin(client_dupont, martin):
    facture(martin, "AL-40", "55.00", DEBUT + datetime.timedelta(days=3))
    reglement(martin, "AL-241", "55.00", DEBUT + datetime.timedelta(days=4))

    page = texte(client_dupont.get(reverse("releve")))

    assert "AL-40" not in page
    assert "AL-241" not in page
    assert "Aucune facture ni aucun règlement sur l'année scolaire" in page


def test_le_releve_tient_en_douze_requetes(client_dupont, dupont, django_assert_max_num_queries):
    for rang in range(100, 140):
        facture(dupont, f"AL-{rang}", "10.00", DEBUT + datetime.timedelta(days=rang - 100))
        reglement(dupont, f"AL-R{rang}", "10.00", DEBUT + datetime.timedelta(days=rang - 100))

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("releve"))

    assert "Totaux de l'année scolaire 400,00 € 400,00 €" in texte(reponse)
