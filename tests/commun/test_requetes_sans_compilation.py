"""Le réglage REQUETES_COMPILEES (commun/requetes.py) : coupé, chaque lecture passe par l'ORM
ordinaire et rend la même chose ; les pages des parents s'affichent à l'identique. Le cache des
formes compilées d'une fonction est borné."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from commun.requetes import COMPILATIONS_MAX, Forme, compilee
from enfants import lectures
from facturation.models import Facture
from familles.services import fils_de_la_famille
from tests.factories import (
    FactureFactory,
    FermetureFactory,
    InscriptionFactory,
    JourneeFactory,
    MessageFactory,
    PrestationFactory,
    RegieFactory,
)

MAINTENANT = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 0))
DECEMBRE = (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))


@pytest.fixture(autouse=True)
def fige(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MAINTENANT)


@pytest.fixture
def famille_occupee(dupont, martin):
    lucas = dupont.enfants.get()
    for nom, jours in (("ALSH Mercredi", "3"), ("Périscolaire", "1245")):
        prestation = PrestationFactory(nom=nom, jours_ouverture=jours)
        InscriptionFactory(enfant=lucas, prestation=prestation)
        JourneeFactory(enfant=lucas, prestation=prestation, date=datetime.date(2026, 12, 9))
    FermetureFactory(
        date_debut=datetime.date(2026, 12, 24), date_fin=datetime.date(2026, 12, 26), motif="Noël"
    )
    regie = RegieFactory()
    FactureFactory(famille=dupont, regie=regie, montant=Decimal("42.10"))
    FactureFactory(famille=martin, regie=regie, montant=Decimal("12.30"))
    MessageFactory.create_batch(2, famille=dupont)
    return dupont


def _lectures(famille):
    enfant = famille.enfants.get()
    debut, fin = DECEMBRE
    return {
        "inscriptions": [
            (i.pk, i.prestation.nom, i.prestation.structure.nom, i.responsable_id)
            for i in lectures.inscriptions_entre(enfant, debut, fin)
        ],
        "journees": sorted(
            (j.pk, j.etat, j.date)
            for j in lectures.journees_entre(enfant_id=enfant.pk, debut=debut, fin=fin)
        ),
        "fermetures": [(f.pk, f.motif) for f in lectures.fermetures_entre(debut, fin)],
        "reservables": [
            p.pk for p in lectures.prestations_reservables(enfant=enfant, aujourdhui=debut)
        ],
        "titulaire": lectures.titulaire_de_la_famille(famille.pk).pk,
        "fils": [(f.pk, f.nombre_messages, f.non_lus) for f in fils_de_la_famille(famille=famille)],
    }


def test_the_reads_give_the_same_results_with_and_without_compilation(
    settings, famille_occupee, martin
):
    settings.REQUETES_COMPILEES = True
    compilees = [_lectures(famille_occupee), _lectures(martin)]
    settings.REQUETES_COMPILEES = False
    par_l_orm = [_lectures(famille_occupee), _lectures(martin)]

    assert par_l_orm == compilees
    assert compilees[0]["fermetures"] and compilees[0]["journees"] and compilees[0]["fils"]


def _sans_jetons(page):
    """La page sans ce qui change à chaque réponse (jeton CSRF, nonce de la CSP)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'nonce="[^"]+"', "", page)


@pytest.mark.parametrize(
    "page", ["accueil", "releve", "boite", "mes_enfants", "demandes", "planning", "jour"]
)
def test_the_parent_pages_are_the_same_with_and_without_compilation(
    settings, client_dupont, famille_occupee, page
):
    lucas = famille_occupee.enfants.get()
    mercredi = lucas.inscriptions.get(prestation__nom="ALSH Mercredi").prestation
    urls = {
        "planning": reverse("enfant_planning", args=[lucas.pk]) + "?mois=2026-12",
        "jour": reverse(
            "enfant_planning_jour", args=[lucas.pk, mercredi.pk, datetime.date(2026, 12, 9)]
        ),
    }
    url = urls.get(page) or reverse(page)

    settings.REQUETES_COMPILEES = True
    compilee_ = client_dupont.get(url)
    settings.REQUETES_COMPILEES = False
    par_l_orm = client_dupont.get(url)

    assert compilee_.status_code == par_l_orm.status_code == 200
    assert _sans_jetons(par_l_orm.content.decode()) == _sans_jetons(compilee_.content.decode())


@compilee
def _factures_au_dessus(*, famille_id, seuil):
    return Facture.objects.filter(famille_id=famille_id, montant__gt=seuil)


def test_without_compilation_nothing_is_compiled_or_kept(settings, famille_occupee):
    settings.REQUETES_COMPILEES = False
    _factures_au_dessus.compilations.cache_clear()

    factures = _factures_au_dessus(famille_id=famille_occupee.pk, seuil=Forme(Decimal("40")))

    assert [f.montant for f in factures] == [Decimal("42.10")]
    assert _factures_au_dessus.compilations.cache_info().currsize == 0


def test_the_compiled_shapes_of_a_function_are_bounded(settings, famille_occupee):
    settings.REQUETES_COMPILEES = True
    _factures_au_dessus.compilations.cache_clear()

    for centimes in range(COMPILATIONS_MAX + 5):
        seuil = Forme(Decimal(centimes) / 100)
        resultat = _factures_au_dessus(famille_id=famille_occupee.pk, seuil=seuil)
        assert [f.montant for f in resultat] == [Decimal("42.10")]

    assert _factures_au_dessus.compilations.cache_info().currsize == COMPILATIONS_MAX


def test_only_the_lectures_modules_use_the_decorator():
    racine = Path(__file__).resolve().parents[2]
    employeurs = sorted(
        str(module.relative_to(racine))
        for app in ("portail", "familles", "enfants", "facturation", "demandes", "dossiers")
        for module in (racine / app).rglob("*.py")
        if "compilee" in module.read_text()
    )

    assert employeurs == [
        "demandes/lectures.py",
        "dossiers/lectures.py",
        "enfants/lectures.py",
        "facturation/lectures.py",
        "familles/lectures.py",
    ]
