"""Le paiement en ligne d'une facture : de bout en bout par le simulateur de PayFiP, les rejeux,
les falsifications et chaque règle qui ferme le paiement."""

import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from facturation import paiement, simulateur_payfip
from facturation.models import PARIS, Facture, Reglement, TransactionEnLigne
from facturation.services import enregistrer_reglement
from tests.factories import FactureFactory, RegieFactory
from tests.outils import texte

RACINE = Path(__file__).resolve().parents[2]
Statut = TransactionEnLigne.Statut


@pytest.fixture(autouse=True)
def simulateur(settings):
    settings.PAYFIP_BACKEND = "simulateur"
    settings.PAYFIP_MONTANT_MINIMUM = Decimal("1.00")


def nouvelle_facture(famille, **autres):
    aujourdhui = timezone.localdate()
    valeurs = {
        "famille": famille,
        "regie": RegieFactory(payfip_numcli="123456"),
        "rang": 36,
        "montant": Decimal("42.50"),
        "date_facture": aujourdhui - datetime.timedelta(days=5),
        "date_echeance": aujourdhui + datetime.timedelta(days=10),
        "periode_debut": aujourdhui - datetime.timedelta(days=35),
        "periode_fin": aujourdhui - datetime.timedelta(days=6),
    }
    valeurs.update(autres)
    return FactureFactory(**valeurs)


@pytest.fixture
def facture(dupont):
    return nouvelle_facture(dupont)


def reste(facture):
    return Facture.objects.avec_reste_a_payer().get(pk=facture.pk).reste_a_payer


def url_payer(facture):
    return reverse("payer_facture", args=[facture.pk])


def aller_au_simulateur(client, facture, email="jean.dupont@wanadoo.fr"):
    """Le parent valide la page de paiement ; renvoie l'idop de la demande du simulateur."""
    reponse = client.post(url_payer(facture), {"email": email})
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("payfip_simulateur"))
    return parse_qs(urlsplit(reponse.url).query)["idop"][0]


def choisir(client, idop, choix):
    """Le parent clique « Payer », « Refuser » ou « Abandonner » sur le simulateur ; renvoie
    l'adresse de retour (avec la réponse de PayFiP)."""
    reponse = client.post(reverse("payfip_simulateur"), {"idop": idop, "choix": choix})
    assert reponse.status_code == 302
    return reponse.url


# --- De bout en bout avec le simulateur ------------------------------------------------------


def test_la_page_de_paiement_montre_la_facture_le_montant_et_l_adresse_du_responsable(
    client_dupont, facture
):
    reponse = client_dupont.get(url_payer(facture))
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Payer en ligne la facture AL-36" in page
    assert "42,50 €" in page
    assert 'value="jean.dupont@wanadoo.fr"' in reponse.content.decode()


def test_une_adresse_invalide_est_refusee_sans_rien_commencer(client_dupont, facture):
    reponse = client_dupont.post(url_payer(facture), {"email": "pas-une-adresse"})
    assert reponse.status_code == 200
    assert "Saisissez une adresse e-mail valide" in texte(reponse)
    assert not TransactionEnLigne.objects.exists()


def test_payer_par_le_simulateur_regle_la_facture_et_le_releve_le_montre(client_dupont, facture):
    idop = aller_au_simulateur(client_dupont, facture)
    simulateur = client_dupont.get(reverse("payfip_simulateur"), {"idop": idop})
    assert "AL-36" in texte(simulateur)
    assert "42,50 €" in texte(simulateur)

    retour = client_dupont.get(choisir(client_dupont, idop, "payer"))

    assert "Paiement accepté" in texte(retour)
    reglement = Reglement.objects.get()
    assert reglement.mode == Reglement.Mode.PAIEMENT_EN_LIGNE
    assert reglement.montant == Decimal("42.50")
    assert reglement.affectations.get().facture == facture
    assert reste(facture) == 0
    transaction = TransactionEnLigne.objects.get()
    assert transaction.statut == Statut.PAYEE
    assert transaction.reglement == reglement
    assert transaction.email == "jean.dupont@wanadoo.fr"
    assert [etape["statut"] for etape in transaction.historique] == ["en_cours", "payee"]
    releve = texte(client_dupont.get(reverse("releve")))
    assert "Règlement : Paiement en ligne (PayFiP)" in releve


def test_un_paiement_refuse_ne_regle_rien(client_dupont, facture):
    idop = aller_au_simulateur(client_dupont, facture)
    retour = client_dupont.get(choisir(client_dupont, idop, "refuser"))
    assert "Paiement refusé" in texte(retour)
    assert not Reglement.objects.exists()
    assert TransactionEnLigne.objects.get().statut == Statut.REFUSEE
    assert reste(facture) == Decimal("42.50")


def test_un_paiement_abandonne_ne_regle_rien_et_la_facture_se_paie_a_nouveau(
    client_dupont, facture
):
    idop = aller_au_simulateur(client_dupont, facture)
    retour = client_dupont.get(choisir(client_dupont, idop, "abandonner"))
    assert "Paiement abandonné" in texte(retour)
    assert not Reglement.objects.exists()
    assert TransactionEnLigne.objects.get().statut == Statut.ABANDONNEE
    assert client_dupont.get(url_payer(facture)).status_code == 200


def test_un_retour_sans_reponse_montre_un_paiement_en_attente(client_dupont, facture):
    aller_au_simulateur(client_dupont, facture)
    transaction = TransactionEnLigne.objects.get()
    retour = client_dupont.get(reverse("paiement_retour", args=[transaction.reference]))
    assert "Paiement en attente" in texte(retour)
    assert not Reglement.objects.exists()


# --- Une seule fois ---------------------------------------------------------------------------


def reponse_de_paiement(client, facture, choix="payer"):
    """Le parent paie ; renvoie (transaction, réponse de PayFiP), sans passer par le retour."""
    idop = aller_au_simulateur(client, facture)
    retour = choisir(client, idop, choix)
    return TransactionEnLigne.objects.get(), parse_qs(urlsplit(retour).query)["idop"][0]


def test_dix_notifications_font_un_seul_reglement(client_dupont, facture):
    transaction, reponse = reponse_de_paiement(client_dupont, facture)
    url = reverse("paiement_notification", args=[transaction.reference])
    for _ in range(10):
        assert client_dupont.post(url, {"idop": reponse}).status_code == 200
    client_dupont.get(reverse("paiement_retour", args=[transaction.reference]), {"idop": reponse})
    assert Reglement.objects.count() == 1
    assert reste(facture) == 0


def test_le_retour_du_navigateur_seul_ne_credite_rien_sans_reponse_signee(client_dupont, facture):
    aller_au_simulateur(client_dupont, facture)
    transaction = TransactionEnLigne.objects.get()
    retour = client_dupont.get(
        reverse("paiement_retour", args=[transaction.reference]), {"idop": "payee"}
    )
    assert retour.status_code == 400
    assert not Reglement.objects.exists()


# --- Falsifications : 4xx, jamais 500 ---------------------------------------------------------


def test_une_notification_pour_une_transaction_inconnue_est_un_404(client, db, caplog):
    reponse = client.post(reverse("paiement_notification", args=["inconnue"]), {"idop": "x"})
    assert reponse.status_code == 404
    assert "transaction inconnue" in caplog.text


def test_une_notification_mal_formee_est_un_400(client_dupont, facture, caplog):
    aller_au_simulateur(client_dupont, facture)
    transaction = TransactionEnLigne.objects.get()
    url = reverse("paiement_notification", args=[transaction.reference])
    assert client_dupont.post(url, {"idop": "n'importe quoi"}).status_code == 400
    assert client_dupont.get(url).status_code == 405
    assert "Notification PayFiP refusée" in caplog.text
    assert not Reglement.objects.exists()


def test_une_notification_au_mauvais_montant_est_un_400(client_dupont, facture, caplog):
    aller_au_simulateur(client_dupont, facture)
    transaction = TransactionEnLigne.objects.get()
    falsifiee = simulateur_payfip.signer(
        {"idop": transaction.idop, "montant": "1.00", "statut": Statut.PAYEE}
    )
    url = reverse("paiement_notification", args=[transaction.reference])
    assert client_dupont.post(url, {"idop": falsifiee}).status_code == 400
    assert "montant" in caplog.text
    assert not Reglement.objects.exists()


def test_la_reponse_d_une_autre_transaction_est_refusee(client_dupont, dupont, facture):
    _, reponse = reponse_de_paiement(client_dupont, facture, choix="refuser")
    autre = nouvelle_facture(dupont, rang=37)
    aller_au_simulateur(client_dupont, autre)
    transaction = TransactionEnLigne.objects.get(facture=autre)
    url = reverse("paiement_notification", args=[transaction.reference])
    assert client_dupont.post(url, {"idop": reponse}).status_code == 400


# --- Fermé ------------------------------------------------------------------------------------


def test_l_echeance_compte_jusqu_a_23h59_heure_de_paris(facture):
    echeance = facture.date_echeance
    veille_minuit = datetime.datetime.combine(echeance, datetime.time(23, 59), tzinfo=PARIS)
    lendemain = datetime.datetime.combine(
        echeance + datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=PARIS
    )
    assert paiement.raison_de_refus(facture, maintenant=veille_minuit) == ""
    raison = paiement.raison_de_refus(facture, maintenant=lendemain)
    assert "est passée" in raison
    assert "Trésorerie de Bozel" in raison


def test_apres_l_echeance_la_page_explique_et_conseille_la_tresorerie(client_dupont, dupont):
    hier = timezone.localdate() - datetime.timedelta(days=1)
    facture = nouvelle_facture(dupont, date_facture=hier - datetime.timedelta(days=20))
    Facture.objects.filter(pk=facture.pk).update(date_echeance=hier)
    reponse = client_dupont.post(url_payer(facture), {"email": "jean.dupont@wanadoo.fr"})
    assert reponse.status_code == 403
    assert "Rapprochez-vous de la Trésorerie de Bozel" in texte(reponse)
    assert not TransactionEnLigne.objects.exists()
    assert "Payer en ligne" not in texte(client_dupont.get(reverse("accueil")))


def test_une_facture_reglee_ne_se_paie_plus(client_dupont, dupont, facture):
    enregistrer_reglement(
        famille=dupont,
        regie=facture.regie,
        mode=Reglement.Mode.CHEQUE,
        montant=facture.montant,
        date=timezone.localdate(),
        affectations={facture: facture.montant},
    )
    reponse = client_dupont.get(url_payer(facture))
    assert reponse.status_code == 403
    assert "déjà réglée" in texte(reponse)
    assert "Payer en ligne la facture" not in client_dupont.get(reverse("releve")).content.decode()


def test_une_facture_transmise_au_tresor_public_ne_se_paie_plus(client_dupont, dupont, facture):
    enregistrer_reglement(
        famille=dupont,
        regie=facture.regie,
        mode=Reglement.Mode.TITRE_EMIS,
        montant=facture.montant,
        date=timezone.localdate(),
        reference="1234",
        affectations={facture: facture.montant},
    )
    reponse = client_dupont.get(url_payer(facture))
    assert reponse.status_code == 403
    assert "transmise au Trésor public" in texte(reponse)
    assert "Trésorerie de Bozel" in texte(reponse)


def test_une_famille_en_prelevement_ne_paie_pas_en_ligne(client_dupont, dupont, facture):
    dupont.prelevement_automatique = True
    dupont.save()
    reponse = client_dupont.post(url_payer(facture), {"email": "jean.dupont@wanadoo.fr"})
    assert reponse.status_code == 403
    assert "prélèvement automatique" in texte(reponse)
    assert "Payer en ligne" not in texte(client_dupont.get(reverse("accueil")))
    assert "Payer en ligne" not in texte(client_dupont.get(reverse("releve")))


def test_la_facture_d_une_autre_famille_est_un_404(client_martin, facture):
    assert client_martin.get(url_payer(facture)).status_code == 404
    assert client_martin.post(url_payer(facture), {"email": "a@b.fr"}).status_code == 404
    assert not TransactionEnLigne.objects.exists()


def test_un_visiteur_anonyme_est_renvoye_a_la_connexion(client, facture):
    reponse = client.get(url_payer(facture))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("connexion"))


def test_un_montant_sous_le_minimum_ne_se_paie_pas_en_ligne(client_dupont, dupont):
    facture = nouvelle_facture(dupont, montant=Decimal("0.80"))
    reponse = client_dupont.get(url_payer(facture))
    assert reponse.status_code == 403
    assert "inférieur à 1,00 €" in texte(reponse)
    assert "Payer en ligne" not in texte(client_dupont.get(reverse("accueil")))


def test_un_second_paiement_se_confirme_tant_que_le_premier_est_en_cours(client_dupont, facture):
    aller_au_simulateur(client_dupont, facture)
    reponse = client_dupont.post(url_payer(facture), {"email": "jean.dupont@wanadoo.fr"})
    assert reponse.status_code == 200
    assert "déjà en cours" in texte(reponse)
    assert TransactionEnLigne.objects.count() == 1
    # Vingt minutes plus tard, la transaction oubliée ne demande plus de confirmation : elle
    # est close par le nouveau paiement.
    TransactionEnLigne.objects.update(date_creation=timezone.now() - datetime.timedelta(minutes=21))
    assert "déjà en cours" not in texte(client_dupont.get(url_payer(facture)))
    aller_au_simulateur(client_dupont, facture)
    assert sorted(TransactionEnLigne.objects.values_list("statut", flat=True)) == [
        Statut.ABANDONNEE,
        Statut.EN_COURS,
    ]


# --- Les boutons ------------------------------------------------------------------------------


def test_le_bouton_payer_s_affiche_sur_l_accueil_et_le_releve(client_dupont, facture):
    lien = f'href="{url_payer(facture)}"'
    for page in ("accueil", "releve"):
        contenu = client_dupont.get(reverse(page)).content.decode()
        assert lien in contenu
        assert 'aria-label="Payer en ligne la facture AL-36"' in contenu


def test_le_releve_lit_le_reste_a_payer_des_seules_factures_payables(
    client_dupont, facture, django_assert_max_num_queries
):
    # Une requête de plus que le relevé sans facture à payer : le reste à payer de AL-36.
    with django_assert_max_num_queries(6):
        contenu = client_dupont.get(reverse("releve")).content.decode()
    assert f'href="{url_payer(facture)}"' in contenu


def test_le_bouton_disparait_une_fois_la_facture_payee(client_dupont, facture):
    client_dupont.get(choisir(client_dupont, aller_au_simulateur(client_dupont, facture), "payer"))
    for page in ("accueil", "releve"):
        assert url_payer(facture) not in client_dupont.get(reverse(page)).content.decode()


# --- Le simulateur n'existe pas en production -------------------------------------------------


def test_le_simulateur_est_introuvable_quand_payfip_est_branche(client_dupont, settings):
    settings.PAYFIP_BACKEND = "payfip_ws"
    assert client_dupont.get(reverse("payfip_simulateur"), {"idop": "x"}).status_code == 404


def test_la_production_refuse_le_simulateur():
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "off",
        "SECRET_KEY": "une-cle-de-production-longue-et-aleatoire-0123456789",
        "ALLOWED_HOSTS": "portail.exemple.fr",
        "PAYFIP_BACKEND": "simulateur",
    }
    resultat = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resultat.returncode != 0
    assert "PAYFIP_BACKEND=simulateur est refusé en production" in resultat.stderr


# --- L'administration -------------------------------------------------------------------------


def test_l_agent_consulte_les_transactions_sans_pouvoir_les_modifier(client_agent, facture):
    transaction, _ = paiement.commencer_paiement(
        facture=facture,
        email="jean.dupont@wanadoo.fr",
        adresse_absolue=lambda chemin: f"http://testserver{chemin}",
    )
    liste = client_agent.get(reverse("admin:facturation_transactionenligne_changelist"))
    assert liste.status_code == 200
    assert "AL-36" in texte(liste)
    fiche = client_agent.get(
        reverse("admin:facturation_transactionenligne_change", args=[transaction.pk])
    )
    assert "jean.dupont@wanadoo.fr" in texte(fiche)
    assert "en_cours" in texte(fiche)
    assert client_agent.get(reverse("admin:facturation_transactionenligne_add")).status_code in {
        403,
        302,
    }
