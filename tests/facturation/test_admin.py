"""L'administration de la facturation : une facture émise ne change plus ; les règlements
saisis à la main paient les factures de leur famille sans dépasser ce qui reste dû."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from facturation.models import Affectation, Facture, Reglement, Tarif
from tests.factories import (
    AffectationFactory,
    FactureFactory,
    LigneFactureFactory,
    PrestationFactory,
    RegieFactory,
    ReglementFactory,
    ResponsableFactory,
    TarifFactory,
    TrancheQuotientFactory,
)

EUROS = "\u00a0€"


@pytest.fixture
def regie(db):
    return RegieFactory(dernier_numero_facture=36, dernier_numero_reglement=228)


@pytest.fixture
def al36(regie, dupont):
    facture = FactureFactory(
        regie=regie,
        famille=dupont,
        rang=36,
        numero="AL-36",
        date_facture=datetime.date(2026, 11, 8),
        date_echeance=datetime.date(2099, 11, 30),
        montant=Decimal("120.60"),
    )
    LigneFactureFactory(
        facture=facture,
        libelle="Restauration scolaire",
        quantite=Decimal("12"),
        prix_unitaire=Decimal("4.20"),
        montant=Decimal("50.40"),
    )
    LigneFactureFactory(
        facture=facture,
        libelle="ALSH Mercredi journée",
        quantite=Decimal("3"),
        prix_unitaire=Decimal("15.00"),
        montant=Decimal("45.00"),
    )
    LigneFactureFactory(
        facture=facture,
        libelle="Garderie matin",
        quantite=Decimal("14"),
        prix_unitaire=Decimal("1.80"),
        montant=Decimal("25.20"),
    )
    return facture


@pytest.fixture
def al12(regie, dupont):
    facture = FactureFactory(
        regie=regie,
        famille=dupont,
        rang=12,
        numero="AL-12",
        date_echeance=datetime.date(2026, 11, 30),
        montant=Decimal("243.20"),
    )
    cheque = ReglementFactory(
        regie=regie, famille=dupont, numero="AL-228", montant=Decimal("243.20")
    )
    AffectationFactory(reglement=cheque, facture=facture, montant=Decimal("243.20"))
    return facture


def _plusieurs_factures(regie, nombre=25):
    for rang in range(100, 100 + nombre):
        famille = ResponsableFactory().famille
        facture = FactureFactory(regie=regie, famille=famille, rang=rang)
        cheque = ReglementFactory(regie=regie, famille=famille, montant=Decimal("40.00"))
        AffectationFactory(reglement=cheque, facture=facture, montant=Decimal("40.00"))


# --- Factures -----------------------------------------------------------------------------------


def test_facture_changelist_shows_amount_remaining_and_due_date(client_agent, al36, al12):
    response = client_agent.get(reverse("admin:facturation_facture_changelist"))

    assert response.status_code == 200
    contenu = response.content.decode()
    assert "AL-36" in contenu
    assert "DUPONT JEAN (1001001819331)" in contenu
    assert f"120,60{EUROS}" in contenu
    assert f"243,20{EUROS}" in contenu
    assert f"0,00{EUROS}" in contenu  # AL-12 est soldée
    assert "01/11/2026 – 30/11/2026" in contenu
    assert "Soldée" in contenu
    assert "À payer" in contenu


def test_facture_changelist_filters_by_payment_state(client_agent, al36, al12, regie, martin):
    echue = FactureFactory(
        regie=regie,
        famille=martin,
        rang=7,
        date_facture=datetime.date(2026, 9, 8),
        date_echeance=datetime.date(2026, 9, 30),
        periode_debut=datetime.date(2026, 9, 1),
        periode_fin=datetime.date(2026, 9, 30),
    )
    url = reverse("admin:facturation_facture_changelist")

    def numeros(etat):
        return {
            f.numero for f in client_agent.get(url, {"paiement": etat}).context["cl"].result_list
        }

    assert numeros("echue") == {echue.numero}
    assert numeros("a_payer") == {"AL-36"}
    assert numeros("soldee") == {"AL-12"}


def test_facture_changelist_queries_are_bounded(client_agent, regie, django_assert_max_num_queries):
    _plusieurs_factures(regie)

    with django_assert_max_num_queries(12):
        response = client_agent.get(reverse("admin:facturation_facture_changelist"))

    assert len(response.context["cl"].result_list) == 25


def test_facture_page_is_read_only_with_lines_and_payments(client_agent, al12, al36):
    response = client_agent.get(reverse("admin:facturation_facture_change", args=[al36.pk]))

    assert response.status_code == 200
    contenu = response.content.decode()
    assert "Restauration scolaire" in contenu
    assert f"50,40{EUROS}" in contenu
    assert f"120,60{EUROS}" in contenu
    assert 'name="_save"' not in contenu
    assert 'name="montant"' not in contenu
    assert 'name="lignes-0-quantite"' not in contenu

    response = client_agent.get(reverse("admin:facturation_facture_change", args=[al12.pk]))
    contenu = response.content.decode()
    assert "AL-228" in contenu
    assert "Chèque" in contenu
    assert f"243,20{EUROS}" in contenu


def test_an_issued_facture_cannot_be_changed_by_a_post(client_agent, al36):
    response = client_agent.post(
        reverse("admin:facturation_facture_change", args=[al36.pk]),
        {
            "numero": "AL-99",
            "montant": "1.00",
            "date_echeance": "31/12/2099",
            "lignes-TOTAL_FORMS": "0",
            "lignes-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 403
    al36.refresh_from_db()
    assert al36.numero == "AL-36"
    assert al36.montant == Decimal("120.60")
    assert al36.date_echeance == datetime.date(2099, 11, 30)
    assert al36.lignes.count() == 3


def test_factures_are_neither_added_nor_deleted_in_the_admin(client_agent, admin_client, al36):
    for client in (client_agent, admin_client):  # superutilisateur compris
        assert client.get(reverse("admin:facturation_facture_add")).status_code == 403
        response = client.post(
            reverse("admin:facturation_facture_delete", args=[al36.pk]), {"post": "yes"}
        )
        assert response.status_code == 403
    assert Facture.objects.filter(pk=al36.pk).exists()


def test_ligne_facture_and_affectation_lists_are_read_only(client_agent, al12, al36):
    response = client_agent.get(reverse("admin:facturation_lignefacture_changelist"))
    assert response.status_code == 200
    assert "Garderie matin" in response.content.decode()

    response = client_agent.get(reverse("admin:facturation_affectation_changelist"))
    assert response.status_code == 200
    assert "AL-228" in response.content.decode()

    affectation = Affectation.objects.get()
    url = reverse("admin:facturation_affectation_change", args=[affectation.pk])
    assert client_agent.get(url).status_code == 200
    assert client_agent.post(url, {"montant": "1.00"}).status_code == 403


# --- Règlements ---------------------------------------------------------------------------------


def _reglement(regie, famille, facture, montant, affecte):
    return {
        "regie": regie.pk,
        "famille": famille.pk,
        "date": "26/11/2026",
        "mode": Reglement.Mode.CHEQUE,
        "montant": montant,
        "reference": "0004567",
        "affectations-TOTAL_FORMS": "1",
        "affectations-INITIAL_FORMS": "0",
        "affectations-MIN_NUM_FORMS": "0",
        "affectations-MAX_NUM_FORMS": "1000",
        "affectations-0-facture": facture.pk,
        "affectations-0-montant": affecte,
    }


def test_a_cheque_is_recorded_numbered_and_allocated(client_agent, agent, regie, dupont, al36):
    response = client_agent.post(
        reverse("admin:facturation_reglement_add"),
        _reglement(regie, dupont, al36, "120.60", "120.60"),
    )

    assert response.status_code == 302, response.context["errors"]
    reglement = Reglement.objects.get(numero="AL-229")
    assert reglement.saisi_par == agent
    assert reglement.affectations.get().facture == al36
    regie.refresh_from_db()
    assert regie.dernier_numero_reglement == 229
    assert Facture.objects.avec_reste_a_payer().get(pk=al36.pk).reste_a_payer == 0


def test_an_allocation_cannot_exceed_what_remains_due(client_agent, regie, dupont, al36):
    response = client_agent.post(
        reverse("admin:facturation_reglement_add"),
        _reglement(regie, dupont, al36, "200.00", "150.00"),
    )

    assert response.status_code == 200
    assert f"Il ne reste que 120,60{EUROS} à payer sur la facture AL-36." in (
        response.content.decode()
    )
    assert not Reglement.objects.exists()


def test_allocations_cannot_exceed_the_payment(client_agent, regie, dupont, al36):
    response = client_agent.post(
        reverse("admin:facturation_reglement_add"),
        _reglement(regie, dupont, al36, "50.00", "60.00"),
    )

    assert response.status_code == 200
    assert "dépassent le montant du règlement" in response.content.decode()
    assert not Reglement.objects.exists()


def test_a_payment_only_pays_its_own_family_invoices(client_agent, regie, martin, al36):
    response = client_agent.post(
        reverse("admin:facturation_reglement_add"),
        _reglement(regie, martin, al36, "120.60", "120.60"),
    )

    assert response.status_code == 200
    assert "Cette facture est celle d&#x27;une autre famille." in response.content.decode()
    assert not Reglement.objects.exists()


def test_reglement_add_offers_only_manual_modes(client_agent, regie):
    response = client_agent.get(reverse("admin:facturation_reglement_add"))

    modes = [valeur for valeur, _ in response.context["adminform"].form.fields["mode"].choices]
    assert modes == ["cheque", "especes", "virement"]


def test_online_payments_are_read_only(client_agent, regie, dupont):
    paiement = ReglementFactory(
        regie=regie, famille=dupont, numero="AL-230", mode=Reglement.Mode.PAIEMENT_EN_LIGNE
    )
    url = reverse("admin:facturation_reglement_change", args=[paiement.pk])

    assert client_agent.get(url).status_code == 200
    response = client_agent.post(url, {"montant": "1.00", "mode": "cheque"})

    assert response.status_code == 403
    paiement.refresh_from_db()
    assert paiement.montant == Decimal("100.00")


def test_reglement_changelist_shows_mode_label_and_is_bounded(
    client_agent, regie, dupont, al12, django_assert_max_num_queries
):
    ReglementFactory(
        regie=regie,
        famille=dupont,
        numero="AL-231",
        mode=Reglement.Mode.TITRE_EMIS,
        reference="1234",
    )
    _plusieurs_factures(regie, 23)

    with django_assert_max_num_queries(12):
        response = client_agent.get(reverse("admin:facturation_reglement_changelist"))

    assert len(response.context["cl"].result_list) == 25
    contenu = response.content.decode()
    assert "Titre émis (ORMC n°1234)" in contenu
    assert f"243,20{EUROS}" in contenu

    response = client_agent.get(
        reverse("admin:facturation_reglement_change", args=[al12.affectations.get().reglement_id])
    )
    assert response.status_code == 200
    assert "AL-12" in response.content.decode()


def test_reglement_history_cannot_be_reverted(client_agent, regie, dupont):
    cheque = ReglementFactory(regie=regie, famille=dupont, numero="AL-232")
    version = cheque.history.earliest()

    response = client_agent.post(
        reverse("admin:facturation_reglement_simple_history", args=[cheque.pk, version.history_id]),
        {"montant": "5.00"},
    )

    assert response.status_code == 403


# --- Régies et tarifs ---------------------------------------------------------------------------


def test_regie_admin_freezes_the_prefix_once_numbers_are_used(client_agent, regie):
    response = client_agent.get(reverse("admin:facturation_regie_changelist"))
    assert response.status_code == 200
    assert "Régie garderie ALSH" in response.content.decode()

    response = client_agent.get(reverse("admin:facturation_regie_change", args=[regie.pk]))
    assert response.status_code == 200
    assert 'name="prefixe"' not in response.content.decode()
    assert 'name="delai_paiement_jours"' in response.content.decode()


def test_tarif_admin_shows_quotient_brackets(client_agent, django_assert_max_num_queries):
    tarif = TarifFactory(
        prestation=PrestationFactory(nom="ALSH Mercredi journée"), mode=Tarif.Mode.QUOTIENT
    )
    TrancheQuotientFactory(tarif=tarif, qf_min=0, qf_max=700, prix_unitaire=Decimal("10.00"))
    TrancheQuotientFactory(tarif=tarif, qf_min=701, qf_max=None, prix_unitaire=Decimal("15.00"))
    for numero in range(24):
        TarifFactory(prestation=PrestationFactory(nom=f"Prestation {numero}"))

    with django_assert_max_num_queries(15):
        response = client_agent.get(reverse("admin:facturation_tarif_changelist"))

    contenu = response.content.decode()
    assert f"QF 0 à 700 : 10,00{EUROS}" in contenu
    assert f"QF 701 et plus : 15,00{EUROS}" in contenu
    assert f"8,50{EUROS}" in contenu

    response = client_agent.get(reverse("admin:facturation_tarif_change", args=[tarif.pk]))
    assert response.status_code == 200
    assert 'name="tranches-0-qf_min"' in response.content.decode()

    response = client_agent.get(reverse("admin:facturation_tranchequotient_changelist"))
    assert response.status_code == 200


def test_overlapping_quotient_brackets_are_refused(client_agent, regie):
    prestation = PrestationFactory()

    response = client_agent.post(
        reverse("admin:facturation_tarif_add"),
        {
            "prestation": prestation.pk,
            "regie": regie.pk,
            "mode": Tarif.Mode.QUOTIENT,
            "prix_unitaire": "15.00",
            "date_debut": "01/09/2026",
            "tranches-TOTAL_FORMS": "2",
            "tranches-INITIAL_FORMS": "0",
            "tranches-MIN_NUM_FORMS": "0",
            "tranches-MAX_NUM_FORMS": "1000",
            "tranches-0-qf_min": "0",
            "tranches-0-qf_max": "700",
            "tranches-0-prix_unitaire": "10.00",
            "tranches-1-qf_min": "600",
            "tranches-1-qf_max": "",
            "tranches-1-prix_unitaire": "15.00",
        },
    )

    assert response.status_code == 200
    assert "se chevauchent" in response.content.decode()
    assert not Tarif.objects.exists()
