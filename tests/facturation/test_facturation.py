"""Les prix et la facturation d'une période : une facture par famille et régie, une ligne par
enfant et prestation, les jours facturables seulement, jamais deux fois."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from enfants.models import Journee
from facturation import services
from facturation.models import Facture, FactureImmuable, JourFacture, LigneFacture
from tests.factories import (
    EnfantFactory,
    FermetureFactory,
    InscriptionFactory,
    JourneeFactory,
    PrestationFactory,
    RegieFactory,
    TarifFactory,
    TrancheQuotientFactory,
)
from travaux.models import Travail

NOVEMBRE = {"debut": datetime.date(2026, 11, 1), "fin": datetime.date(2026, 11, 30)}
Etat = Journee.Etat


def jour(n):
    return datetime.date(2026, 11, n)


@pytest.fixture
def regie(db):
    return RegieFactory(dernier_numero_facture=37, delai_paiement_jours=22)


@pytest.fixture
def mercredi(regie):
    prestation = PrestationFactory(nom="ALSH Mercredi journée", jours_ouverture="3")
    TarifFactory(prestation=prestation, regie=regie, prix_unitaire=Decimal("15.00"))
    return prestation


@pytest.fixture
def garderie(regie):
    prestation = PrestationFactory(nom="Garderie matin", jours_ouverture="12345")
    TarifFactory(prestation=prestation, regie=regie, prix_unitaire=Decimal("1.80"))
    return prestation


@pytest.fixture
def lucas(dupont):
    return dupont.enfants.get()


def facturer(regie, **options):
    return services.facturer_periode(
        regie=regie, **NOVEMBRE, date_facture=jour(30), produire_pdf=False, **options
    )


# --- Prix ------------------------------------------------------------------------------------


def test_a_flat_tarif_gives_its_price(mercredi, dupont):
    assert services.prix_unitaire(prestation=mercredi, famille=dupont, jour=jour(4)) == Decimal(
        "15.00"
    )


def test_a_quotient_tarif_picks_the_bracket_of_the_family_quotient(regie, dupont, martin):
    prestation = PrestationFactory(nom="Restauration scolaire")
    tarif = TarifFactory(
        prestation=prestation, regie=regie, mode="quotient", prix_unitaire=Decimal("5.00")
    )
    TrancheQuotientFactory(tarif=tarif, qf_min=0, qf_max=700, prix_unitaire=Decimal("3.10"))
    TrancheQuotientFactory(tarif=tarif, qf_min=701, qf_max=None, prix_unitaire=Decimal("4.20"))
    dupont.quotient_familial = 650
    martin.quotient_familial = 820

    assert services.prix_unitaire(prestation=prestation, famille=dupont, jour=jour(4)) == Decimal(
        "3.10"
    )
    assert services.prix_unitaire(prestation=prestation, famille=martin, jour=jour(4)) == Decimal(
        "4.20"
    )


def test_a_family_without_quotient_pays_the_tarif_price(regie, dupont):
    tarif = TarifFactory(mode="quotient", regie=regie, prix_unitaire=Decimal("5.00"))
    TrancheQuotientFactory(tarif=tarif, qf_min=0, qf_max=700, prix_unitaire=Decimal("3.10"))
    dupont.quotient_familial = None

    assert services.prix_unitaire(
        prestation=tarif.prestation, famille=dupont, jour=jour(4)
    ) == Decimal("5.00")


def test_the_tarif_in_force_is_the_latest_started_on_that_day(mercredi, regie, dupont):
    TarifFactory(
        prestation=mercredi, regie=regie, date_debut=jour(15), prix_unitaire=Decimal("16.00")
    )

    assert services.prix_unitaire(prestation=mercredi, famille=dupont, jour=jour(14)) == Decimal(
        "15.00"
    )
    assert services.prix_unitaire(prestation=mercredi, famille=dupont, jour=jour(15)) == Decimal(
        "16.00"
    )


def test_a_day_before_any_tarif_has_no_price(mercredi, dupont):
    with pytest.raises(ValidationError, match="n'a pas de tarif"):
        services.prix_unitaire(prestation=mercredi, famille=dupont, jour=datetime.date(2026, 1, 7))


# --- La facturation --------------------------------------------------------------------------


def test_billed_states_make_one_line_per_child_and_prestation(regie, mercredi, garderie, lucas):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4), etat=Etat.RESERVE)
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(18), etat=Etat.PRESENT)
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(25), etat=Etat.ABSENT_FACTURE)
    JourneeFactory(enfant=lucas, prestation=garderie, date=jour(13), etat=Etat.REGULIER)

    rapport = facturer(regie)

    facture = Facture.objects.get()
    assert rapport.factures == [facture]
    assert facture.numero == "AL-38"
    assert facture.famille == lucas.famille
    assert facture.montant == Decimal("46.80")
    assert facture.date_echeance == datetime.date(2026, 12, 22)
    assert (facture.periode_debut, facture.periode_fin) == (jour(1), jour(30))
    lignes = {
        (ligne.libelle, ligne.quantite, ligne.prix_unitaire, ligne.montant)
        for ligne in facture.lignes.all()
    }
    assert lignes == {
        ("ALSH Mercredi journée", Decimal("3"), Decimal("15.00"), Decimal("45.00")),
        ("Garderie matin", Decimal("1"), Decimal("1.80"), Decimal("1.80")),
    }


@pytest.mark.parametrize(
    "etat",
    [
        Etat.ABSENT_EXCUSE,
        Etat.FERMETURE,
        Etat.RESERVATION_REFUSEE,
        Etat.RESERVATION_EN_ATTENTE,
        Etat.DEMANDE_EN_ATTENTE,
        Etat.LISTE_ATTENTE,
    ],
)
def test_unbilled_states_make_no_invoice(regie, garderie, lucas, etat):
    JourneeFactory(enfant=lucas, prestation=garderie, date=jour(13), etat=etat)

    rapport = facturer(regie)

    assert rapport.factures == []
    assert not Facture.objects.exists()
    regie.refresh_from_db()
    assert regie.dernier_numero_facture == 37


def test_regular_days_are_billed_on_open_days_without_a_journee(regie, mercredi, lucas):
    InscriptionFactory(enfant=lucas, prestation=mercredi, jours_reguliers="3")
    # Mercredis de novembre 2026 : le 11 est férié, le 18 excusé, le 25 fermé.
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(18), etat=Etat.ABSENT_EXCUSE)
    FermetureFactory(date_debut=jour(25), date_fin=jour(25), motif="Pont")

    facturer(regie)

    ligne = LigneFacture.objects.get()
    assert ligne.quantite == Decimal("1")
    assert list(JourFacture.objects.values_list("date", flat=True)) == [jour(4)]


def test_one_invoice_per_family_with_contiguous_numbers(regie, mercredi, lucas, martin):
    emma = martin.enfants.get()
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))
    JourneeFactory(enfant=emma, prestation=mercredi, date=jour(4))
    JourneeFactory(enfant=emma, prestation=mercredi, date=jour(18))

    facturer(regie)

    assert sorted(Facture.objects.values_list("famille__numero", "numero", "montant")) == [
        (lucas.famille.numero, "AL-38", Decimal("15.00")),
        (martin.numero, "AL-39", Decimal("30.00")),
    ]
    regie.refresh_from_db()
    assert regie.dernier_numero_facture == 39


def test_two_children_of_a_family_share_one_invoice(regie, mercredi, lucas):
    soeur = EnfantFactory(famille=lucas.famille, prenom="Léa")
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))
    JourneeFactory(enfant=soeur, prestation=mercredi, date=jour(4))

    facturer(regie)

    facture = Facture.objects.get()
    assert facture.lignes.count() == 2
    assert facture.montant == Decimal("30.00")


def test_billing_twice_bills_nothing_twice(regie, mercredi, garderie, lucas):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))
    facturer(regie)

    second = facturer(regie)

    assert second.factures == []
    assert Facture.objects.count() == 1
    assert LigneFacture.objects.count() == 1
    regie.refresh_from_db()
    assert regie.dernier_numero_facture == 38


def test_a_day_added_later_is_billed_alone_by_the_next_run(regie, mercredi, lucas):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))
    facturer(regie)
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(25), etat=Etat.ABSENT_FACTURE)

    rapport = facturer(regie)

    assert rapport.numeros == ["AL-39"]
    assert rapport.factures[0].montant == Decimal("15.00")
    assert JourFacture.objects.count() == 2


def test_only_the_prestations_of_the_regie_are_billed(regie, mercredi, lucas):
    autre = RegieFactory(nom="Régie restauration", prefixe="RS")
    cantine = PrestationFactory(nom="Restauration scolaire")
    TarifFactory(prestation=cantine, regie=autre, prix_unitaire=Decimal("4.20"))
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))
    JourneeFactory(enfant=lucas, prestation=cantine, date=jour(5))

    facturer(regie)
    services.facturer_periode(regie=autre, **NOVEMBRE, produire_pdf=False)

    assert sorted(Facture.objects.values_list("numero", "montant")) == [
        ("AL-38", Decimal("15.00")),
        ("RS-1", Decimal("4.20")),
    ]


def test_an_issued_invoice_gets_its_pdf_and_is_announced_on_commit(
    regie, mercredi, lucas, django_capture_on_commit_callbacks
):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))

    with django_capture_on_commit_callbacks(execute=True):
        services.facturer_periode(regie=regie, **NOVEMBRE, date_facture=jour(30))

    facture = Facture.objects.get()
    assert facture.pdf and len(facture.pdf_sha256) == 64
    assert [message.subject for message in mail.outbox] == ["Portail Familles : facture AL-38"]


# --- Immuabilité -----------------------------------------------------------------------------


def test_an_issued_invoice_cannot_be_saved_or_deleted(regie, mercredi, lucas):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))
    facture = facturer(regie).factures[0]
    ligne = facture.lignes.get()

    facture.montant = Decimal("1.00")
    with pytest.raises(FactureImmuable):
        facture.save()
    with pytest.raises(FactureImmuable):
        facture.delete()
    ligne.montant = Decimal("1.00")
    with pytest.raises(FactureImmuable):
        ligne.save()
    with pytest.raises(FactureImmuable):
        ligne.delete()
    assert Facture.objects.get().montant == Decimal("15.00")
    assert LigneFacture.objects.get().montant == Decimal("15.00")


def test_the_admin_refuses_to_change_an_invoice(client_agent, regie, mercredi, lucas):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))
    facture = facturer(regie).factures[0]

    response = client_agent.post(
        f"/admin/facturation/facture/{facture.pk}/change/", {"montant": "1.00"}
    )
    suppression = client_agent.post(
        f"/admin/facturation/facture/{facture.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert suppression.status_code == 403
    assert Facture.objects.get().montant == Decimal("15.00")


# --- Avoirs ----------------------------------------------------------------------------------


def test_a_credit_note_has_its_own_number_and_a_negative_amount(regie, mercredi, lucas, agent):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(18))
    facture = facturer(regie).factures[0]

    avoir = services.emettre_avoir(
        facture=facture, montant=Decimal("15.00"), motif="Sortie annulée", par=agent
    )

    assert avoir.numero == "AL-39"
    assert avoir.genre == Facture.Genre.AVOIR
    assert avoir.montant == Decimal("-15.00")
    assert avoir.facture_corrigee == facture
    assert avoir.lignes.get().libelle == "Avoir : Sortie annulée"
    assert Facture.objects.get(pk=facture.pk).montant == Decimal("30.00")


def test_a_credit_note_lowers_what_remains_due_on_the_invoice(regie, mercredi, lucas):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(18))
    facture = facturer(regie).factures[0]

    services.emettre_avoir(facture=facture, montant=Decimal("15.00"), motif="Sortie annulée")

    impayee = Facture.objects.impayees().get()
    assert impayee == facture
    assert impayee.reste_a_payer == Decimal("15.00")


def test_a_credit_note_can_credit_whole_lines(regie, mercredi, lucas):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))
    facture = facturer(regie).factures[0]

    avoir = services.emettre_avoir(
        facture=facture, lignes=facture.lignes.all(), motif="Erreur de planning"
    )

    assert avoir.montant == Decimal("-15.00")
    assert avoir.lignes.get().quantite == Decimal("-1")


def test_credit_notes_cannot_exceed_the_invoice(regie, mercredi, lucas):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))
    facture = facturer(regie).factures[0]
    services.emettre_avoir(facture=facture, montant=Decimal("10.00"), motif="Geste")

    with pytest.raises(ValidationError, match="dépasseraient le montant"):
        services.emettre_avoir(facture=facture, montant=Decimal("6.00"), motif="Encore")

    assert Facture.objects.filter(genre=Facture.Genre.AVOIR).count() == 1
    regie.refresh_from_db()
    assert regie.dernier_numero_facture == 39


def test_days_before_the_first_tarif_are_reported_not_billed(regie, lucas, martin):
    prestation = PrestationFactory(nom="ALSH Mercredi journée", jours_ouverture="3")
    TarifFactory(
        prestation=prestation, regie=regie, date_debut=jour(15), prix_unitaire=Decimal("15.00")
    )
    for journee in (4, 11, 18):
        JourneeFactory(enfant=lucas, prestation=prestation, date=jour(journee))
    JourneeFactory(enfant=martin.enfants.get(), prestation=prestation, date=jour(4))

    rapport = facturer(regie)

    assert sorted((j.enfant_id, j.jour) for j in rapport.jours_sans_tarif) == sorted(
        [(lucas.pk, jour(4)), (lucas.pk, jour(11)), (martin.enfants.get().pk, jour(4))]
    )
    assert services.jours_sans_tarif_par_prestation(rapport.jours_sans_tarif) == [
        {
            "prestation": "ALSH Mercredi journée",
            "jours": ["04/11/2026", "11/11/2026"],
            "nombre": 3,
            "familles": 2,
        }
    ]
    assert str(rapport) == (
        "Régie garderie ALSH : 1 facture(s) émise(s) (AL-38 à AL-38), 1 ligne(s), 1 jour(s), "
        "15,00\xa0€. 3 jour(s) non facturé(s) faute de tarif : ALSH Mercredi journée."
    )
    assert not JourFacture.objects.filter(date__lt=jour(15)).exists()


# --- Depuis l'administration -----------------------------------------------------------------


def test_the_admin_bills_a_month_for_the_selected_regie(
    client_agent, regie, mercredi, lucas, taches_immediates, django_capture_on_commit_callbacks
):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))
    action = {"action": "facturer_un_mois", "_selected_action": [regie.pk]}

    page = client_agent.post("/admin/facturation/regie/", action)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_agent.post(
            "/admin/facturation/regie/",
            {**action, "confirmer": "1", "mois": "2026-11"},
            follow=True,
        )

    assert "Facturer un mois" in page.content.decode()
    travail = Travail.objects.get()
    assert (
        f"Facturation de novembre 2026 — Régie garderie ALSH : lancée en arrière-plan. "
        f'<a href="/admin/travaux/travail/{travail.pk}/change/">Suivre le travail</a>.'
    ) in response.content.decode()
    assert Facture.objects.get().periode_fin == jour(30)
    assert Facture.objects.get().travail == travail


def test_the_admin_refuses_a_bad_month_and_bills_nothing(client_agent, regie, mercredi, lucas):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour(4))

    response = client_agent.post(
        "/admin/facturation/regie/",
        {
            "action": "facturer_un_mois",
            "_selected_action": [regie.pk],
            "confirmer": "1",
            "mois": "2026-13",
        },
    )

    assert "Mois invalide : « 2026-13 »" in response.content.decode()
    assert not Facture.objects.exists()
