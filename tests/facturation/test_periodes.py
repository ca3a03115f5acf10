"""Les périodes de facturation, règle de la régie : à terme échu (par défaut) un mois se
facture une fois terminé ; à échoir il se facture d'avance, et un jour facturé puis annulé ou
excusé est crédité par un avoir. L'échéance ne précède jamais la fin de la période.

« Aujourd'hui » est le lundi 7 décembre 2026, le jour du test de bout en bout."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from demandes.decisions import refuser_demande, valider_demande
from demandes.models import Demande
from enfants.models import Journee
from enfants.reservations import annuler_reservation, declarer_absence, reserver
from facturation import services
from facturation.models import Facture, JourFacture, LigneFacture, Regie
from tests.factories import (
    FactureFactory,
    InscriptionFactory,
    JourneeFactory,
    PrestationFactory,
    RegieFactory,
    TarifFactory,
    TrancheQuotientFactory,
)
from tests.outils import texte

Etat = Journee.Etat
Mode = Regie.ModeFacturation


def a_paris(*args):
    return timezone.make_aware(datetime.datetime(*args))


AUJOURDHUI = datetime.date(2026, 12, 7)
MAINTENANT = a_paris(2026, 12, 7, 10, 0)
LE_8 = a_paris(2026, 12, 8, 10, 0)  # bien avant les limites d'annulation de janvier
NOVEMBRE = {"debut": datetime.date(2026, 11, 1), "fin": datetime.date(2026, 11, 30)}
DECEMBRE = {"debut": datetime.date(2026, 12, 1), "fin": datetime.date(2026, 12, 31)}
JANVIER = {"debut": datetime.date(2027, 1, 1), "fin": datetime.date(2027, 1, 31)}
FEVRIER = {"debut": datetime.date(2027, 2, 1), "fin": datetime.date(2027, 2, 28)}


def janvier(jour):
    return datetime.date(2027, 1, jour)


@pytest.fixture(autouse=True)
def le_7_decembre(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MAINTENANT)


@pytest.fixture
def regie(db):
    return RegieFactory(dernier_numero_facture=37, delai_paiement_jours=22)


@pytest.fixture
def a_echoir(regie):
    regie.mode_facturation = Mode.A_ECHOIR
    regie.save()
    return regie


@pytest.fixture
def cantine(regie):
    """La restauration scolaire au quotient : 4,35 € pour un QF de 701 à 1 200."""
    prestation = PrestationFactory(nom="Restauration scolaire", jours_ouverture="1245")
    tarif = TarifFactory(
        prestation=prestation, regie=regie, mode="quotient", prix_unitaire=Decimal("5.00")
    )
    TrancheQuotientFactory(tarif=tarif, qf_min=0, qf_max=700, prix_unitaire=Decimal("3.10"))
    TrancheQuotientFactory(tarif=tarif, qf_min=701, qf_max=1200, prix_unitaire=Decimal("4.35"))
    return prestation


@pytest.fixture
def lucas(dupont, cantine):
    dupont.quotient_familial = 820
    dupont.save()
    enfant = dupont.enfants.get()
    InscriptionFactory(enfant=enfant, prestation=cantine)
    return enfant


@pytest.fixture
def jean(dupont):
    return dupont.titulaire.utilisateur


@pytest.fixture
def janvier_reserve(lucas, cantine):
    """Lucas réservé à la cantine les 11, 12 et 14 janvier 2027 : 3 × 4,35 € = 13,05 €."""
    for jour in (11, 12, 14):
        JourneeFactory(enfant=lucas, prestation=cantine, date=janvier(jour), etat=Etat.RESERVE)


def facturer(regie, periode, aujourdhui=AUJOURDHUI):
    return services.facturer_periode(
        regie=regie, **periode, aujourdhui=aujourdhui, produire_pdf=False
    )


def appeler(*args):
    sortie = StringIO()
    call_command(*args, stdout=sortie)
    return sortie.getvalue()


@pytest.fixture
def facturer_dans_l_admin(taches_immediates, django_capture_on_commit_callbacks):
    """L'action « Facturer un mois… » et le travail qu'elle lance, fait aussitôt."""

    def facturer(client, regie, mois):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/admin/facturation/regie/",
                {
                    "action": "facturer_un_mois",
                    "_selected_action": [regie.pk],
                    "confirmer": "1",
                    "mois": mois,
                },
                follow=True,
            )

    return facturer


# --- À terme échu (par défaut) -----------------------------------------------------------------


def test_a_regie_bills_at_terme_echu_by_default(db):
    assert RegieFactory().mode_facturation == Mode.TERME_ECHU


def test_terme_echu_refuses_the_current_month_and_writes_nothing(regie, lucas, cantine):
    JourneeFactory(enfant=lucas, prestation=cantine, date=datetime.date(2026, 12, 3))

    with pytest.raises(ValidationError) as erreur:
        facturer(regie, DECEMBRE)

    assert erreur.value.messages == [
        "Régie garderie ALSH : Le mois de décembre 2026 n'est pas terminé : en terme échu, il se "
        "facture à partir du 01/01/2027."
    ]
    assert not Facture.objects.exists()
    assert not JourFacture.objects.exists()
    regie.refresh_from_db()
    assert regie.dernier_numero_facture == 37


def test_terme_echu_refuses_a_future_month(regie, janvier_reserve):
    with pytest.raises(ValidationError, match="se facture à partir du 01/02/2027"):
        facturer(regie, JANVIER)

    assert not Facture.objects.exists()


def test_terme_echu_refuses_a_month_on_its_last_day_and_bills_it_the_next_day(
    regie, lucas, cantine
):
    JourneeFactory(enfant=lucas, prestation=cantine, date=datetime.date(2026, 11, 30))

    with pytest.raises(ValidationError, match="Le mois de novembre 2026 n'est pas terminé"):
        facturer(regie, NOVEMBRE, aujourdhui=datetime.date(2026, 11, 30))
    rapport = services.facturer_periode(
        regie=regie, **NOVEMBRE, aujourdhui=datetime.date(2026, 12, 1), produire_pdf=False
    )

    assert rapport.numeros == ["AL-38"]


def test_terme_echu_bills_last_month_with_a_due_date_after_it(regie, lucas, cantine):
    for jour in (2, 3, 5):
        JourneeFactory(enfant=lucas, prestation=cantine, date=datetime.date(2026, 11, jour))

    rapport = facturer(regie, NOVEMBRE)

    facture = Facture.objects.avec_reste_a_payer().get()
    assert rapport.numeros == ["AL-38"]
    assert (facture.montant, facture.reste_a_payer) == (Decimal("13.05"), Decimal("13.05"))
    assert facture.date_facture == AUJOURDHUI
    # Le délai de la régie (22 jours) suffit : l'échéance vient après la période.
    assert facture.date_echeance == datetime.date(2026, 12, 29)
    assert facture.date_echeance >= facture.periode_fin


def test_the_command_refuses_january_on_7_december_at_terme_echu(regie, janvier_reserve):
    """La reproduction : « facturer --mois 2027-01 » le 07/12/2026 facturait janvier, échéance
    au 29/12/2026."""
    with pytest.raises(CommandError) as erreur:
        appeler("facturer", "--mois", "2027-01")

    assert str(erreur.value) == (
        "Régie garderie ALSH : Le mois de janvier 2027 n'est pas terminé : en terme échu, il se "
        "facture à partir du 01/02/2027."
    )
    assert not Facture.objects.exists()


def test_the_command_refuses_the_current_month_at_terme_echu(regie, lucas, cantine):
    JourneeFactory(enfant=lucas, prestation=cantine, date=datetime.date(2026, 12, 3))

    with pytest.raises(CommandError, match="décembre 2026 n'est pas terminé"):
        appeler("facturer", "--mois", "2026-12", "--regie", "AL")

    assert not Facture.objects.exists()


def test_the_command_bills_last_month(
    regie, lucas, cantine, taches_immediates, django_capture_on_commit_callbacks
):
    JourneeFactory(enfant=lucas, prestation=cantine, date=datetime.date(2026, 11, 3))

    with django_capture_on_commit_callbacks(execute=True):
        sortie = appeler("facturer", "--mois", "2026-11")

    assert sortie.startswith("Facturation de 11/2026 lancée : 1 travail(s)")
    facture = Facture.objects.get()
    assert (facture.montant, facture.date_facture) == (Decimal("4.35"), AUJOURDHUI)
    assert facture.date_echeance == datetime.date(2026, 12, 29)


def test_one_refusing_regie_bills_no_regie(regie, lucas, cantine):
    """Sans --regie, toutes les régies ou aucune : une régie à échoir qui accepterait janvier
    n'émet rien quand une autre, à terme échu, le refuse."""
    autre = RegieFactory(nom="Régie périscolaire", prefixe="RS", mode_facturation=Mode.A_ECHOIR)
    garderie = PrestationFactory(nom="Garderie matin", jours_ouverture="12345")
    TarifFactory(prestation=garderie, regie=autre, prix_unitaire=Decimal("1.80"))
    InscriptionFactory(enfant=lucas, prestation=garderie)
    JourneeFactory(enfant=lucas, prestation=garderie, date=janvier(12))

    with pytest.raises(CommandError, match="Régie garderie ALSH : Le mois de janvier 2027"):
        appeler("facturer", "--mois", "2027-01")

    assert not Facture.objects.exists()


def test_the_admin_action_refuses_the_current_month_at_terme_echu(
    client_agent, regie, lucas, cantine, facturer_dans_l_admin
):
    JourneeFactory(enfant=lucas, prestation=cantine, date=datetime.date(2026, 12, 3))

    reponse = facturer_dans_l_admin(client_agent, regie, "2026-12")

    assert reponse.status_code == 200
    assert (
        "Régie garderie ALSH : Le mois de décembre 2026 n'est pas terminé : en terme échu, il se "
        "facture à partir du 01/01/2027." in texte(reponse)
    )
    assert not Facture.objects.exists()


def test_the_admin_action_bills_last_month(
    client_agent, regie, lucas, cantine, facturer_dans_l_admin
):
    JourneeFactory(enfant=lucas, prestation=cantine, date=datetime.date(2026, 11, 3))

    reponse = facturer_dans_l_admin(client_agent, regie, "2026-11")

    assert (
        "Facturation de novembre 2026 — Régie garderie ALSH : lancée en arrière-plan. "
        "Suivre le travail." in texte(reponse)
    )
    facture = Facture.objects.get()
    assert (facture.numero, facture.periode_fin) == ("AL-38", datetime.date(2026, 11, 30))


# --- Les mois hors du calendrier -----------------------------------------------------------------


def test_the_admin_refuses_month_9999_12_with_a_form_error(
    client_agent, regie, lucas, cantine, facturer_dans_l_admin
):
    reponse = facturer_dans_l_admin(client_agent, regie, "9999-12")

    assert reponse.status_code == 200
    assert "Mois invalide : « 9999-12 » est hors du calendrier." in texte(reponse)
    assert not Facture.objects.exists()


def test_the_sepa_export_refuses_month_9999_12_with_a_form_error(client_agent, regie):
    reponse = client_agent.post(
        "/admin/facturation/regie/",
        {
            "action": "exporter_prelevement_sepa",
            "_selected_action": [regie.pk],
            "confirmer": "1",
            "mois": "9999-12",
        },
    )

    assert reponse.status_code == 200
    assert "Mois invalide : « 9999-12 » est hors du calendrier." in texte(reponse)


@pytest.mark.parametrize("mois", ["9999-12", "10000-01", "0-01"])
def test_the_command_refuses_a_month_out_of_the_calendar_without_traceback(regie, mois):
    with pytest.raises(CommandError, match="Mois invalide : « "):
        appeler("facturer", "--mois", mois)

    assert not Facture.objects.exists()


def test_the_service_refuses_a_period_ending_on_the_last_date(a_echoir):
    with pytest.raises(ValidationError, match="La période ne peut pas finir le 31/12/9999"):
        services.facturer_periode(
            regie=a_echoir, debut=datetime.date(9999, 12, 1), fin=datetime.date.max
        )


# --- L'échéance ----------------------------------------------------------------------------------


def test_the_database_refuses_an_invoice_due_before_the_end_of_its_period(regie, dupont):
    with pytest.raises(IntegrityError):
        FactureFactory(
            regie=regie,
            famille=dupont,
            date_facture=AUJOURDHUI,
            date_echeance=datetime.date(2026, 12, 29),
            periode_debut=JANVIER["debut"],
            periode_fin=JANVIER["fin"],
        )


# --- À échoir ------------------------------------------------------------------------------------


def test_a_echoir_bills_next_month_due_at_the_end_of_it(a_echoir, janvier_reserve):
    rapport = facturer(a_echoir, JANVIER)

    facture = Facture.objects.get()
    assert rapport.numeros == ["AL-38"]
    assert facture.montant == Decimal("13.05")
    assert facture.lignes.get().prix_unitaire == Decimal("4.35")
    # Pas le 29/12/2026 (07/12 + 22 jours) : jamais avant la fin de janvier.
    assert facture.date_echeance == datetime.date(2027, 1, 31)
    assert facture.date_echeance >= facture.periode_fin


def test_a_echoir_bills_the_regular_days_to_come(a_echoir, dupont, cantine):
    dupont.quotient_familial = 820
    dupont.save()
    InscriptionFactory(enfant=dupont.enfants.get(), prestation=cantine, jours_reguliers="4")

    facturer(a_echoir, JANVIER)

    jours = set(JourFacture.objects.values_list("date", flat=True))
    assert {janvier(14), janvier(21), janvier(28)} <= jours
    assert all(jour.isoweekday() == 4 for jour in jours)


def test_a_echoir_refuses_the_month_after_next(a_echoir, lucas, cantine):
    JourneeFactory(enfant=lucas, prestation=cantine, date=datetime.date(2027, 2, 1))

    with pytest.raises(ValidationError) as erreur:
        facturer(a_echoir, FEVRIER)

    assert erreur.value.messages == [
        "Régie garderie ALSH : Le mois de février 2027 est trop loin pour être facturé : à "
        "échoir, on facture au plus tard le mois suivant (janvier 2027) ; il se facture à "
        "partir du 01/01/2027."
    ]
    assert not Facture.objects.exists()


def test_the_admin_action_bills_next_month_a_echoir(
    client_agent, a_echoir, janvier_reserve, facturer_dans_l_admin
):
    reponse = facturer_dans_l_admin(client_agent, a_echoir, "2027-01")

    assert "Facturation de janvier 2027 — Régie garderie ALSH : lancée" in texte(reponse)
    facture = Facture.objects.get()
    assert (facture.numero, facture.date_echeance) == ("AL-38", datetime.date(2027, 1, 31))


def test_the_command_refuses_february_a_echoir(a_echoir, lucas, cantine):
    with pytest.raises(CommandError, match="février 2027 est trop loin pour être facturé"):
        appeler("facturer", "--mois", "2027-02")


# --- Les jours facturés puis annulés ou excusés : l'avoir ----------------------------------------


@pytest.fixture
def facture_de_janvier(a_echoir, janvier_reserve):
    return facturer(a_echoir, JANVIER).factures[0]


def reste_a_payer(facture):
    return Facture.objects.avec_reste_a_payer().get(pk=facture.pk).reste_a_payer


def test_a_billed_day_cancelled_in_time_is_credited_to_the_cent(
    facture_de_janvier, lucas, cantine, jean
):
    resultat = annuler_reservation(
        enfant=lucas, prestation=cantine, jour=janvier(12), par=jean, maintenant=LE_8
    )

    assert resultat.message == "Réservation annulée pour le mardi 12 janvier."
    avoir = Facture.objects.get(genre=Facture.Genre.AVOIR)
    assert (avoir.numero, avoir.montant) == ("AL-39", Decimal("-4.35"))
    assert avoir.facture_corrigee == facture_de_janvier
    assert avoir.famille == facture_de_janvier.famille
    ligne = avoir.lignes.get()
    assert ligne.libelle == "Avoir : Restauration scolaire du 12/01/2027 (réservation annulée)"
    assert (ligne.quantite, ligne.prix_unitaire, ligne.montant) == (
        Decimal("-1"),
        Decimal("4.35"),
        Decimal("-4.35"),
    )
    assert (ligne.enfant, ligne.prestation) == (lucas, cantine)
    assert reste_a_payer(facture_de_janvier) == Decimal("8.70")
    assert JourFacture.objects.get(date=janvier(12)).ligne_avoir == ligne


def test_the_statement_shows_the_credit(client_dupont, facture_de_janvier, lucas, cantine, jean):
    annuler_reservation(
        enfant=lucas, prestation=cantine, jour=janvier(12), par=jean, maintenant=LE_8
    )

    page = texte(client_dupont.get(reverse("releve")))

    assert "AL-39 07/12/2026 Avoir : 01/01/2027 - 31/01/2027 Régie garderie ALSH 4,35 €" in page
    assert "AL-38 07/12/2026 Facture : 01/01/2027 - 31/01/2027 Régie garderie ALSH 13,05 €" in page
    assert "Solde du compte pour l'année scolaire 8,70 €" in page


def test_the_credit_note_gets_its_pdf_and_is_announced_on_commit(
    settings, tmp_path, facture_de_janvier, lucas, cantine, jean, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path

    with django_capture_on_commit_callbacks(execute=True):
        annuler_reservation(
            enfant=lucas, prestation=cantine, jour=janvier(12), par=jean, maintenant=LE_8
        )

    avoir = Facture.objects.get(genre=Facture.Genre.AVOIR)
    assert avoir.pdf and len(avoir.pdf_sha256) == 64
    assert "Portail Familles : avoir AL-39" in [message.subject for message in mail.outbox]


def test_a_day_is_never_credited_twice(facture_de_janvier, lucas, cantine, jean):
    annuler_reservation(
        enfant=lucas, prestation=cantine, jour=janvier(12), par=jean, maintenant=LE_8
    )

    encore = annuler_reservation(
        enfant=lucas, prestation=cantine, jour=janvier(12), par=jean, maintenant=LE_8
    )
    rien = services.crediter_jour(
        enfant=lucas, prestation=cantine, jour=janvier(12), motif="réservation annulée"
    )

    assert encore.refuse
    assert rien is None
    assert Facture.objects.filter(genre=Facture.Genre.AVOIR).count() == 1
    assert reste_a_payer(facture_de_janvier) == Decimal("8.70")


def test_a_day_booked_again_after_its_credit_is_billed_again(
    a_echoir, facture_de_janvier, lucas, cantine, jean
):
    annuler_reservation(
        enfant=lucas, prestation=cantine, jour=janvier(12), par=jean, maintenant=LE_8
    )
    reserver(enfant=lucas, prestation=cantine, jour=janvier(12), par=jean, maintenant=LE_8)

    rapport = facturer(a_echoir, JANVIER)

    assert rapport.numeros == ["AL-40"]
    facture = rapport.factures[0]
    assert facture.montant == Decimal("4.35")
    assert list(
        JourFacture.objects.filter(ligne__facture=facture).values_list("date", flat=True)
    ) == [janvier(12)]
    assert JourFacture.objects.filter(date=janvier(12)).count() == 2
    # Annulé de nouveau, il est crédité sur la nouvelle facture.
    annuler_reservation(
        enfant=lucas, prestation=cantine, jour=janvier(12), par=jean, maintenant=LE_8
    )
    assert reste_a_payer(facture) == Decimal("0.00")
    assert reste_a_payer(facture_de_janvier) == Decimal("8.70")


def test_a_rerun_without_change_bills_nothing_after_a_credit(
    a_echoir, facture_de_janvier, lucas, cantine, jean
):
    annuler_reservation(
        enfant=lucas, prestation=cantine, jour=janvier(12), par=jean, maintenant=LE_8
    )

    rapport = facturer(a_echoir, JANVIER)

    assert rapport.factures == []


def test_an_absence_declared_in_time_is_credited(facture_de_janvier, lucas, cantine, jean):
    resultat = declarer_absence(
        enfant=lucas,
        prestation=cantine,
        jour=janvier(14),
        par=jean,
        motif="Malade",
        maintenant=LE_8,
    )

    assert resultat.etat == Etat.ABSENT_EXCUSE
    ligne = LigneFacture.objects.get(facture__genre=Facture.Genre.AVOIR)
    assert ligne.libelle == "Avoir : Restauration scolaire du 14/01/2027 (absence excusée)"
    assert ligne.montant == Decimal("-4.35")
    assert reste_a_payer(facture_de_janvier) == Decimal("8.70")


def test_a_regular_day_billed_then_excused_is_credited(a_echoir, dupont, cantine, jean):
    dupont.quotient_familial = 820
    dupont.save()
    lucas = dupont.enfants.get()
    InscriptionFactory(enfant=lucas, prestation=cantine, jours_reguliers="4")
    facture = facturer(a_echoir, JANVIER).factures[0]
    montant = facture.montant

    declarer_absence(
        enfant=lucas,
        prestation=cantine,
        jour=janvier(21),
        par=jean,
        motif="Sortie",
        maintenant=LE_8,
    )

    assert reste_a_payer(facture) == montant - Decimal("4.35")
    assert JourFacture.objects.get(date=janvier(21)).ligne_avoir is not None


def test_a_late_absence_stays_billed_without_credit(facture_de_janvier, lucas, cantine, jean):
    trop_tard = a_paris(2027, 1, 11, 13, 0)  # après la limite d'annulation du 12 (11/01 12:00)

    resultat = declarer_absence(
        enfant=lucas,
        prestation=cantine,
        jour=janvier(12),
        par=jean,
        motif="Malade",
        maintenant=trop_tard,
    )

    assert resultat.etat == Etat.ABSENT_FACTURE
    assert not Facture.objects.filter(genre=Facture.Genre.AVOIR).exists()
    assert reste_a_payer(facture_de_janvier) == Decimal("13.05")
    assert JourFacture.objects.get(date=janvier(12)).ligne_avoir is None


def test_an_absence_validated_by_staff_is_credited(
    a_echoir, facture_de_janvier, lucas, cantine, jean, agent
):
    cantine.validation_automatique = False
    cantine.save()

    declarer_absence(
        enfant=lucas,
        prestation=cantine,
        jour=janvier(14),
        par=jean,
        motif="Malade",
        maintenant=LE_8,
    )
    # En attente du service, le jour n'est pas encore crédité.
    assert not Facture.objects.filter(genre=Facture.Genre.AVOIR).exists()

    valider_demande(demande=Demande.objects.get(), agent=agent)

    avoir = Facture.objects.get(genre=Facture.Genre.AVOIR)
    assert avoir.montant == Decimal("-4.35")
    assert avoir.lignes.get().libelle == (
        "Avoir : Restauration scolaire du 14/01/2027 (absence excusée)"
    )
    assert reste_a_payer(facture_de_janvier) == Decimal("8.70")


def test_an_absence_refused_by_staff_is_not_credited(
    a_echoir, facture_de_janvier, lucas, cantine, jean, agent
):
    cantine.validation_automatique = False
    cantine.save()
    declarer_absence(
        enfant=lucas,
        prestation=cantine,
        jour=janvier(14),
        par=jean,
        motif="Malade",
        maintenant=LE_8,
    )

    refuser_demande(demande=Demande.objects.get(), agent=agent, motif="Trop tard.")

    assert Journee.objects.get(date=janvier(14)).etat == Etat.RESERVE
    assert not Facture.objects.filter(genre=Facture.Genre.AVOIR).exists()


def test_a_day_not_billed_is_not_credited(a_echoir, lucas, cantine, jean):
    JourneeFactory(enfant=lucas, prestation=cantine, date=janvier(12))

    annuler_reservation(
        enfant=lucas, prestation=cantine, jour=janvier(12), par=jean, maintenant=LE_8
    )

    assert not Facture.objects.exists()


def test_a_credit_on_a_paid_invoice_leaves_the_family_in_credit(
    client_dupont, facture_de_janvier, dupont, lucas, cantine, jean
):
    services.enregistrer_reglement(
        famille=dupont,
        regie=facture_de_janvier.regie,
        mode="cheque",
        montant=Decimal("13.05"),
        date=AUJOURDHUI,
        affectations={facture_de_janvier: Decimal("13.05")},
    )

    annuler_reservation(
        enfant=lucas, prestation=cantine, jour=janvier(12), par=jean, maintenant=LE_8
    )

    assert reste_a_payer(facture_de_janvier) == Decimal("-4.35")
    assert "Solde du compte pour l'année scolaire -4,35 €" in texte(
        client_dupont.get(reverse("releve"))
    )


def test_the_regie_admin_shows_and_saves_the_billing_mode(client_agent, regie):
    url = reverse("admin:facturation_regie_change", args=[regie.pk])

    page = texte(client_agent.get(url))
    reponse = client_agent.post(
        url,
        {
            "nom": regie.nom,
            "prefixe": regie.prefixe,
            "mode_facturation": Mode.A_ECHOIR,
            "delai_paiement_jours": 22,
            "payfip_numcli": "",
        },
    )

    assert "Mode de facturation" in page
    assert reponse.status_code == 302
    regie.refresh_from_db()
    assert regie.mode_facturation == Mode.A_ECHOIR
