"""Les attestations fiscales : les règlements de l'année, la part qui paie des frais de garde,
la règle des moins de 6 ans au 1er janvier, les prestations exclues, les versions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from facturation.attestations import (
    calculer_frais_de_garde,
    emettre_attestation_fiscale,
    lire_attestation,
    moins_de_6_ans,
)
from facturation.comptes import Compte
from facturation.models import AttestationFiscale, Reglement
from tests.factories import (
    AffectationFactory,
    EnfantFactory,
    FactureFactory,
    LigneFactureFactory,
    PrestationFactory,
    ReglementFactory,
)

D = Decimal
AUJOURDHUI = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def medias(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def garde():
    return PrestationFactory(nom="ALSH Mercredi après-midi")


@pytest.fixture
def cantine():
    return PrestationFactory(nom="Restauration scolaire", frais_de_garde=False)


@pytest.fixture
def lea(dupont):
    """Née le 14/05/2021 : 4 ans au 01/01/2025."""
    return EnfantFactory(
        famille=dupont, prenom="Léa", nom="DUPONT", date_naissance=datetime.date(2021, 5, 14)
    )


def facture(famille, lignes, *, date=datetime.date(2025, 3, 8), genre="facture", corrigee=None):
    """Une facture (ou un avoir) et ses lignes : [(enfant, prestation, montant)]."""
    total = sum((montant for _, _, montant in lignes), D("0"))
    fin = date - datetime.timedelta(days=8)
    f = FactureFactory(
        famille=famille,
        montant=total,
        date_facture=date,
        date_echeance=date + datetime.timedelta(days=22),
        periode_debut=fin.replace(day=1),
        periode_fin=fin,
        genre=genre,
        facture_corrigee=corrigee,
    )
    for enfant, prestation, montant in lignes:
        LigneFactureFactory(
            facture=f, enfant=enfant, prestation=prestation, montant=montant, libelle=str(montant)
        )
    return f


def regler(famille, factures, *, date, mode=Reglement.Mode.CHEQUE, montant=None):
    """Un règlement affecté aux factures : [(facture, montant affecté)]."""
    total = montant or sum((m for _, m in factures), D("0"))
    reglement = ReglementFactory(famille=famille, date=date, mode=mode, montant=total)
    for f, m in factures:
        AffectationFactory(reglement=reglement, facture=f, montant=m)
    return reglement


def montants(frais):
    return {ligne.enfant.prenom: ligne.montant for ligne in frais.enfants}


def test_under_6_on_the_first_of_january():
    assert moins_de_6_ans(datetime.date(2019, 1, 2), 2025)
    assert not moins_de_6_ans(datetime.date(2019, 1, 1), 2025)  # 6 ans le 01/01/2025
    assert not moins_de_6_ans(datetime.date(2018, 12, 31), 2025)
    assert moins_de_6_ans(datetime.date(2025, 6, 1), 2025)  # né dans l'année


def test_a_child_who_turns_6_during_the_year_still_counts_for_the_whole_year(dupont, garde):
    """Né le 20/06/2019 : 5 ans au 01/01/2025, 6 ans en juin ; ce qui est payé en décembre
    compte encore. Né le 01/01/2019 : 6 ans au 1er janvier, rien ne compte."""
    juin = EnfantFactory(famille=dupont, prenom="Juin", date_naissance=datetime.date(2019, 6, 20))
    janvier = EnfantFactory(famille=dupont, prenom="Jan", date_naissance=datetime.date(2019, 1, 1))
    f = facture(dupont, [(juin, garde, D("40.00")), (janvier, garde, D("60.00"))])
    regler(dupont, [(f, D("100.00"))], date=datetime.date(2025, 12, 15))

    assert montants(calculer_frais_de_garde(famille=dupont, annee=2025)) == {"Juin": D("40.00")}
    assert calculer_frais_de_garde(famille=dupont, annee=2026).enfants == []


def test_canteen_is_excluded_by_the_prestation_setting(dupont, lea, garde, cantine):
    f = facture(dupont, [(lea, garde, D("34.00")), (lea, cantine, D("42.00"))])
    regler(dupont, [(f, D("76.00"))], date=datetime.date(2025, 3, 20))

    frais = calculer_frais_de_garde(famille=dupont, annee=2025)

    assert montants(frais) == {"Léa": D("34.00")}
    assert frais.total_reglements == D("76.00")


def test_a_partial_payment_counts_pro_rata(dupont, lea, garde, cantine):
    """Un tiers de la facture payé : un tiers de la garde, arrondi au centime à la fin."""
    f = facture(dupont, [(lea, garde, D("10.00")), (lea, cantine, D("20.00"))])
    regler(dupont, [(f, D("10.00"))], date=datetime.date(2025, 3, 20))
    regler(dupont, [(f, D("10.00"))], date=datetime.date(2025, 4, 20))
    regler(dupont, [(f, D("10.00"))], date=datetime.date(2025, 5, 20))

    assert montants(calculer_frais_de_garde(famille=dupont, annee=2025)) == {"Léa": D("10.00")}


def test_a_january_payment_of_a_december_invoice_counts_for_the_year_it_is_paid(dupont, lea, garde):
    """La règle de l'impôt : les sommes versées dans l'année. La facture de décembre 2024
    payée le 10/01/2025 compte pour 2025, pas pour 2024."""
    decembre = facture(dupont, [(lea, garde, D("51.00"))], date=datetime.date(2025, 1, 8))
    regler(dupont, [(decembre, D("51.00"))], date=datetime.date(2025, 1, 10))
    novembre = facture(dupont, [(lea, garde, D("17.00"))], date=datetime.date(2024, 12, 8))
    regler(dupont, [(novembre, D("17.00"))], date=datetime.date(2024, 12, 20))

    assert montants(calculer_frais_de_garde(famille=dupont, annee=2025)) == {"Léa": D("51.00")}
    assert montants(calculer_frais_de_garde(famille=dupont, annee=2024)) == {"Léa": D("17.00")}


def test_an_avoir_lowers_what_the_payment_paid(dupont, lea, garde, cantine):
    """Facture 100 € (garde 60, cantine 40) ; un avoir retire 20 € de garde : il reste 80 à
    payer, dont 40 de garde. Le règlement de 80 € paie 40 € de garde."""
    f = facture(dupont, [(lea, garde, D("60.00")), (lea, cantine, D("40.00"))])
    facture(
        dupont,
        [(lea, garde, D("-20.00"))],
        date=datetime.date(2025, 3, 10),
        genre="avoir",
        corrigee=f,
    )
    regler(dupont, [(f, D("80.00"))], date=datetime.date(2025, 3, 20))

    assert montants(calculer_frais_de_garde(famille=dupont, annee=2025)) == {"Léa": D("40.00")}


def test_titre_emis_and_unallocated_excess_are_not_counted(dupont, lea, garde):
    payee = facture(dupont, [(lea, garde, D("30.00"))])
    regler(dupont, [(payee, D("30.00"))], date=datetime.date(2025, 3, 20), montant=D("45.00"))
    transmise = facture(dupont, [(lea, garde, D("50.00"))], date=datetime.date(2025, 4, 8))
    regler(dupont, [(transmise, D("50.00"))], date=datetime.date(2025, 6, 1), mode="titre_emis")

    frais = calculer_frais_de_garde(famille=dupont, annee=2025)

    assert montants(frais) == {"Léa": D("30.00")}
    assert frais.total_reglements == D("95.00")  # le relevé de compte les montre tous


def test_the_year_s_payments_are_those_of_the_statement(dupont, lea, garde, cantine):
    """Les règlements de l'attestation sont les crédits « Règlement » du relevé à ces dates."""
    f1 = facture(dupont, [(lea, garde, D("25.50")), (lea, cantine, D("12.60"))])
    f2 = facture(dupont, [(lea, garde, D("8.50"))], date=datetime.date(2025, 10, 8))
    regler(dupont, [(f1, D("38.10"))], date=datetime.date(2025, 3, 15))
    regler(dupont, [(f2, D("8.50"))], date=datetime.date(2025, 10, 15))

    frais = calculer_frais_de_garde(famille=dupont, annee=2025)
    compte = Compte.de_la_famille(dupont)
    credits = [
        op.credit
        for jour in (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
        for op in compte.releve(jour).operations_de("reglements")
        if op.date.year == 2025
    ]

    assert frais.total_reglements == sum(credits) == D("46.60")
    assert frais.total == D("34.00")


def test_several_children_each_get_their_share(dupont, lea, garde):
    tom = EnfantFactory(famille=dupont, prenom="Tom", date_naissance=datetime.date(2022, 2, 2))
    f = facture(dupont, [(lea, garde, D("30.00")), (tom, garde, D("45.00"))])
    regler(dupont, [(f, D("75.00"))], date=datetime.date(2025, 3, 20))

    frais = calculer_frais_de_garde(famille=dupont, annee=2025)

    assert montants(frais) == {"Léa": D("30.00"), "Tom": D("45.00")}
    assert frais.total == D("75.00")


def test_issuing_archives_the_pdf_with_its_hash_and_does_not_repeat(dupont, lea, garde):
    f = facture(dupont, [(lea, garde, D("30.00"))])
    regler(dupont, [(f, D("30.00"))], date=datetime.date(2025, 3, 20))

    attestation = emettre_attestation_fiscale(famille=dupont, annee=2025, aujourdhui=AUJOURDHUI)
    encore = emettre_attestation_fiscale(famille=dupont, annee=2025, aujourdhui=AUJOURDHUI)

    assert encore.pk == attestation.pk
    assert AttestationFiscale.objects.count() == 1
    assert (attestation.version, attestation.montant) == (1, D("30.00"))
    assert len(attestation.pdf_sha256) == 64
    assert lire_attestation(attestation).startswith(b"%PDF-")


def test_a_late_payment_makes_a_new_version_that_replaces_the_previous(dupont, lea, garde):
    f = facture(dupont, [(lea, garde, D("30.00")), (lea, garde, D("20.00"))])
    regler(dupont, [(f, D("30.00"))], date=datetime.date(2025, 3, 20))
    premiere = emettre_attestation_fiscale(famille=dupont, annee=2025, aujourdhui=AUJOURDHUI)
    regler(dupont, [(f, D("20.00"))], date=datetime.date(2025, 12, 30))  # saisi en retard

    seconde = emettre_attestation_fiscale(famille=dupont, annee=2025, aujourdhui=AUJOURDHUI)

    assert (seconde.version, seconde.remplace, seconde.montant) == (2, premiere, D("50.00"))
    premiere.refresh_from_db()
    assert premiere.montant == D("30.00")  # l'ancienne reste telle qu'émise
    assert seconde.pdf.name != premiere.pdf.name


@pytest.mark.parametrize(
    ("annee", "message"),
    [
        (2027, "L'année 2027 n'a pas commencé"),
        (2026, "L'année 2026 n'est pas terminée"),
        (2024, "Aucun règlement reçu en 2024"),
    ],
)
def test_a_year_without_certificate_is_refused_and_nothing_is_written(
    dupont, lea, garde, annee, message
):
    f = facture(dupont, [(lea, garde, D("30.00"))])
    regler(dupont, [(f, D("30.00"))], date=datetime.date(2025, 3, 20))

    with pytest.raises(ValidationError, match=message):
        emettre_attestation_fiscale(famille=dupont, annee=annee, aujourdhui=AUJOURDHUI)

    assert not AttestationFiscale.objects.exists()


def test_a_year_paying_only_canteen_is_refused(dupont, lea, cantine):
    f = facture(dupont, [(lea, cantine, D("42.00"))])
    regler(dupont, [(f, D("42.00"))], date=datetime.date(2025, 3, 20))

    with pytest.raises(ValidationError, match="ne paient aucun frais de garde"):
        emettre_attestation_fiscale(famille=dupont, annee=2025, aujourdhui=AUJOURDHUI)
    assert not AttestationFiscale.objects.exists()
