"""Une facture payée une seule fois : l'idop du simulateur ne sert qu'une fois, comme celui de
PayFiP ; un paiement confirmé pour une transaction close ou une facture déjà réglée est
enregistré (l'argent est pris), l'excédent devient un trop-perçu que la régie rembourse, et la
famille est prévenue. Un paiement abandonné ne bloque pas la facture."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from facturation import paiement, simulateur_payfip
from facturation.comptes import releve_annee_scolaire, solde_famille
from facturation.models import Facture, Reglement, TransactionEnLigne, TropPercu
from facturation.services import enregistrer_reglement
from familles.models import Message
from tests.factories import FactureFactory, RegieFactory
from tests.outils import texte

Statut = TransactionEnLigne.Statut
EMAIL = "jean.dupont@wanadoo.fr"


@pytest.fixture(autouse=True)
def simulateur(settings):
    settings.PAYFIP_BACKEND = "simulateur"
    settings.PAYFIP_MONTANT_MINIMUM = Decimal("1.00")


@pytest.fixture
def facture(dupont):
    """AL-39, 171,30 €, comme dans le parcours du ticket."""
    aujourdhui = timezone.localdate()
    return FactureFactory(
        famille=dupont,
        regie=RegieFactory(payfip_numcli="123456"),
        rang=39,
        montant=Decimal("171.30"),
        date_facture=aujourdhui - datetime.timedelta(days=5),
        date_echeance=aujourdhui + datetime.timedelta(days=10),
        periode_debut=aujourdhui - datetime.timedelta(days=35),
        periode_fin=aujourdhui - datetime.timedelta(days=6),
    )


def reste(facture):
    return Facture.objects.avec_reste_a_payer().get(pk=facture.pk).reste_a_payer


def solde(famille):
    return solde_famille(famille=famille, au=timezone.localdate())


def url_payer(facture):
    return reverse("payer_facture", args=[facture.pk])


def aller_au_simulateur(client, facture, **autres):
    reponse = client.post(url_payer(facture), {"email": EMAIL, **autres})
    assert reponse.status_code == 302, texte(reponse)
    assert reponse.url.startswith(reverse("payfip_simulateur"))
    return parse_qs(urlsplit(reponse.url).query)["idop"][0]


def choisir(client, idop, choix):
    return client.post(reverse("payfip_simulateur"), {"idop": idop, "choix": choix})


def paiement_tardif(transaction):
    """PayFiP confirme « PAID » pour la transaction, après coup : la réponse signée que la
    passerelle enverrait à l'adresse de notification."""
    return simulateur_payfip.signer(
        {
            "idop": transaction.idop,
            "ref": transaction.reference,
            "refdet": transaction.facture.numero,
            "montant": str(transaction.montant),
            "statut": Statut.PAYEE,
        }
    )


def notifier(client, transaction, reponse):
    url = reverse("paiement_notification", args=[transaction.reference])
    return client.post(url, {"idop": reponse})


# --- Le simulateur : un idop ne sert qu'une fois ----------------------------------------------


def test_la_page_du_simulateur_d_un_paiement_termine_ne_se_soumet_plus(client_dupont, facture):
    """Le parcours du ticket : refuser, payer par un second paiement, puis renvoyer la première
    page du simulateur avec « Payer » : un seul règlement, rien de notifié."""
    premier = aller_au_simulateur(client_dupont, facture)
    assert choisir(client_dupont, premier, "refuser").status_code == 302
    second = aller_au_simulateur(client_dupont, facture)
    client_dupont.get(choisir(client_dupont, second, "payer").url)
    assert reste(facture) == 0

    rejouee = choisir(client_dupont, premier, "payer")

    assert rejouee.status_code == 409
    assert "Cette opération de paiement est terminée" in texte(rejouee)
    assert Reglement.objects.count() == 1
    assert not TropPercu.objects.exists()
    assert solde(facture.famille) == 0
    refusee = TransactionEnLigne.objects.get(idop=premier)
    assert refusee.statut == Statut.REFUSEE
    assert refusee.reglement is None
    # Ni la page elle-même : le simulateur dit la même chose.
    page = client_dupont.get(reverse("payfip_simulateur"), {"idop": premier})
    assert page.status_code == 409
    assert "Cette opération de paiement est terminée" in texte(page)
    # Et la même page payée deux fois ne fait qu'un règlement.
    assert choisir(client_dupont, second, "payer").status_code == 409
    assert Reglement.objects.count() == 1


# --- Un paiement confirmé est toujours enregistré --------------------------------------------


def test_un_paiement_tardif_d_une_transaction_refusee_devient_un_trop_percu(
    client_dupont, agent, dupont, facture, django_capture_on_commit_callbacks
):
    client_agent = Client()
    client_agent.force_login(agent)
    premier = aller_au_simulateur(client_dupont, facture)
    choisir(client_dupont, premier, "refuser")
    refusee = TransactionEnLigne.objects.get(idop=premier)
    second = aller_au_simulateur(client_dupont, facture)
    client_dupont.get(choisir(client_dupont, second, "payer").url)
    mail.outbox.clear()

    # PayFiP confirme finalement le premier paiement : l'argent a été pris.
    with django_capture_on_commit_callbacks(execute=True):
        reponse = notifier(client_dupont, refusee, paiement_tardif(refusee))

    assert reponse.status_code == 200
    refusee.refresh_from_db()
    assert refusee.statut == Statut.PAYEE
    assert [etape["statut"] for etape in refusee.historique] == ["en_cours", "refusee", "payee"]
    assert Reglement.objects.count() == 2
    reglement = refusee.reglement
    assert reglement.montant == Decimal("171.30")
    assert not reglement.affectations.exists()
    assert reste(facture) == 0
    trop_percu = TropPercu.objects.get()
    assert trop_percu.reglement == reglement
    assert trop_percu.famille == dupont
    assert trop_percu.facture == facture
    assert trop_percu.montant == Decimal("171.30")
    assert trop_percu.statut == TropPercu.Statut.A_REMBOURSER
    assert solde(dupont) == Decimal("-171.30")

    # La famille est prévenue : sa Boîte de réception et un courriel.
    message = Message.objects.get(famille=dupont)
    aujourdhui = f"{timezone.localdate():%d/%m/%Y}"
    attendu = (
        f"Votre paiement de 171,30 € du {aujourdhui} pour la facture AL-39 a été reçu alors "
        "que la facture était déjà réglée : ce trop-perçu vous sera remboursé par la régie."
    )
    assert attendu in " ".join(message.corps.split())
    assert "AL-39" in message.sujet
    boite = texte(client_dupont.get(reverse("boite")))
    assert message.sujet in boite
    assert [courriel.to for courriel in mail.outbox] == [[EMAIL]]
    assert attendu in " ".join(mail.outbox[0].body.split())

    # Le personnel le voit dans l'administration.
    liste = client_agent.get(reverse("admin:facturation_troppercu_changelist"))
    assert liste.status_code == 200
    contenu = texte(liste)
    assert "171,30 €" in contenu
    assert dupont.numero in contenu
    assert "À rembourser" in contenu
    assert "AL-39" in contenu

    # Le remboursement, par l'action « Rembourser » : une page demande date, mode, référence.
    url = reverse("admin:facturation_troppercu_changelist")
    choix = {"action": "rembourser", "_selected_action": [trop_percu.pk]}
    intermediaire = client_agent.post(url, choix)
    assert intermediaire.status_code == 200
    assert "Mode de remboursement" in texte(intermediaire)
    fait = client_agent.post(
        url,
        {
            **choix,
            "confirmer": "1",
            "date": aujourdhui,
            "mode": TropPercu.ModeRemboursement.VIREMENT,
            "reference": "MANDAT 2026-118",
        },
        follow=True,
    )
    assert "remboursé" in texte(fait)
    trop_percu.refresh_from_db()
    assert trop_percu.statut == TropPercu.Statut.REMBOURSE
    assert trop_percu.date_remboursement == timezone.localdate()
    assert trop_percu.mode_remboursement == TropPercu.ModeRemboursement.VIREMENT
    assert trop_percu.reference_remboursement == "MANDAT 2026-118"
    assert trop_percu.rembourse_par.username == "agent"
    assert trop_percu.rembourse_saisi_le is not None
    assert solde(dupont) == 0

    # Le relevé le montre : le règlement au crédit, le remboursement au débit, solde nul.
    releve = releve_annee_scolaire(famille=dupont, jour=timezone.localdate())
    assert releve.solde == 0
    page = texte(client_dupont.get(reverse("releve")))
    assert f"Remboursement du trop-perçu (règlement {reglement.numero})" in page

    # Une seconde fois : refusé, rien ne change.
    encore = client_agent.post(
        url,
        {**choix, "confirmer": "1", "date": aujourdhui, "mode": "cheque", "reference": "X"},
        follow=True,
    )
    assert "déjà remboursé" in texte(encore)
    trop_percu.refresh_from_db()
    assert trop_percu.mode_remboursement == TropPercu.ModeRemboursement.VIREMENT
    assert solde(dupont) == 0


def test_un_paiement_en_ligne_apres_un_cheque_laisse_un_trop_percu_de_l_excedent(
    client_dupont, dupont, facture
):
    """Le chèque a réglé 100 € pendant que le parent payait en ligne les 171,30 € : le
    règlement en ligne paie les 71,30 € qui restaient, les 100 € de trop sont à rembourser."""
    idop = aller_au_simulateur(client_dupont, facture)
    enregistrer_reglement(
        famille=dupont,
        regie=facture.regie,
        mode=Reglement.Mode.CHEQUE,
        montant=Decimal("100.00"),
        date=timezone.localdate(),
        affectations={facture: Decimal("100.00")},
    )

    retour = client_dupont.get(choisir(client_dupont, idop, "payer").url)

    transaction = TransactionEnLigne.objects.get()
    assert transaction.statut == Statut.PAYEE
    assert transaction.reglement.montant == Decimal("171.30")
    assert transaction.reglement.affectations.get().montant == Decimal("71.30")
    assert reste(facture) == 0
    assert TropPercu.objects.get().montant == Decimal("100.00")
    assert solde(dupont) == Decimal("-100.00")
    corps = " ".join(Message.objects.get(famille=dupont).corps.split())
    assert "il ne restait que 71,30 € à payer" in corps
    assert "les 100,00 € payés en trop vous seront remboursés par la régie" in corps
    assert "100,00 €" in texte(retour)
    assert "remboursé" in texte(retour)


def test_une_notification_rejouee_apres_un_trop_percu_ne_change_rien(client_dupont, facture):
    premier = aller_au_simulateur(client_dupont, facture)
    choisir(client_dupont, premier, "abandonner")
    abandonnee = TransactionEnLigne.objects.get(idop=premier)
    second = aller_au_simulateur(client_dupont, facture)
    client_dupont.get(choisir(client_dupont, second, "payer").url)
    reponse = paiement_tardif(abandonnee)
    for _ in range(3):
        assert notifier(client_dupont, abandonnee, reponse).status_code == 200
    assert Reglement.objects.count() == 2
    assert TropPercu.objects.count() == 1
    assert Message.objects.count() == 1


def test_un_paiement_tardif_d_une_facture_encore_due_la_regle_sans_trop_percu(
    client_dupont, facture
):
    premier = aller_au_simulateur(client_dupont, facture)
    choisir(client_dupont, premier, "refuser")
    refusee = TransactionEnLigne.objects.get(idop=premier)
    assert notifier(client_dupont, refusee, paiement_tardif(refusee)).status_code == 200
    assert reste(facture) == 0
    assert Reglement.objects.get().affectations.get().montant == Decimal("171.30")
    assert not TropPercu.objects.exists()
    assert not Message.objects.exists()


def test_une_transaction_close_ne_redevient_pas_en_cours(client_dupont, facture):
    premier = aller_au_simulateur(client_dupont, facture)
    choisir(client_dupont, premier, "refuser")
    refusee = TransactionEnLigne.objects.get(idop=premier)
    en_attente = simulateur_payfip.signer(
        {"idop": refusee.idop, "montant": str(refusee.montant), "statut": Statut.EN_COURS}
    )
    assert notifier(client_dupont, refusee, en_attente).status_code == 200
    refusee.refresh_from_db()
    assert refusee.statut == Statut.REFUSEE


# --- Un paiement abandonné ne bloque pas la facture ------------------------------------------


def test_un_paiement_abandonne_sans_reponse_se_recommence_aussitot(client_dupont, dupont, facture):
    # Le parent quitte la page du simulateur sans rien choisir, puis revient payer.
    premier = aller_au_simulateur(client_dupont, facture)
    oubliee = TransactionEnLigne.objects.get(idop=premier)

    page = client_dupont.get(url_payer(facture))

    assert page.status_code == 200
    contenu = texte(page)
    assert "Un paiement de cette facture est déjà en cours" in contenu
    assert "le paiement en cours sera annulé" in contenu
    assert f'value="{oubliee.reference}"' in page.content.decode()
    second = aller_au_simulateur(client_dupont, facture, remplacer=oubliee.reference)
    oubliee.refresh_from_db()
    assert oubliee.statut == Statut.ABANDONNEE
    assert "remplacée par un nouveau paiement" in oubliee.historique[-1]["detail"]
    client_dupont.get(choisir(client_dupont, second, "payer").url)
    assert reste(facture) == 0
    # La première page ne se paie plus…
    assert choisir(client_dupont, premier, "payer").status_code == 409
    assert Reglement.objects.count() == 1
    # … mais si PayFiP confirme malgré tout le premier paiement, il n'est pas perdu.
    assert notifier(client_dupont, oubliee, paiement_tardif(oubliee)).status_code == 200
    oubliee.refresh_from_db()
    assert oubliee.statut == Statut.PAYEE
    assert Reglement.objects.count() == 2
    assert TropPercu.objects.get().montant == Decimal("171.30")
    assert solde(dupont) == Decimal("-171.30")
    assert Message.objects.filter(famille=dupont).count() == 1


def test_un_double_clic_ne_remplace_pas_le_paiement_qu_il_vient_de_commencer(
    client_dupont, facture
):
    """Sans la confirmation de la page (le champ `remplacer`), un second envoi ne remplace pas
    la transaction en cours : il montre l'avertissement."""
    aller_au_simulateur(client_dupont, facture)
    reponse = client_dupont.post(url_payer(facture), {"email": EMAIL})
    assert reponse.status_code == 200
    assert "Un paiement de cette facture est déjà en cours" in texte(reponse)
    assert TransactionEnLigne.objects.get().statut == Statut.EN_COURS
    # Une référence qui n'est pas celle de la transaction en cours ne remplace rien non plus.
    reponse = client_dupont.post(url_payer(facture), {"email": EMAIL, "remplacer": "0" * 32})
    assert reponse.status_code == 200
    assert TransactionEnLigne.objects.get().statut == Statut.EN_COURS


def test_le_service_refuse_de_remplacer_sans_la_reference(facture):
    adresse = lambda chemin: f"http://testserver{chemin}"  # noqa: E731
    premiere, _ = paiement.commencer_paiement(facture=facture, email=EMAIL, adresse_absolue=adresse)
    with pytest.raises(paiement.PaiementEnCours):
        paiement.commencer_paiement(facture=facture, email=EMAIL, adresse_absolue=adresse)
    seconde, _ = paiement.commencer_paiement(
        facture=facture, email=EMAIL, adresse_absolue=adresse, remplacer=premiere.reference
    )
    premiere.refresh_from_db()
    assert premiere.statut == Statut.ABANDONNEE
    assert seconde.statut == Statut.EN_COURS
