"""Les exports des factures et des règlements : montants à la française dans le CSV, en
nombres dans le classeur ; la liste filtrée (un mois) est celle qui s'exporte."""

import datetime
from decimal import Decimal

from tests.exports import (
    CSV,
    XLSX,
    en_dictionnaires,
    exporter,
    feuille_xlsx,
    lignes_csv,
    lignes_xlsx,
)
from tests.factories import AffectationFactory, FactureFactory, ReglementFactory


def facture_en_partie_reglee(famille):
    facture = FactureFactory(
        famille=famille,
        numero="AL-36",
        montant=Decimal("1234.50"),
        date_echeance=datetime.date(2026, 11, 30),
    )
    reglement = ReglementFactory(
        famille=famille,
        numero="AL-228",
        montant=Decimal("234.50"),
        reference='=HYPERLINK("http://mal.example","clic")',
    )
    AffectationFactory(reglement=reglement, facture=facture, montant=Decimal("234.50"))
    return facture


def test_invoices_export_as_csv_with_french_amounts_and_dates(client_agent, dupont):
    facture_en_partie_reglee(dupont)

    response = exporter(client_agent, "facturation_facture", CSV)

    assert response.status_code == 200
    (facture,) = en_dictionnaires(lignes_csv(response))
    assert facture["N° facture"] == "AL-36"
    assert facture["N° famille"] == "1001001819331"
    assert facture["Responsable"] == "DUPONT JEAN"
    assert facture["Date facture"] == "08/11/2026"
    assert facture["Échéance"] == "30/11/2026"
    assert facture["Montant"] == "1\u00a0234,50"
    assert facture["Déjà réglé"] == "234,50"
    assert facture["Reste à payer"] == "1\u00a0000,00"
    assert facture["État"] == "Échue"


def test_invoices_export_as_xlsx_with_numbers_and_date_formats(client_agent, dupont):
    facture_en_partie_reglee(dupont)

    response = exporter(client_agent, "facturation_facture", XLSX)

    (facture,) = en_dictionnaires(lignes_xlsx(response))
    assert facture["Montant"] == 1234.5
    assert facture["Reste à payer"] == 1000
    assert facture["Date facture"] == datetime.datetime(2026, 11, 8)
    feuille = feuille_xlsx(response)
    entetes = [cellule.value for cellule in feuille[1]]
    montant = feuille.cell(row=2, column=entetes.index("Montant") + 1)
    date = feuille.cell(row=2, column=entetes.index("Date facture") + 1)
    assert montant.number_format == "#,##0.00"
    assert date.number_format == "DD/MM/YYYY"


def test_the_invoice_export_follows_the_month_chosen_in_the_list(client_agent, dupont):
    FactureFactory(famille=dupont, numero="AL-1", date_facture=datetime.date(2026, 10, 8))
    FactureFactory(famille=dupont, numero="AL-2", date_facture=datetime.date(2026, 11, 8))

    response = exporter(
        client_agent, "facturation_facture", CSV, "date_facture__year=2026&date_facture__month=11"
    )

    assert [f["N° facture"] for f in en_dictionnaires(lignes_csv(response))] == ["AL-2"]


def test_payments_export_neutralises_formulas(client_agent, dupont):
    facture_en_partie_reglee(dupont)

    csv_ = en_dictionnaires(lignes_csv(exporter(client_agent, "facturation_reglement", CSV)))
    xlsx = feuille_xlsx(exporter(client_agent, "facturation_reglement", XLSX))

    (reglement,) = csv_
    assert reglement["N° règlement"] == "AL-228"
    assert reglement["Date"] == "10/11/2026"
    assert reglement["Mode"] == "Chèque"
    assert reglement["Montant"] == "234,50"
    assert reglement["Référence"] == '\'=HYPERLINK("http://mal.example","clic")'
    entetes = [cellule.value for cellule in xlsx[1]]
    reference = xlsx.cell(row=2, column=entetes.index("Référence") + 1)
    assert reference.data_type == "s"
    assert reference.value == '=HYPERLINK("http://mal.example","clic")'


def test_a_parent_cannot_export_invoices(client_dupont):
    response = exporter(client_dupont, "facturation_facture", XLSX)

    assert response.status_code == 302
