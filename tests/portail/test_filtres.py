"""Les montants à la française ; les adresses du menu d'un enfant."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse

from enfants.views.enfants import SECTIONS
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


@pytest.mark.parametrize("nom_url", ["enfant_identite", "enfant_planning", "enfant_sanitaire"])
@pytest.mark.parametrize("pk", [1, 42, 2147483646, 10**12])
def test_le_menu_d_un_enfant_pose_les_memes_adresses_que_reverse(nom_url, pk):
    enfant = SimpleNamespace(pk=pk)
    menu = [(libelle, nom, nom == nom_url) for libelle, nom in SECTIONS.values()]

    balisage = Template("{% load portail %}{% menu_enfant menu enfant %}").render(
        Context({"menu": menu, "enfant": enfant})
    )

    for _, nom in SECTIONS.values():
        assert f'href="{reverse(nom, args=[pk])}"' in balisage
    assert f'href="{reverse(nom_url, args=[pk])}" aria-current="page"' in balisage
