"""`rappeler_echeances`, chaque matin : le rappel d'une facture impayée quelques jours avant son
échéance et celui des documents du dossier qui vont expirer — aux responsables qui acceptent
les courriels, une seule fois chacun."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from dossiers.models import PieceDossier
from facturation.models import Facture, RappelEcheance, Reglement
from familles.models import Responsable
from tests.dossiers.fabriques import (
    ASSURANCE,
    QUOTIENT,
    PieceDossierFactory,
    piece_acceptee,
    type_document,
)
from tests.factories import AffectationFactory, FactureFactory, RegieFactory, ReglementFactory

AU = datetime.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def reglages(settings):
    settings.RAPPEL_ECHEANCE_JOURS = 5
    settings.RAPPEL_DOCUMENT_JOURS = 30
    settings.PORTAIL_URL = "https://portail.valvanoise.fr"


def facture(famille, *, echeance, montant="42.50", **autres):
    return FactureFactory(
        famille=famille,
        regie=RegieFactory(),
        montant=Decimal(montant),
        date_facture=datetime.date(2026, 11, 30),
        date_echeance=echeance,
        **autres,
    )


def rappeler(au=AU):
    sortie = StringIO()
    call_command("rappeler_echeances", "--date", au.isoformat(), stdout=sortie)
    return sortie.getvalue()


# --- Les factures ----------------------------------------------------------------------------


def test_une_facture_impayee_est_rappelee_cinq_jours_avant_son_echeance_une_fois(dupont):
    facture(dupont, echeance=datetime.date(2026, 12, 15), rang=36)

    sortie = rappeler()

    assert sortie == (
        "Rappels du 10/12/2026 : 1 facture(s) proche(s) de l'échéance, 0 document(s) "
        "proche(s) de l'expiration (0 famille(s)).\n"
    )
    (courriel,) = mail.outbox
    assert courriel.to == ["jean.dupont@wanadoo.fr"]
    assert courriel.subject == "Portail Familles : facture AL-36 à régler avant le 15/12/2026"
    assert "Reste à payer : 42,50\xa0€" in courriel.body
    assert "À régler avant le : 15/12/2026" in courriel.body
    assert "https://portail.valvanoise.fr/releve/" in courriel.body
    assert "Reste à payer" in courriel.alternatives[0][0]
    assert RappelEcheance.objects.get().destinataires == 1

    assert "0 facture(s)" in rappeler()
    assert "0 facture(s)" in rappeler(AU + datetime.timedelta(days=1))
    assert len(mail.outbox) == 1


def test_le_rappel_dit_ce_qui_reste_a_payer_apres_un_acompte(dupont):
    due = facture(dupont, echeance=datetime.date(2026, 12, 12), montant="100.00")
    reglement = ReglementFactory(famille=dupont, regie=due.regie, montant=Decimal("30.00"))
    AffectationFactory(reglement=reglement, facture=due, montant=Decimal("30.00"))

    rappeler()

    assert "Reste à payer : 70,00\xa0€" in mail.outbox[0].body


@pytest.mark.parametrize(
    "echeance",
    [
        datetime.date(2026, 12, 16),  # dans six jours : pas encore
        datetime.date(2026, 12, 9),  # passée : la transmission au Trésor public s'en charge
    ],
)
def test_une_facture_hors_de_la_fenetre_n_est_pas_rappelee(dupont, echeance):
    facture(dupont, echeance=echeance)

    rappeler()

    assert mail.outbox == [] and not RappelEcheance.objects.exists()


def test_une_facture_a_six_jours_est_rappelee_le_lendemain(dupont):
    facture(dupont, echeance=datetime.date(2026, 12, 16))

    assert "0 facture(s)" in rappeler()
    assert "1 facture(s)" in rappeler(AU + datetime.timedelta(days=1))


def test_ni_facture_reglee_ni_avoir_ni_prelevement_automatique(dupont, martin):
    reglee = facture(dupont, echeance=datetime.date(2026, 12, 14))
    reglement = ReglementFactory(famille=dupont, regie=reglee.regie, montant=reglee.montant)
    AffectationFactory(reglement=reglement, facture=reglee, montant=reglee.montant)
    facture(
        dupont,
        echeance=datetime.date(2026, 12, 14),
        genre=Facture.Genre.AVOIR,
        montant="-10.00",
        facture_corrigee=reglee,
    )
    martin.prelevement_automatique = True
    martin.save()
    facture(martin, echeance=datetime.date(2026, 12, 14))

    assert "0 facture(s)" in rappeler()
    assert mail.outbox == []
    assert Reglement.objects.count() == 1


def test_sans_autorisation_courriel_le_rappel_est_note_sans_courriel(dupont):
    Responsable.objects.filter(famille=dupont).update(autorisation_courriel=False)
    facture(dupont, echeance=datetime.date(2026, 12, 15))

    assert "1 facture(s)" in rappeler()
    assert mail.outbox == []
    assert RappelEcheance.objects.get().destinataires == 0


# --- Les documents du dossier ----------------------------------------------------------------


def test_les_documents_qui_expirent_sont_rappeles_ensemble_une_fois(dupont):
    lucas = dupont.enfants.get()
    quotient = piece_acceptee(dupont, QUOTIENT, jusqu_au=AU + datetime.timedelta(days=20))
    assurance = piece_acceptee(dupont, ASSURANCE, lucas, jusqu_au=AU + datetime.timedelta(days=30))

    sortie = rappeler()

    assert "2 document(s) proche(s) de l'expiration (1 famille(s))" in sortie
    (courriel,) = mail.outbox
    assert courriel.to == ["jean.dupont@wanadoo.fr"]
    assert courriel.subject == (
        "Portail Familles : des documents de votre dossier arrivent à expiration"
    )
    assert "- Justificatif du quotient familial : valable jusqu'au 30/12/2026" in courriel.body
    assert "- Attestation d'assurance — Lucas : valable jusqu'au 09/01/2027" in courriel.body
    assert "https://portail.valvanoise.fr/mon-dossier/" in courriel.body
    for piece in (quotient, assurance):
        piece.refresh_from_db()
        assert piece.rappel_expiration_le is not None

    assert "0 document(s)" in rappeler(AU + datetime.timedelta(days=1))
    assert len(mail.outbox) == 1


def test_un_document_deja_remplace_ou_loin_de_l_expiration_n_est_pas_rappele(dupont):
    lucas = dupont.enfants.get()
    # Le suivant est déposé et attend la vérification.
    piece_acceptee(dupont, QUOTIENT, jusqu_au=AU + datetime.timedelta(days=10))
    PieceDossierFactory(famille=dupont, type_document=type_document(QUOTIENT))
    # Encore 31 jours.
    piece_acceptee(dupont, ASSURANCE, lucas, jusqu_au=AU + datetime.timedelta(days=31))

    assert "0 document(s)" in rappeler()
    assert mail.outbox == []
    assert not PieceDossier.objects.filter(rappel_expiration_le__isnull=False).exists()


def test_un_document_facultatif_n_est_pas_rappele(dupont):
    quotient = type_document(QUOTIENT)
    quotient.obligatoire = False
    quotient.save()
    piece_acceptee(dupont, QUOTIENT, jusqu_au=AU + datetime.timedelta(days=5))

    assert "0 document(s)" in rappeler()


def test_une_date_invalide_est_refusee_en_francais(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Date invalide"):
        call_command("rappeler_echeances", "--date", "2026-02-30")


def test_le_rappel_part_par_la_file_d_envoi(dupont, file_courriels):
    facture(dupont, echeance=datetime.date(2026, 12, 15), rang=36)
    piece_acceptee(dupont, QUOTIENT, jusqu_au=AU + datetime.timedelta(days=20))

    rappeler()

    assert mail.outbox == []
    assert file_courriels().envoyes == 2
    assert sorted(courriel.subject for courriel in mail.outbox) == [
        "Portail Familles : des documents de votre dossier arrivent à expiration",
        "Portail Familles : facture AL-36 à régler avant le 15/12/2026",
    ]
    assert file_courriels().envoyes == 0
