"""La page d'accueil : le responsable, le solde du jour, les factures impayées."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portail.templatetags.portail import date_longue
from tests.factories import (
    AffectationFactory,
    FactureFactory,
    RegieFactory,
    ReglementFactory,
    UtilisateurFactory,
)
from tests.outils import texte

JOUR = datetime.timedelta(days=1)


def facture(famille, numero, montant, emise_il_y_a, echeance_dans=12):
    """Une facture du mois fini avant son émission (son échéance ne précède pas sa période)."""
    aujourdhui = timezone.localdate()
    date_facture = aujourdhui - emise_il_y_a * JOUR
    fin_du_mois_facture = date_facture.replace(day=1) - JOUR
    return FactureFactory(
        famille=famille,
        regie=RegieFactory(),
        numero=numero,
        rang=int(numero.split("-")[1]),
        date_facture=date_facture,
        date_echeance=aujourdhui + echeance_dans * JOUR,
        periode_debut=fin_du_mois_facture.replace(day=1),
        periode_fin=fin_du_mois_facture,
        montant=Decimal(montant),
    )


@pytest.fixture
def factures_du_guide(dupont, martin):
    """Le compte du guide : AL-12 payée par le chèque AL-228, AL-36 impayée ; et une facture
    de la famille Martin, qui ne doit jamais paraître chez les Dupont."""
    al12 = facture(dupont, "AL-12", "243.20", emise_il_y_a=40, echeance_dans=-18)
    facture(dupont, "AL-36", "120.60", emise_il_y_a=10)
    cheque = ReglementFactory(
        famille=dupont,
        regie=RegieFactory(),
        numero="AL-228",
        date=timezone.localdate() - 5 * JOUR,
        montant=Decimal("243.20"),
    )
    AffectationFactory(reglement=cheque, facture=al12, montant=Decimal("243.20"))
    facture(martin, "AL-40", "55.00", emise_il_y_a=3)


def test_l_accueil_presente_le_responsable_connecte(client_dupont):
    reponse = client_dupont.get(reverse("accueil"))

    page = texte(reponse)
    assert "Bienvenue sur le Portail Famille" in page
    assert "Civilité Monsieur" in page
    assert "Nom DUPONT" in page
    assert "Prénom JEAN" in page
    assert "N° Famille 1001001819331" in page


def test_le_solde_du_jour_est_les_factures_moins_les_reglements(client_dupont, factures_du_guide):
    reponse = client_dupont.get(reverse("accueil"))

    aujourdhui = date_longue(timezone.localdate())
    assert f"À la date du {aujourdhui}, votre compte présente un solde de 120,60 €" in texte(
        reponse
    )


def test_seules_les_factures_impayees_de_la_famille_sont_listees_avec_leur_total(
    client_dupont, factures_du_guide
):
    reponse = client_dupont.get(reverse("accueil"))

    page = texte(reponse)
    emise = (timezone.localdate() - 10 * JOUR).strftime("%d/%m/%Y")
    echeance = (timezone.localdate() + 12 * JOUR).strftime("%d/%m/%Y")
    assert f"AL-36 {emise} {echeance} 120,60 €" in page
    assert "Total : 120,60 €" in page
    assert "AL-12" not in page
    assert "AL-40" not in page
    assert "55,00" not in page


def test_les_factures_de_dupont_n_apparaissent_jamais_chez_martin(client_martin, factures_du_guide):
    reponse = client_martin.get(reverse("accueil"))

    page = texte(reponse)
    assert "AL-40" in page
    assert "solde de 55,00 €" in page
    assert "AL-36" not in page
    assert "120,60" not in page
    assert "1001001819331" not in page


def test_une_facture_en_partie_reglee_montre_ce_qui_reste_du(client_dupont, dupont):
    partielle = facture(dupont, "AL-50", "100.00", emise_il_y_a=2)
    acompte = ReglementFactory(
        famille=dupont, numero="AL-229", date=timezone.localdate(), montant=Decimal("40.00")
    )
    AffectationFactory(reglement=acompte, facture=partielle, montant=Decimal("40.00"))

    page = texte(client_dupont.get(reverse("accueil")))

    assert "AL-50" in page
    assert "Total : 60,00 €" in page
    assert "solde de 60,00 €" in page


def test_une_facture_datee_de_demain_ne_compte_pas_encore(client_dupont, dupont):
    facture(dupont, "AL-60", "80.00", emise_il_y_a=-1)

    page = texte(client_dupont.get(reverse("accueil")))

    assert "solde de 0,00 €" in page
    assert "AL-60" not in page


def test_sans_facture_impayee_une_phrase_le_dit(client_dupont):
    page = texte(client_dupont.get(reverse("accueil")))

    assert "solde de 0,00 €" in page
    assert "Vous n'avez aucune facture impayée" in page
    assert "Total :" not in page


def test_un_solde_negatif_est_presente_comme_en_faveur_de_la_famille(client_dupont, dupont):
    ReglementFactory(
        famille=dupont, numero="AL-230", date=timezone.localdate(), montant=Decimal("20.00")
    )

    page = texte(client_dupont.get(reverse("accueil")))

    assert "solde de -20,00 €" in page
    assert "Ce solde est en votre faveur" in page


def test_l_accueil_n_a_ni_bouton_mort_ni_lien_mort(client_dupont, factures_du_guide):
    reponse = client_dupont.get(reverse("accueil"))

    source = reponse.content.decode()
    assert 'href="#"' not in source
    # Le lien « PDF » mène au document de la facture (plus d'icône sans destination).
    assert 'href="/factures/' in source and 'aria-label="Facture AL-36 (PDF)"' in source
    assert f'href="{reverse("mot_de_passe_changer")}">Changer mon mot de passe' in source


def test_un_agent_sans_famille_qui_ouvre_l_accueil_va_a_l_administration(client_agent):
    reponse = client_agent.get(reverse("accueil"))

    assert reponse.status_code == 302
    assert reponse.url == reverse("admin:index")


def test_un_compte_sans_famille_ni_statut_d_agent_recoit_un_refus_en_francais(client, db):
    client.force_login(UtilisateurFactory(username="sans.famille"))

    reponse = client.get(reverse("accueil"))

    assert reponse.status_code == 403
    assert "Accès refusé" in texte(reponse)


def test_l_accueil_tient_en_douze_requetes_quel_que_soit_le_nombre_de_factures(
    client_dupont, dupont, django_assert_max_num_queries
):
    for rang in range(100, 140):
        facture(dupont, f"AL-{rang}", "10.00", emise_il_y_a=rang - 99)

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("accueil"))

    assert "Total : 400,00 €" in texte(reponse)


# --- Une facture échue : pas de bouton, et pourquoi ------------------------------------------

RAISON_ECHUE = (
    "Date limite de paiement passée : cette facture ne se paie plus en ligne. "
    "Rapprochez-vous de la Trésorerie de Bozel."
)


def test_une_facture_echue_dit_pourquoi_elle_ne_se_paie_plus_en_ligne(client_martin, martin):
    facture(martin, "AL-7", "92.70", emise_il_y_a=60, echeance_dans=-30)
    facture(martin, "AL-37", "78.50", emise_il_y_a=2)

    page = texte(client_martin.get(reverse("accueil")))

    assert "Payer en ligne la facture AL-7" not in page
    assert f"AL-7 {(timezone.localdate() - 60 * JOUR):%d/%m/%Y}" in page
    assert page.count(RAISON_ECHUE) == 1  # pour AL-7 seulement : AL-37 a son bouton
    assert page.index("AL-7") < page.index(RAISON_ECHUE) < page.index("AL-37")


def test_la_raison_n_ajoute_aucune_requete_a_l_accueil(
    client_martin, martin, django_assert_max_num_queries
):
    for rang in range(100, 140):
        facture(martin, f"AL-{rang}", "10.00", emise_il_y_a=60, echeance_dans=-30)

    with django_assert_max_num_queries(12):
        page = texte(client_martin.get(reverse("accueil")))

    assert page.count(RAISON_ECHUE) == 40
