"""Le pied du tableau du relevé : les totaux des lignes affichées, et seulement des côtés qui en
ont (« Mes règlements » n'a pas de total au débit) ; le solde du compte reste en dessous."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from tests.facturation.test_releve import DEBUT, facture, reglement
from tests.outils import texte


@pytest.fixture
def compte(dupont):
    jour = DEBUT + datetime.timedelta(days=40)
    facture(dupont, "AL-12", "243.20", jour)
    al36 = facture(dupont, "AL-36", "120.60", jour)
    # Un avoir, au crédit, parmi les factures.
    facture(dupont, "AV-2", "-10.00", jour, genre="avoir", facture_corrigee=al36)
    reglement(dupont, "AL-228", "243.20", jour)


def pied(reponse):
    """Le texte du pied du tableau."""
    balisage = re.search(r"<tfoot>.*?</tfoot>", reponse.content.decode(), re.S)[0]
    return " ".join(html.unescape(strip_tags(balisage)).split())


@pytest.mark.parametrize(
    ("vue", "attendu"),
    [
        ("reglements", "Total des règlements de l'année 243,20 €"),
        ("factures", "Totaux des factures de l'année 363,80 € 10,00 €"),
        ("tout", "Totaux de l'année scolaire 363,80 € 253,20 €"),
    ],
)
def test_the_footer_sums_the_rows_shown(client_dupont, compte, vue, attendu):
    reponse = client_dupont.get(reverse("releve"), {"vue": vue})

    assert pied(reponse) == attendu
    # Le solde du compte, lui, est celui de toute l'année.
    assert "Solde du compte pour l'année scolaire 110,60 €" in texte(reponse)


def test_my_payments_show_no_debit_total(client_dupont, compte):
    reponse = client_dupont.get(reverse("releve"), {"vue": "reglements"})

    assert "363,80" not in pied(reponse)
    assert '<td data-label="Total débit" class="text-end montant vide"></td>' in (
        reponse.content.decode()
    )
