"""Le « Relevé de compte » de l'année scolaire et le solde d'une famille."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from facturation.comptes import Compte, annee_scolaire, releve_annee_scolaire, solde_famille
from facturation.models import Facture, Reglement
from familles.models import Utilisateur
from tests.factories import AffectationFactory, FactureFactory, RegieFactory, ReglementFactory
from tests.outils import texte

AUJOURDHUI = timezone.localdate()
DEBUT, FIN = annee_scolaire(AUJOURDHUI)


def facture(famille, numero, montant, date, **autres):
    return FactureFactory(
        famille=famille,
        regie=RegieFactory(),
        numero=numero,
        rang=int(numero.split("-")[1]),
        date_facture=date,
        date_echeance=date + datetime.timedelta(days=22),
        periode_debut=date.replace(day=1),
        periode_fin=date,
        montant=Decimal(montant),
        **autres,
    )


def reglement(famille, numero, montant, date, **autres):
    return ReglementFactory(
        famille=famille,
        regie=RegieFactory(),
        numero=numero,
        date=date,
        montant=Decimal(montant),
        **autres,
    )


@pytest.mark.parametrize(
    ("jour", "debut", "fin"),
    [
        (datetime.date(2015, 4, 8), datetime.date(2014, 9, 1), datetime.date(2015, 8, 31)),
        (datetime.date(2026, 9, 1), datetime.date(2026, 9, 1), datetime.date(2027, 8, 31)),
        (datetime.date(2027, 8, 31), datetime.date(2026, 9, 1), datetime.date(2027, 8, 31)),
    ],
)
def test_l_annee_scolaire_va_du_1er_septembre_au_31_aout(jour, debut, fin):
    assert annee_scolaire(jour) == (debut, fin)


def test_le_solde_est_les_factures_moins_les_reglements_a_la_date_dite(dupont, martin):
    facture(dupont, "AL-12", "243.20", datetime.date(2015, 4, 8))
    facture(dupont, "AL-36", "120.60", datetime.date(2015, 4, 8))
    reglement(dupont, "AL-228", "243.20", datetime.date(2015, 4, 8))
    facture(dupont, "AL-37", "50.00", datetime.date(2015, 5, 8))
    facture(martin, "AL-38", "999.00", datetime.date(2015, 4, 8))

    assert solde_famille(famille=dupont, au=datetime.date(2015, 4, 30)) == Decimal("120.60")
    assert solde_famille(famille=dupont, au=datetime.date(2015, 5, 8)) == Decimal("170.60")
    assert solde_famille(famille=dupont, au=datetime.date(2015, 4, 7)) == Decimal("0.00")


def test_le_releve_et_l_accueil_calculent_le_meme_solde(dupont):
    """Le relevé calcule le solde en Python sur les opérations qu'il a lues (Compte), l'accueil
    en SQL (solde_famille) : les deux disent la même chose, avoirs compris."""
    origine = facture(dupont, "AL-12", "243.20", datetime.date(2015, 4, 8))
    facture(
        dupont,
        "AL-13",
        "-43.20",
        datetime.date(2015, 4, 20),
        genre=Facture.Genre.AVOIR,
        facture_corrigee=origine,
    )
    reglement(dupont, "AL-228", "100.00", datetime.date(2015, 5, 2))
    facture(dupont, "AL-37", "50.00", datetime.date(2015, 5, 8))
    compte = Compte.de_la_famille(dupont)

    for jour in (7, 8, 19, 20, 30):
        au = datetime.date(2015, 4, jour)
        assert compte.solde(au) == solde_famille(famille=dupont, au=au), au
    for jour in (1, 2, 7, 8, 31):
        au = datetime.date(2015, 5, jour)
        assert compte.solde(au) == solde_famille(famille=dupont, au=au), au
    assert compte.solde(datetime.date(2015, 5, 8)) == Decimal("150.00")


def test_un_avoir_diminue_le_solde_et_vient_au_credit_du_releve(dupont):
    origine = facture(dupont, "AL-12", "243.20", DEBUT)
    facture(
        dupont,
        "AL-13",
        "-43.20",
        DEBUT,
        genre=Facture.Genre.AVOIR,
        facture_corrigee=origine,
    )

    releve = releve_annee_scolaire(famille=dupont, jour=AUJOURDHUI)

    assert solde_famille(famille=dupont, au=AUJOURDHUI) == Decimal("200.00")
    avoir = next(op for op in releve.operations if op.numero == "AL-13")
    assert (avoir.debit, avoir.credit) == (None, Decimal("43.20"))
    assert avoir.description.startswith("Avoir : ")


def test_le_releve_montre_les_operations_de_l_annee_avec_leurs_totaux(client_dupont, dupont):
    facture(dupont, "AL-12", "243.20", DEBUT + datetime.timedelta(days=10))
    facture(dupont, "AL-36", "120.60", DEBUT + datetime.timedelta(days=40))
    reglement(dupont, "AL-228", "243.20", DEBUT + datetime.timedelta(days=40))

    page = texte(client_dupont.get(reverse("releve")))

    assert f"Année scolaire {DEBUT.year}-{FIN.year}" in page
    quarante = (DEBUT + datetime.timedelta(days=40)).strftime("%d/%m/%Y")
    dix = (DEBUT + datetime.timedelta(days=10)).strftime("%d/%m/%Y")
    assert f"AL-228 {quarante} Règlement : Chèque Régie garderie ALSH 243,20 €" in page
    assert f"AL-36 {quarante} Facture : " in page
    assert f"AL-12 {dix} Facture : " in page
    assert "Régie garderie ALSH 243,20 €" in page
    assert "Totaux de l'année scolaire 363,80 € 243,20 €" in page
    assert "Ancien solde au " in page
    assert "Solde du compte pour l'année scolaire 120,60 €" in page


def test_les_operations_les_plus_recentes_viennent_en_premier(client_dupont, dupont):
    facture(dupont, "AL-12", "243.20", DEBUT + datetime.timedelta(days=10))
    facture(dupont, "AL-36", "120.60", DEBUT + datetime.timedelta(days=40))

    page = texte(client_dupont.get(reverse("releve")))

    assert page.index("AL-36") < page.index("AL-12")


def test_les_annees_precedentes_forment_l_ancien_solde(client_dupont, dupont):
    facture(dupont, "AL-5", "80.00", DEBUT - datetime.timedelta(days=60))
    reglement(dupont, "AL-200", "30.00", DEBUT - datetime.timedelta(days=30))
    facture(dupont, "AL-36", "120.60", DEBUT + datetime.timedelta(days=1))

    page = texte(client_dupont.get(reverse("releve")))

    assert "AL-5 " not in page
    assert "AL-200" not in page
    assert f"Ancien solde au {DEBUT:%d/%m/%Y} 50,00 €" in page
    assert "Solde du compte pour l'année scolaire 170,60 €" in page


def test_un_titre_emis_se_lit_avec_son_numero_d_ormc(client_dupont, dupont):
    reglement(
        dupont,
        "AL-300",
        "120.60",
        DEBUT + datetime.timedelta(days=5),
        mode=Reglement.Mode.TITRE_EMIS,
        reference="4521",
    )

    page = texte(client_dupont.get(reverse("releve")))

    assert "Règlement : Titre émis (ORMC n°4521)" in page


def test_le_releve_de_dupont_ne_montre_rien_de_martin(client_dupont, martin):
    facture(martin, "AL-40", "55.00", DEBUT + datetime.timedelta(days=3))
    reglement(martin, "AL-241", "55.00", DEBUT + datetime.timedelta(days=4))

    page = texte(client_dupont.get(reverse("releve")))

    assert "AL-40" not in page
    assert "AL-241" not in page
    assert "Aucune facture ni aucun règlement sur l'année scolaire" in page


def test_le_releve_tient_en_cinq_requetes(client_dupont, dupont, django_assert_max_num_queries):
    for rang in range(100, 140):
        facture(dupont, f"AL-{rang}", "10.00", DEBUT + datetime.timedelta(days=rang - 100))
        reglement(dupont, f"AL-R{rang}", "10.00", DEBUT + datetime.timedelta(days=rang - 100))

    with django_assert_max_num_queries(5):
        reponse = client_dupont.get(reverse("releve"))

    assert "Totaux de l'année scolaire 400,00 € 400,00 €" in texte(reponse)


# --- Année scolaire, vues, conseils ------------------------------------------------------------


def test_le_selecteur_propose_les_annees_qui_ont_des_operations_et_l_annee_en_cours(
    client_dupont, dupont
):
    facture(dupont, "AL-5", "80.00", DEBUT.replace(year=DEBUT.year - 2))

    page = client_dupont.get(reverse("releve")).content.decode()

    courante, ancienne = DEBUT.year, DEBUT.year - 2
    assert f'<option value="{courante}" selected>{courante}-{courante + 1}</option>' in page
    assert f'<option value="{ancienne}">{ancienne}-{ancienne + 1}</option>' in page
    assert f'<option value="{courante - 1}"' not in page


def test_une_annee_choisie_montre_ses_operations_et_son_ancien_solde(client_dupont, dupont):
    il_y_a_un_an = DEBUT.replace(year=DEBUT.year - 1)
    facture(dupont, "AL-5", "80.00", il_y_a_un_an - datetime.timedelta(days=10))
    facture(dupont, "AL-6", "40.00", il_y_a_un_an + datetime.timedelta(days=10))
    facture(dupont, "AL-36", "120.60", DEBUT + datetime.timedelta(days=1))

    page = texte(client_dupont.get(reverse("releve"), {"annee": il_y_a_un_an.year}))

    assert f"Année scolaire {il_y_a_un_an.year}-{DEBUT.year}" in page
    assert "AL-6 " in page
    assert "AL-36" not in page
    assert f"Ancien solde au {il_y_a_un_an:%d/%m/%Y} 80,00 €" in page
    assert "Solde du compte pour l'année scolaire 120,00 €" in page


@pytest.mark.parametrize("annee", ["abc", "1999", "", "2026-2027", "99999999999999999999", "-1"])
def test_une_annee_invalide_montre_l_annee_en_cours(client_dupont, dupont, annee):
    facture(dupont, "AL-36", "120.60", DEBUT + datetime.timedelta(days=1))

    reponse = client_dupont.get(reverse("releve"), {"annee": annee, "vue": "n'importe"})

    assert reponse.status_code == 200
    page = texte(reponse)
    assert f"Année scolaire {DEBUT.year}-{FIN.year}" in page
    assert "AL-36" in page


@pytest.fixture
def compte_du_guide(dupont):
    jour = DEBUT + datetime.timedelta(days=40)
    facture(dupont, "AL-12", "243.20", jour)
    facture(dupont, "AL-36", "120.60", jour)
    reglement(dupont, "AL-228", "243.20", jour)


def test_mes_factures_ne_montre_que_les_factures(client_dupont, compte_du_guide):
    page = texte(client_dupont.get(reverse("releve"), {"vue": "factures"}))

    assert "AL-12" in page and "AL-36" in page
    assert "AL-228" not in page
    # Les totaux et le solde restent ceux du compte.
    assert "Solde du compte pour l'année scolaire 120,60 €" in page


def test_mes_reglements_ne_montre_que_les_reglements(client_dupont, compte_du_guide):
    reponse = client_dupont.get(reverse("releve"), {"vue": "reglements"})

    page = texte(reponse)
    assert "AL-228" in page
    assert "AL-12" not in page and "AL-36" not in page
    assert 'aria-current="page">Mes règlements</a>' in reponse.content.decode()


def test_sans_reglement_la_vue_le_dit(client_dupont, dupont):
    facture(dupont, "AL-36", "120.60", DEBUT + datetime.timedelta(days=1))

    page = texte(client_dupont.get(reverse("releve"), {"vue": "reglements"}))

    assert f"Aucun règlement sur l'année scolaire {DEBUT.year}-{FIN.year}" in page


def test_un_titre_emis_conseille_de_contacter_la_tresorerie(client_dupont, dupont):
    reglement(
        dupont,
        "AL-300",
        "120.60",
        DEBUT + datetime.timedelta(days=5),
        mode=Reglement.Mode.TITRE_EMIS,
        reference="4521",
    )

    page = texte(client_dupont.get(reverse("releve")))

    assert "le recouvrement d'une facture a été confié au Trésor public (AL-300)" in page
    assert "rapprochez-vous de la Trésorerie de Bozel" in page


def test_sans_titre_emis_pas_de_conseil(client_dupont, compte_du_guide):
    page = texte(client_dupont.get(reverse("releve")))

    assert "Titre émis" not in page
    assert "a été confié au Trésor public" not in page


def test_chaque_facture_du_releve_a_son_lien_pdf_et_pas_les_reglements(
    client_dupont, dupont, compte_du_guide
):
    page = client_dupont.get(reverse("releve")).content.decode()

    for numero in ("AL-12", "AL-36"):
        pk = Facture.objects.get(numero=numero).pk
        assert f'href="{reverse("facture_pdf", args=[pk])}"' in page
        assert f'aria-label="Facture {numero} (PDF)"' in page
    assert "AL-228 (PDF)" not in page


@pytest.mark.parametrize("vue", ["tout", "factures", "reglements"])
def test_chaque_vue_du_releve_tient_en_cinq_requetes(
    client_dupont, dupont, django_assert_max_num_queries, vue
):
    for rang in range(100, 160):
        jour = DEBUT + datetime.timedelta(days=rang - 100)
        facture(dupont, f"AL-{rang}", "10.00", jour)
        reglement(dupont, f"AL-R{rang}", "10.00", jour.replace(year=jour.year - 1))

    with django_assert_max_num_queries(5):
        reponse = client_dupont.get(reverse("releve"), {"vue": vue, "annee": DEBUT.year})

    assert reponse.status_code == 200


def test_le_releve_de_la_demonstration_montre_les_chiffres_du_guide(db, client, settings, tmp_path):
    from portail.demo import construire_demo

    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    construire_demo()  # aujourd'hui : le mois facturé tombe dans l'année scolaire en cours
    client.force_login(Utilisateur.objects.get(username="jean.dupont"))

    page = texte(client.get(reverse("releve")))

    assert f"Ancien solde au {DEBUT:%d/%m/%Y} 0,00 €" in page
    assert "Totaux de l'année scolaire 363,80 € 243,20 €" in page
    assert "Solde du compte pour l'année scolaire 120,60 €" in page
    assert "Règlement : Chèque Régie garderie ALSH 243,20 €" in page
    assert "AL-36" in page and "AL-12" in page


# --- Une facture échue : pas de bouton, et pourquoi ------------------------------------------

RAISON_ECHUE = (
    "Date limite de paiement passée : cette facture ne se paie plus en ligne. "
    "Rapprochez-vous de la Trésorerie de Bozel."
)


def test_une_facture_echue_et_impayee_dit_pourquoi_elle_ne_se_paie_plus_en_ligne(
    client_martin, martin
):
    echue = facture(martin, "AL-7", "92.70", max(DEBUT, AUJOURDHUI - datetime.timedelta(days=40)))
    Facture.objects.filter(pk=echue.pk).update(date_echeance=AUJOURDHUI - datetime.timedelta(1))
    payee = facture(martin, "AL-8", "10.00", echue.date_facture)
    Facture.objects.filter(pk=payee.pk).update(date_echeance=echue.date_echeance)
    AffectationFactory(
        reglement=reglement(martin, "AL-300", "10.00", echue.date_facture),
        facture=payee,
        montant=Decimal("10.00"),
    )

    page = texte(client_martin.get(reverse("releve")))

    assert "Payer en ligne la facture AL-7" not in page
    assert page.count(RAISON_ECHUE) == 1  # AL-7 ; AL-8, réglée, n'a rien à dire


def test_la_raison_n_ajoute_aucune_requete_au_releve(
    client_martin, martin, django_assert_max_num_queries
):
    for rang in range(100, 130):
        f = facture(martin, f"AL-{rang}", "10.00", DEBUT)
        Facture.objects.filter(pk=f.pk).update(date_echeance=AUJOURDHUI - datetime.timedelta(1))

    with django_assert_max_num_queries(5):
        page = texte(client_martin.get(reverse("releve")))

    assert page.count(RAISON_ECHUE) == 30
