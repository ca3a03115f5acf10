"""Deux passages de `rappeler_echeances` au même instant (deux machines dont la minuterie tombe
ensemble) : chaque facture et chaque famille n'a qu'un rappel. PostgreSQL seulement (verrous
de ligne et contrainte d'unicité sous de vraies transactions concurrentes)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from post_office.models import Email

from facturation.models import RappelEcheance
from tests.dossiers.fabriques import QUOTIENT, piece_acceptee, semer_types
from tests.factories import FactureFactory, RegieFactory, ResponsableFactory
from tests.facturation.test_numerotation import en_parallele

pytestmark = pytest.mark.postgresql

AU = datetime.date(2026, 12, 10)


def test_deux_passages_simultanes_ne_rappellent_qu_une_fois(transactional_db, settings):
    settings.RAPPEL_ECHEANCE_JOURS = 5
    semer_types()
    regie = RegieFactory()
    for rang in range(8):
        famille = ResponsableFactory(nom=f"FAMILLE{rang}").famille
        FactureFactory(
            famille=famille,
            regie=regie,
            montant=Decimal("42.50"),
            date_facture=datetime.date(2026, 11, 30),
            date_echeance=datetime.date(2026, 12, 14),
        )
        piece_acceptee(famille, QUOTIENT, jusqu_au=AU + datetime.timedelta(days=10))

    def rappeler():
        call_command("rappeler_echeances", "--date", AU.isoformat())

    assert en_parallele(rappeler, rappeler, rappeler) == []
    assert RappelEcheance.objects.count() == 8
    assert Email.objects.count() == 16
    assert len(mail.outbox) == 16
    assert len({(courriel.to[0], courriel.subject) for courriel in mail.outbox}) == 16
