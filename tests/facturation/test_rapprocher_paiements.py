"""`rapprocher_paiements` : un paiement en ligne resté « en cours » plus de 20 minutes (la
notification perdue, le parent parti avant le retour) est demandé à la passerelle — le
simulateur de PayFiP, puis PayFiP lui-même par eopayment — et enregistré une seule fois, ou
clos."""

import datetime
from decimal import Decimal
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from facturation import paiement, simulateur_payfip
from facturation.models import Facture, Reglement, TransactionEnLigne
from facturation.views import paiement as vues_paiement
from tests.factories import FactureFactory, RegieFactory
from tests.facturation.test_numerotation import en_parallele
from tests.outils import texte

Statut = TransactionEnLigne.Statut


@pytest.fixture
def facture(dupont, settings):
    settings.PAYFIP_BACKEND = "simulateur"
    aujourdhui = timezone.localdate()
    return FactureFactory(
        famille=dupont,
        regie=RegieFactory(payfip_numcli="123456"),
        rang=36,
        montant=Decimal("42.50"),
        date_facture=aujourdhui - datetime.timedelta(days=5),
        date_echeance=aujourdhui + datetime.timedelta(days=10),
    )


@pytest.fixture
def notification_perdue(monkeypatch):
    """Le simulateur n'arrive pas à joindre le portail : sa notification se perd."""
    monkeypatch.setattr(simulateur_payfip, "notifier", lambda url, donnees: None)


def payer_sans_revenir(client, facture, choix="payer"):
    """Le parent paie sur le simulateur puis ferme son navigateur : il ne revient pas au
    portail. Rend la transaction et l'adresse de retour qu'il n'a pas suivie."""
    reponse = client.post(
        reverse("payer_facture", args=[facture.pk]), {"email": "jean.dupont@wanadoo.fr"}
    )
    idop = parse_qs(urlsplit(reponse.url).query)["idop"][0]
    retour = client.post(reverse("payfip_simulateur"), {"idop": idop, "choix": choix}).url
    return TransactionEnLigne.objects.get(), retour


def vieillir(transaction, minutes):
    TransactionEnLigne.objects.filter(pk=transaction.pk).update(
        date_creation=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def rapprocher():
    sortie = StringIO()
    call_command("rapprocher_paiements", stdout=sortie)
    return sortie.getvalue()


def reste(facture):
    return Facture.objects.avec_reste_a_payer().get(pk=facture.pk).reste_a_payer


# --- Le simulateur ---------------------------------------------------------------------------


def test_un_paiement_dont_la_notification_s_est_perdue_est_enregistre_une_fois(
    client_dupont, facture, notification_perdue
):
    transaction, retour = payer_sans_revenir(client_dupont, facture)
    assert transaction.statut == Statut.EN_COURS

    # Moins de 20 minutes : on attend encore la notification.
    assert rapprocher() == (
        "Paiements en ligne : aucune transaction en cours depuis plus de 20 minutes.\n"
    )
    vieillir(transaction, 21)
    sortie = rapprocher()

    assert sortie == (
        "Paiements en ligne : 1 transaction(s) en cours depuis plus de 20 minutes demandée(s) "
        "à la passerelle : 0 en cours, 1 payée, 0 refusée, 0 abandonnée, 0 expirée ; "
        "0 erreur(s).\n"
    )
    transaction.refresh_from_db()
    assert transaction.statut == Statut.PAYEE
    assert transaction.historique[-1]["detail"] == "simulateur : payee (consulté)"
    reglement = Reglement.objects.get()
    assert reglement.mode == Reglement.Mode.PAIEMENT_EN_LIGNE
    assert reglement.montant == Decimal("42.50")
    assert transaction.reglement == reglement
    assert reste(facture) == 0

    # Une seconde fois, puis le parent qui revient enfin : toujours un seul règlement.
    assert "aucune transaction" in rapprocher()
    assert "Paiement accepté" in texte(client_dupont.get(retour))
    assert Reglement.objects.count() == 1


def test_un_paiement_refuse_dont_la_notification_s_est_perdue_est_clos(
    client_dupont, facture, notification_perdue
):
    transaction, _ = payer_sans_revenir(client_dupont, facture, choix="refuser")
    vieillir(transaction, 30)

    assert "1 refusée" in rapprocher()

    transaction.refresh_from_db()
    assert transaction.statut == Statut.REFUSEE
    assert not Reglement.objects.exists()
    assert reste(facture) == Decimal("42.50")


def test_sans_choix_du_parent_la_transaction_expire_et_la_facture_se_paie_de_nouveau(
    client_dupont, facture
):
    client_dupont.post(
        reverse("payer_facture", args=[facture.pk]), {"email": "jean.dupont@wanadoo.fr"}
    )
    transaction = TransactionEnLigne.objects.get()
    vieillir(transaction, 25)

    assert "1 expirée" in rapprocher()

    transaction.refresh_from_db()
    assert transaction.statut == Statut.EXPIREE
    assert not Reglement.objects.exists()
    page = texte(client_dupont.get(reverse("payer_facture", args=[facture.pk])))
    assert "déjà en cours" not in page
    reponse = client_dupont.post(
        reverse("payer_facture", args=[facture.pk]), {"email": "jean.dupont@wanadoo.fr"}
    )
    assert reponse.url.startswith(reverse("payfip_simulateur"))


def test_une_transaction_sans_idop_est_close(facture):
    transaction = TransactionEnLigne.objects.create(
        facture=facture,
        montant=Decimal("42.50"),
        email="jean.dupont@wanadoo.fr",
        reference="a" * 32,
        passerelle="simulateur",
    )
    vieillir(transaction, 60)

    assert "1 expirée" in rapprocher()
    transaction.refresh_from_db()
    assert transaction.statut == Statut.EXPIREE
    assert transaction.historique[-1]["detail"] == "aucun identifiant de la passerelle"


def test_le_simulateur_n_accepte_pas_un_second_choix_pour_le_meme_idop(
    client_dupont, facture, notification_perdue
):
    reponse = client_dupont.post(
        reverse("payer_facture", args=[facture.pk]), {"email": "jean.dupont@wanadoo.fr"}
    )
    idop = parse_qs(urlsplit(reponse.url).query)["idop"][0]
    client_dupont.post(reverse("payfip_simulateur"), {"idop": idop, "choix": "payer"})

    second = client_dupont.post(reverse("payfip_simulateur"), {"idop": idop, "choix": "refuser"})

    assert second.status_code == 409
    vieillir(TransactionEnLigne.objects.get(), 21)
    assert "1 payée" in rapprocher()


# --- PayFiP (eopayment, ses appels SOAP remplacés) ------------------------------------------


def commencer_chez_payfip(client, facture):
    client.post(reverse("payer_facture", args=[facture.pk]), {"email": "jean.dupont@wanadoo.fr"})
    return TransactionEnLigne.objects.get()


def test_payfip_confirme_un_paiement_sans_notification(client_dupont, facture, payfip):
    transaction = commencer_chez_payfip(client_dupont, facture)
    vieillir(transaction, 21)

    assert "1 payée" in rapprocher()
    assert "aucune transaction" in rapprocher()

    transaction.refresh_from_db()
    assert transaction.statut == Statut.PAYEE
    assert "112233" in transaction.reference_passerelle
    assert Reglement.objects.count() == 1
    assert reste(facture) == 0


@pytest.mark.parametrize(("minutes", "attendu"), [(30, Statut.EN_COURS), (3 * 60, Statut.EXPIREE)])
def test_payfip_sans_resultat_reste_en_cours_deux_heures_puis_expire(
    client_dupont, facture, payfip, minutes, attendu
):
    transaction = commencer_chez_payfip(client_dupont, facture)
    payfip["erreur"] = "P5"  # PayFiP : pas (encore) de résultat pour cet idop
    vieillir(transaction, minutes)

    rapprocher()

    transaction.refresh_from_db()
    assert transaction.statut == attendu
    assert not Reglement.objects.exists()


def test_payfip_abandonne_clot_la_transaction(client_dupont, facture, payfip):
    transaction = commencer_chez_payfip(client_dupont, facture)
    payfip["resultrans"] = "A"
    vieillir(transaction, 21)

    assert "1 abandonnée" in rapprocher()
    transaction.refresh_from_db()
    assert transaction.statut == Statut.ABANDONNEE


def test_une_erreur_de_payfip_laisse_la_transaction_pour_la_fois_suivante(
    client_dupont, facture, payfip
):
    transaction = commencer_chez_payfip(client_dupont, facture)
    payfip["erreur"] = "P3"  # une erreur que rien n'explique
    vieillir(transaction, 21)

    assert rapprocher().endswith("0 expirée ; 1 erreur(s).\n")
    transaction.refresh_from_db()
    assert transaction.statut == Statut.EN_COURS

    payfip["erreur"] = None
    assert "1 payée" in rapprocher()
    assert Reglement.objects.count() == 1


# --- Avec la notification au même instant (PostgreSQL) --------------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_le_rapprochement_et_une_notification_tardive_ensemble_font_un_seul_reglement(
    dupont, facture, notification_perdue
):
    client = Client()
    client.force_login(dupont.titulaire.utilisateur)
    transaction, retour = payer_sans_revenir(client, facture)
    vieillir(transaction, 21)
    reponse = parse_qs(urlsplit(retour).query)["idop"][0]

    def notifier():
        vues_paiement.traiter_notification(transaction.reference, {"idop": reponse})

    rapprocher_ici = paiement.rapprocher_paiements
    assert en_parallele(rapprocher_ici, notifier, rapprocher_ici) == []
    assert Reglement.objects.count() == 1
    transaction.refresh_from_db()
    assert transaction.statut == Statut.PAYEE
    assert reste(facture) == 0
