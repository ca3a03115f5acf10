"""Les montants à la française."""

from decimal import Decimal

import pytest

from portail.templatetags.portail import euros

INSECABLE = "\u00a0"


@pytest.mark.parametrize(
    ("montant", "attendu"),
    [
        (Decimal("120.60"), f"120,60{INSECABLE}€"),
        (Decimal("1234.56"), f"1{INSECABLE}234,56{INSECABLE}€"),
        (Decimal("1234567"), f"1{INSECABLE}234{INSECABLE}567,00{INSECABLE}€"),
        (Decimal("0"), f"0,00{INSECABLE}€"),
        (Decimal("-20.5"), f"-20,50{INSECABLE}€"),
        (Decimal("0.005"), f"0,01{INSECABLE}€"),
        (7, f"7,00{INSECABLE}€"),
    ],
)
def test_un_montant_s_ecrit_en_euros_avec_des_espaces_insecables(montant, attendu):
    assert euros(montant) == attendu


def test_un_montant_absent_ne_s_ecrit_pas(db):
    assert euros(None) == ""
