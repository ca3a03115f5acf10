"""Le fichier de prélèvement SEPA (pain.008) : une transaction par facture impayée du mois
des familles en prélèvement automatique, relu et vérifié."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from facturation.models import MandatSepa
from facturation.sepa import exporter_prelevements
from tests.factories import AffectationFactory, FactureFactory, RegieFactory, ReglementFactory

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
NOVEMBRE = datetime.date(2026, 11, 1)


@pytest.fixture
def regie(db):
    return RegieFactory()


@pytest.fixture
def prelevees(regie, dupont, martin):
    dupont.prelevement_automatique, dupont.iban, dupont.bic = (
        True,
        "FR76 3000 6000 0112 3456 7890 189",
        "AGRIFRPP",
    )
    dupont.save()
    martin.prelevement_automatique, martin.iban = True, "FR7630004000031234567890143"
    martin.save()
    FactureFactory(regie=regie, famille=dupont, rang=36, montant=Decimal("120.60"))
    payee = FactureFactory(regie=regie, famille=dupont, rang=35, montant=Decimal("10.00"))
    AffectationFactory(
        reglement=ReglementFactory(regie=regie, famille=dupont, montant=Decimal("10.00")),
        facture=payee,
        montant=Decimal("10.00"),
    )
    partielle = FactureFactory(regie=regie, famille=martin, rang=37, montant=Decimal("53.80"))
    AffectationFactory(
        reglement=ReglementFactory(regie=regie, famille=martin, montant=Decimal("3.80")),
        facture=partielle,
        montant=Decimal("3.80"),
    )
    # Le mois précédent : pas dans le fichier de novembre.
    FactureFactory(
        regie=regie,
        famille=martin,
        rang=7,
        periode_debut=datetime.date(2026, 10, 1),
        periode_fin=datetime.date(2026, 10, 31),
    )
    return dupont, martin


def lire(xml):
    racine = ET.fromstring(xml)
    transactions = racine.findall(".//p:DrctDbtTxInf", NS)
    return racine, {
        t.find("p:DrctDbtTx/p:MndtRltdInf/p:MndtId", NS).text: (
            Decimal(t.find("p:InstdAmt", NS).text),
            t.find("p:DbtrAcct/p:Id/p:IBAN", NS).text,
        )
        for t in transactions
    }


def test_the_file_has_one_transaction_per_unpaid_invoice_of_the_month(regie, prelevees):
    dupont, martin = prelevees

    racine, transactions = lire(exporter_prelevements(regie=regie, mois=NOVEMBRE))

    assert transactions == {
        f"RUM-{dupont.numero}": (Decimal("120.60"), "FR7630006000011234567890189"),
        f"RUM-{martin.numero}": (Decimal("50.00"), "FR7630004000031234567890143"),
    }
    assert racine.find("p:CstmrDrctDbtInitn/p:GrpHdr/p:NbOfTxs", NS).text == "2"
    assert Decimal(racine.find("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", NS).text) == Decimal(
        "170.60"
    )
    # sepaxml ramène les noms au jeu de caractères SEPA (sans accents).
    assert racine.find(".//p:Cdtr/p:Nm", NS).text == "Regie enfance Val Vanoise"


def test_families_without_direct_debit_are_left_out(regie, prelevees):
    dupont, martin = prelevees
    martin.prelevement_automatique = False
    martin.save()

    _, transactions = lire(exporter_prelevements(regie=regie, mois=NOVEMBRE))

    assert list(transactions) == [f"RUM-{dupont.numero}"]


def test_a_mandate_is_created_once_per_family(regie, prelevees):
    dupont, _ = prelevees

    exporter_prelevements(regie=regie, mois=NOVEMBRE)
    exporter_prelevements(regie=regie, mois=NOVEMBRE)

    assert MandatSepa.objects.count() == 2
    mandat = MandatSepa.objects.get(famille=dupont)
    assert (mandat.iban, mandat.bic, mandat.actif) == (
        "FR7630006000011234567890189",
        "AGRIFRPP",
        True,
    )


def test_the_admin_action_downloads_the_file(client_agent, regie, prelevees):
    response = client_agent.post(
        "/admin/facturation/regie/",
        {
            "action": "exporter_prelevement_sepa",
            "_selected_action": [regie.pk],
            "confirmer": "1",
            "mois": "2026-11",
        },
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="prelevement-AL-2026-11.xml"'
    _, transactions = lire(response.content)
    assert len(transactions) == 2
