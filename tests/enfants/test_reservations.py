"""Réserver, annuler, déclarer une absence : les règles du service des réservations."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from demandes.decisions import refuser_demande, retirer_demande, valider_demande
from demandes.models import Demande
from enfants.models import Campagne, Fermeture, Journee
from enfants.reservations import (
    annuler_reservation,
    declarer_absence,
    places_occupees,
    reserver,
    reserver_periode,
)
from familles.models import Message
from tests.factories import (
    EnfantFactory,
    InscriptionFactory,
    JourneeFactory,
    PrestationFactory,
    ResponsableFactory,
)
from tests.outils import texte

Etat = Journee.Etat
MERCREDI = datetime.date(2026, 12, 9)  # un mercredi d'école ; limites par défaut : lundi 7, 12:00


def a_paris(*args):
    return timezone.make_aware(datetime.datetime(*args))


AVANT = a_paris(2026, 12, 1, 10, 0)  # bien avant les limites
APRES = a_paris(2026, 12, 8, 9, 0)  # après les limites de réservation et d'annulation


@pytest.fixture
def mercredi(db):
    return PrestationFactory(nom="ALSH Mercredi après-midi", jours_ouverture="3")


@pytest.fixture
def lucas(dupont, mercredi):
    enfant = dupont.enfants.get()
    InscriptionFactory(enfant=enfant, prestation=mercredi)
    return enfant


@pytest.fixture
def jean(dupont):
    return dupont.titulaire.utilisateur


def enfant_inscrit(prestation, prenom, **inscription):
    """Un enfant d'une autre famille, inscrit à la prestation ; renvoie (enfant, parent)."""
    responsable = ResponsableFactory(nom=prenom.upper(), prenom="PARENT")
    enfant = EnfantFactory(famille=responsable.famille, prenom=prenom)
    InscriptionFactory(enfant=enfant, prestation=prestation, **inscription)
    return enfant, responsable.utilisateur


def journee(enfant, prestation, jour=MERCREDI):
    return Journee.objects.filter(enfant=enfant, prestation=prestation, date=jour).first()


# --- Réserver ---------------------------------------------------------------------------------


def test_a_booking_within_the_rules_is_accepted_at_once(lucas, mercredi, jean):
    resultat = reserver(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT
    )

    assert resultat.accepte and not resultat.en_attente
    assert resultat.etat == Etat.RESERVE
    assert resultat.message == "Réservation enregistrée pour le mercredi 9 décembre."
    reservee = journee(lucas, mercredi)
    assert (reservee.etat, reservee.reservee, reservee.modifiee_par) == (Etat.RESERVE, True, jean)
    assert reservee.history.latest().history_user == jean


def test_a_child_not_enrolled_cannot_book(martin, mercredi):
    emma = martin.enfants.get()
    resultat = reserver(
        enfant=emma,
        prestation=mercredi,
        jour=MERCREDI,
        par=martin.titulaire.utilisateur,
        maintenant=AVANT,
    )

    assert resultat.refuse and resultat.etat == ""
    assert "n'est pas inscrit(e) à « ALSH Mercredi après-midi »" in resultat.message
    assert not Journee.objects.exists()


def test_a_day_the_prestation_does_not_open_is_refused(lucas, mercredi, jean):
    jeudi = MERCREDI + datetime.timedelta(days=1)
    resultat = reserver(enfant=lucas, prestation=mercredi, jour=jeudi, par=jean, maintenant=AVANT)

    assert resultat.refuse
    assert resultat.message == "La prestation « ALSH Mercredi après-midi » n'a pas lieu le jeudi."
    assert not Journee.objects.exists()


def test_public_holidays_and_school_holidays_are_refused(dupont, jean):
    garderie = PrestationFactory(nom="Garderie matin", jours_ouverture="12345")
    lucas = dupont.enfants.get()
    InscriptionFactory(enfant=lucas, prestation=garderie)

    noel = reserver(
        enfant=lucas,
        prestation=garderie,
        jour=datetime.date(2026, 12, 25),
        par=jean,
        maintenant=AVANT,
    )
    vacances = reserver(
        enfant=lucas,
        prestation=garderie,
        jour=datetime.date(2026, 12, 22),
        par=jean,
        maintenant=AVANT,
    )

    assert noel.refuse and "jour férié (Noël)" in noel.message
    assert vacances.refuse and "n'a lieu qu'en période scolaire" in vacances.message
    assert not Journee.objects.exists()


def test_a_closure_of_the_structure_is_refused_with_its_motif(lucas, mercredi, jean):
    Fermeture.objects.create(
        structure=mercredi.structure, date_debut=MERCREDI, date_fin=MERCREDI, motif="Inventaire"
    )
    resultat = reserver(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT
    )

    assert resultat.refuse
    assert resultat.message == "L'accueil est fermé le 09/12/2026 (Inventaire)."
    assert not Journee.objects.exists()


def test_a_booking_after_the_deadline_says_until_when_it_was_possible(lucas, mercredi, jean):
    resultat = reserver(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=APRES
    )

    assert resultat.refuse
    assert resultat.message == (
        "Trop tard pour réserver le mercredi 9 décembre : les réservations étaient possibles "
        "jusqu'au lundi 7 décembre à 12:00."
    )
    assert not Journee.objects.exists()


def test_the_thursday_before_at_noon_is_the_last_moment_to_book(lucas, mercredi, jean):
    mercredi.reservation_jour_semaine = 4
    mercredi.reservation_heure_limite = datetime.time(12, 0)
    mercredi.save()
    mercredi_suivant = MERCREDI + datetime.timedelta(days=7)

    a_temps = reserver(
        enfant=lucas,
        prestation=mercredi,
        jour=MERCREDI,
        par=jean,
        maintenant=a_paris(2026, 12, 3, 11, 59),
    )
    trop_tard = reserver(
        enfant=lucas,
        prestation=mercredi,
        jour=mercredi_suivant,
        par=jean,
        maintenant=a_paris(2026, 12, 10, 12, 1),
    )

    assert a_temps.accepte
    assert trop_tard.refuse
    assert "jusqu'au jeudi 10 décembre à 12:00" in trop_tard.message
    assert journee(lucas, mercredi, mercredi_suivant) is None


def test_a_day_already_booked_is_said_so_and_nothing_is_written(lucas, mercredi, jean):
    reserver(enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT)
    resultat = reserver(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT
    )

    assert resultat.refuse
    assert resultat.message == "La journée du mercredi 9 décembre est déjà réservée."
    assert Journee.objects.count() == 1


def test_a_regular_day_is_already_a_place(dupont, mercredi, jean):
    lucas = dupont.enfants.get()
    InscriptionFactory(enfant=lucas, prestation=mercredi, jours_reguliers="3")
    resultat = reserver(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT
    )

    assert resultat.refuse and "jour d'accueil régulier" in resultat.message
    assert not Journee.objects.exists()


# --- Les places et la liste d'attente ---------------------------------------------------------


def test_a_full_day_puts_the_request_on_the_waiting_list(lucas, mercredi, jean):
    mercredi.places = 2
    mercredi.save()
    for prenom in ("Alice", "Bruno"):
        enfant, parent = enfant_inscrit(mercredi, prenom)
        reserver(enfant=enfant, prestation=mercredi, jour=MERCREDI, par=parent, maintenant=AVANT)

    resultat = reserver(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT
    )

    assert resultat.en_attente and not resultat.accepte
    assert resultat.etat == Etat.LISTE_ATTENTE
    assert "Il n'y a plus de place le mercredi 9 décembre" in resultat.message
    assert "liste d'attente (rang 1)" in resultat.message
    assert journee(lucas, mercredi).etat == Etat.LISTE_ATTENTE
    assert places_occupees(prestation=mercredi, jour=MERCREDI) == 2


def test_regular_enrolments_hold_their_place_without_a_journee(lucas, mercredi, jean):
    mercredi.places = 1
    mercredi.save()
    enfant_inscrit(mercredi, "Alice", jours_reguliers="3")

    resultat = reserver(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT
    )

    assert resultat.etat == Etat.LISTE_ATTENTE


def test_the_waiting_list_moves_in_order_when_a_place_frees_and_the_family_is_told(
    lucas, mercredi, jean, django_capture_on_commit_callbacks, mailoutbox
):
    mercredi.places = 1
    mercredi.save()
    alice, parent_alice = enfant_inscrit(mercredi, "Alice")
    bruno, parent_bruno = enfant_inscrit(mercredi, "Bruno")
    reserver(enfant=alice, prestation=mercredi, jour=MERCREDI, par=parent_alice, maintenant=AVANT)
    reserver(enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT)
    plus_tard = AVANT + datetime.timedelta(minutes=5)
    reserver(
        enfant=bruno, prestation=mercredi, jour=MERCREDI, par=parent_bruno, maintenant=plus_tard
    )

    with django_capture_on_commit_callbacks(execute=True):
        annule = annuler_reservation(
            enfant=alice, prestation=mercredi, jour=MERCREDI, par=parent_alice, maintenant=AVANT
        )

    assert annule.accepte and annule.message == "Réservation annulée pour le mercredi 9 décembre."
    assert journee(alice, mercredi) is None
    assert journee(lucas, mercredi).etat == Etat.RESERVE
    assert journee(bruno, mercredi).etat == Etat.LISTE_ATTENTE
    message = Message.objects.get(famille=lucas.famille)
    assert message.sujet == "Une place s'est libérée pour Lucas le mercredi 9 décembre"
    assert "est maintenant enregistrée" in message.corps
    assert [courriel.to for courriel in mailoutbox] == [["jean.dupont@wanadoo.fr"]]
    assert not Message.objects.filter(famille=bruno.famille).exists()


def test_an_excused_absence_frees_the_place_for_the_waiting_list(lucas, mercredi, jean):
    mercredi.places = 1
    mercredi.save()
    alice, parent_alice = enfant_inscrit(mercredi, "Alice")
    reserver(enfant=alice, prestation=mercredi, jour=MERCREDI, par=parent_alice, maintenant=AVANT)
    reserver(enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT)

    declarer_absence(
        enfant=alice,
        prestation=mercredi,
        jour=MERCREDI,
        par=parent_alice,
        motif="Malade",
        maintenant=AVANT,
    )

    assert journee(alice, mercredi).etat == Etat.ABSENT_EXCUSE
    assert journee(lucas, mercredi).etat == Etat.RESERVE


def test_a_late_absence_keeps_the_place_and_the_waiting_list_waits(lucas, mercredi, jean):
    mercredi.places = 1
    mercredi.save()
    alice, parent_alice = enfant_inscrit(mercredi, "Alice")
    reserver(enfant=alice, prestation=mercredi, jour=MERCREDI, par=parent_alice, maintenant=AVANT)
    reserver(enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT)

    declarer_absence(
        enfant=alice,
        prestation=mercredi,
        jour=MERCREDI,
        par=parent_alice,
        motif="Malade",
        maintenant=APRES,
    )

    assert journee(alice, mercredi).etat == Etat.ABSENT_FACTURE
    assert journee(lucas, mercredi).etat == Etat.LISTE_ATTENTE


def test_leaving_the_waiting_list_deletes_the_request(lucas, mercredi, jean):
    mercredi.places = 0
    mercredi.save()
    reserver(enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT)

    resultat = annuler_reservation(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=APRES
    )

    assert resultat.accepte
    assert resultat.message == "Lucas n'est plus en liste d'attente le mercredi 9 décembre."
    assert journee(lucas, mercredi) is None


# --- Validation par le service ----------------------------------------------------------------


@pytest.fixture
def sur_validation(mercredi):
    mercredi.validation_automatique = False
    mercredi.save()
    return mercredi


def test_without_automatic_validation_a_booking_waits_for_the_service(lucas, sur_validation, jean):
    resultat = reserver(
        enfant=lucas, prestation=sur_validation, jour=MERCREDI, par=jean, maintenant=AVANT
    )

    assert resultat.en_attente and not resultat.accepte
    assert resultat.etat == Etat.RESERVATION_EN_ATTENTE
    assert "Demande de réservation envoyée pour le mercredi 9 décembre" in resultat.message
    demande = Demande.objects.get()
    assert (demande.type, demande.statut) == (Demande.Type.RESERVATION, Demande.Statut.EN_ATTENTE)
    assert (demande.cible, demande.enfant, demande.demandeur) == (
        journee(lucas, sur_validation),
        lucas,
        jean,
    )


def test_a_pending_booking_keeps_its_place(lucas, sur_validation, jean):
    sur_validation.places = 1
    sur_validation.save()
    reserver(enfant=lucas, prestation=sur_validation, jour=MERCREDI, par=jean, maintenant=AVANT)
    alice, parent_alice = enfant_inscrit(sur_validation, "Alice")

    resultat = reserver(
        enfant=alice, prestation=sur_validation, jour=MERCREDI, par=parent_alice, maintenant=AVANT
    )

    assert resultat.etat == Etat.LISTE_ATTENTE
    assert Demande.objects.count() == 1


def test_staff_accept_a_pending_booking(lucas, sur_validation, jean, agent):
    reserver(enfant=lucas, prestation=sur_validation, jour=MERCREDI, par=jean, maintenant=AVANT)

    valider_demande(demande=Demande.objects.get(), agent=agent)

    reservee = journee(lucas, sur_validation)
    assert (reservee.etat, reservee.modifiee_par) == (Etat.RESERVE, agent)
    assert Demande.objects.get().statut == Demande.Statut.ACCEPTEE


def test_staff_refuse_a_pending_booking_and_the_waiting_list_moves(
    lucas, sur_validation, jean, agent
):
    sur_validation.places = 1
    sur_validation.save()
    reserver(enfant=lucas, prestation=sur_validation, jour=MERCREDI, par=jean, maintenant=AVANT)
    alice, parent_alice = enfant_inscrit(sur_validation, "Alice")
    reserver(
        enfant=alice, prestation=sur_validation, jour=MERCREDI, par=parent_alice, maintenant=AVANT
    )

    refuser_demande(demande=Demande.objects.get(enfant=lucas), agent=agent, motif="Groupe complet")

    refusee = journee(lucas, sur_validation)
    assert (refusee.etat, refusee.motif) == (Etat.RESERVATION_REFUSEE, "Groupe complet")
    # La place libérée va à Alice, dont la demande attend à son tour le service.
    assert journee(alice, sur_validation).etat == Etat.RESERVATION_EN_ATTENTE
    demande_alice = Demande.objects.get(enfant=alice)
    assert (demande_alice.statut, demande_alice.demandeur) == (
        Demande.Statut.EN_ATTENTE,
        parent_alice,
    )
    assert "transmise au service enfance" in Message.objects.get(famille=alice.famille).corps


def test_a_family_withdrawing_its_pending_booking_frees_the_place(lucas, sur_validation, jean):
    reserver(enfant=lucas, prestation=sur_validation, jour=MERCREDI, par=jean, maintenant=AVANT)

    retirer_demande(demande=Demande.objects.get(), par=jean)

    assert journee(lucas, sur_validation) is None
    assert Demande.objects.get().statut == Demande.Statut.RETIREE


def test_cancelling_a_pending_booking_withdraws_its_demande(lucas, sur_validation, jean):
    reserver(enfant=lucas, prestation=sur_validation, jour=MERCREDI, par=jean, maintenant=AVANT)

    resultat = annuler_reservation(
        enfant=lucas, prestation=sur_validation, jour=MERCREDI, par=jean, maintenant=AVANT
    )

    assert resultat.message == "Demande de réservation retirée pour le mercredi 9 décembre."
    assert journee(lucas, sur_validation) is None
    assert Demande.objects.get().statut == Demande.Statut.RETIREE


# --- Annuler ----------------------------------------------------------------------------------


def test_a_cancellation_after_the_deadline_is_refused(lucas, mercredi, jean):
    reserver(enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT)

    resultat = annuler_reservation(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=APRES
    )

    assert resultat.refuse
    assert resultat.message.startswith("Trop tard pour annuler")
    assert "jusqu'au lundi 7 décembre à 12:00. Déclarez une absence." in resultat.message
    assert journee(lucas, mercredi).etat == Etat.RESERVE


def test_there_is_nothing_to_cancel_on_a_free_day(lucas, mercredi, jean):
    resultat = annuler_reservation(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT
    )

    assert resultat.refuse
    assert resultat.message == "Il n'y a pas de réservation à annuler le mercredi 9 décembre."


def test_a_cancelled_booking_leaves_a_history_with_its_author(lucas, mercredi, jean):
    reserver(enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT)
    annuler_reservation(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT
    )

    derniere = Journee.history.latest()
    assert (derniere.history_type, derniere.history_user) == ("-", jean)


# --- Absences ---------------------------------------------------------------------------------


def test_an_absence_before_the_deadline_is_excused_and_keeps_its_motif(lucas, mercredi, jean):
    reserver(enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT)

    resultat = declarer_absence(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, motif="Angine", maintenant=AVANT
    )

    assert resultat.accepte
    assert resultat.message == (
        "Absence enregistrée pour le mercredi 9 décembre : elle ne sera pas facturée."
    )
    absent = journee(lucas, mercredi)
    assert (absent.etat, absent.motif, absent.modifiee_par) == (Etat.ABSENT_EXCUSE, "Angine", jean)


def test_absence_after_deadline_becomes_absent_facture(lucas, mercredi, jean):
    reserver(enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT)

    resultat = declarer_absence(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, motif="Angine", maintenant=APRES
    )

    assert resultat.etat == Etat.ABSENT_FACTURE
    assert "après la limite d'annulation (lundi 7 décembre à 12:00), elle sera facturée" in (
        resultat.message
    )
    assert journee(lucas, mercredi).etat == Etat.ABSENT_FACTURE


def test_an_absence_needs_a_motif(lucas, mercredi, jean):
    reserver(enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT)

    resultat = declarer_absence(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, motif="  ", maintenant=AVANT
    )

    assert resultat.refuse and resultat.message == "Indiquez la raison de l'absence."
    assert journee(lucas, mercredi).etat == Etat.RESERVE


def test_an_absence_on_a_day_not_booked_is_refused(lucas, mercredi, jean):
    resultat = declarer_absence(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, motif="Angine", maintenant=AVANT
    )

    assert resultat.refuse
    assert resultat.message == (
        "Lucas n'a pas de réservation le mercredi 9 décembre : pas d'absence à déclarer."
    )
    assert not Journee.objects.exists()


def test_an_absence_on_a_regular_day_is_recorded(dupont, mercredi, jean):
    lucas = dupont.enfants.get()
    InscriptionFactory(enfant=lucas, prestation=mercredi, jours_reguliers="3")

    declarer_absence(
        enfant=lucas,
        prestation=mercredi,
        jour=MERCREDI,
        par=jean,
        motif="Vacances",
        maintenant=AVANT,
    )

    assert journee(lucas, mercredi).etat == Etat.ABSENT_EXCUSE


def test_without_automatic_validation_an_absence_waits_then_is_accepted_as_declared(
    lucas, sur_validation, jean, agent
):
    JourneeFactory(enfant=lucas, prestation=sur_validation, date=MERCREDI, etat=Etat.RESERVE)

    resultat = declarer_absence(
        enfant=lucas,
        prestation=sur_validation,
        jour=MERCREDI,
        par=jean,
        motif="Angine",
        maintenant=AVANT,
    )
    assert resultat.en_attente and resultat.etat == Etat.ABSENCE_EN_ATTENTE
    demande = Demande.objects.get()
    assert demande.type == Demande.Type.ABSENCE
    assert demande.valeurs_demandees == {"etat": "absent_excuse", "motif": "Angine"}

    # Décidée après la limite, elle reste excusée : elle a été déclarée à temps.
    valider_demande(demande=demande, agent=agent)

    absent = journee(lucas, sur_validation)
    assert (absent.etat, absent.motif, absent.modifiee_par) == (Etat.ABSENT_EXCUSE, "Angine", agent)


def test_a_refused_absence_gives_the_booking_back(lucas, sur_validation, jean, agent):
    JourneeFactory(enfant=lucas, prestation=sur_validation, date=MERCREDI, etat=Etat.RESERVE)
    declarer_absence(
        enfant=lucas,
        prestation=sur_validation,
        jour=MERCREDI,
        par=jean,
        motif="Angine",
        maintenant=APRES,
    )
    assert Demande.objects.get().valeurs_demandees["etat"] == "absent_facture"

    refuser_demande(demande=Demande.objects.get(), agent=agent, motif="Certificat manquant")

    assert journee(lucas, sur_validation).etat == Etat.RESERVE


# --- Réserver une période ---------------------------------------------------------------------


def test_booking_every_wednesday_of_a_range_summarises_each_day(
    lucas, mercredi, jean, django_capture_on_commit_callbacks, mailoutbox
):
    debut, fin = datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)
    JourneeFactory(enfant=lucas, prestation=mercredi, date=datetime.date(2026, 12, 16))

    with django_capture_on_commit_callbacks(execute=True):
        resultats = reserver_periode(
            enfant=lucas,
            prestation=mercredi,
            debut=debut,
            fin=fin,
            jours_semaine={3},
            par=jean,
            maintenant=a_paris(2026, 11, 25, 10, 0),
        )

    resume = {r.jour.day: (r.accepte, r.message) for r in resultats}
    assert sorted(resume) == [2, 9, 16, 23, 30]
    assert resume[2] == (True, "Réservation enregistrée pour le mercredi 2 décembre.")
    assert resume[9][0] is True
    assert resume[16] == (False, "La journée du mercredi 16 décembre est déjà réservée.")
    assert "n'a lieu qu'en période scolaire" in resume[23][1]
    assert "n'a lieu qu'en période scolaire" in resume[30][1]
    assert Journee.objects.filter(etat=Etat.RESERVE).count() == 3
    assert len(mailoutbox) == 1
    assert "mercredi 02/12/2026 : Réservé" in mailoutbox[0].body
    assert "09/12/2026" in mailoutbox[0].body
    assert "16/12/2026" not in mailoutbox[0].body


def test_staff_see_and_accept_a_pending_booking_in_the_admin(
    client_agent, lucas, sur_validation, jean
):
    reserver(enfant=lucas, prestation=sur_validation, jour=MERCREDI, par=jean, maintenant=AVANT)
    demande = Demande.objects.get()

    page = client_agent.get(reverse("admin:demandes_demande_change", args=[demande.pk]))
    assert page.status_code == 200
    assert "Réservations" in texte(page)
    assert "Décider la demande" in texte(page)

    client_agent.post(reverse("admin:demandes_demande_valider", args=[demande.pk]))

    assert journee(lucas, sur_validation).etat == Etat.RESERVE


# --- Le dossier annuel ------------------------------------------------------------------------


def test_une_prestation_qui_exige_un_dossier_complet_refuse_la_reservation_sans_lui(
    lucas, mercredi, jean
):
    from dossiers.models import ExigenceDossier
    from tests.dossiers.fabriques import semer_types

    semer_types()
    ExigenceDossier.objects.create(prestation=mercredi, dossier_complet_requis=True)

    resultat = reserver(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT
    )

    assert resultat.refuse
    assert "demande un dossier complet" in resultat.message
    assert "Mon dossier" in resultat.message
    assert journee(lucas, mercredi) is None


def test_sans_exigence_de_dossier_la_reservation_se_fait(lucas, mercredi, jean):
    from tests.dossiers.fabriques import semer_types

    semer_types()
    resultat = reserver(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT
    )
    assert resultat.accepte


def test_a_refused_day_booked_again_rewrites_the_same_journee(lucas, mercredi, jean):
    refusee = JourneeFactory(
        enfant=lucas, prestation=mercredi, date=MERCREDI, etat=Etat.RESERVATION_REFUSEE
    )
    refusee.motif = "Groupe complet"
    refusee.save()
    mercredi.places = 1
    mercredi.save()

    resultat = reserver(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT
    )

    assert resultat.accepte
    relue = Journee.objects.get(enfant=lucas, prestation=mercredi, date=MERCREDI)
    assert (relue.pk, relue.etat, relue.motif) == (refusee.pk, Etat.RESERVE, "")
    assert places_occupees(prestation=mercredi, jour=MERCREDI) == 1
    assert relue.history.first().history_change_reason == "Réservation"


# --- L'horizon des réservations ------------------------------------------------------------

# Le mercredi 6 septembre 2028 : au-delà de l'année scolaire suivante (31/08/2028), vu de 2026.
APRES_L_HORIZON = datetime.date(2028, 9, 6)


@pytest.mark.parametrize(
    "jour", [APRES_L_HORIZON, datetime.date(9999, 12, 29), datetime.date(2100, 12, 8)]
)
def test_a_day_beyond_the_next_school_year_is_refused_and_nothing_is_written(
    lucas, mercredi, jean, jour
):
    resultat = reserver(enfant=lucas, prestation=mercredi, jour=jour, par=jean, maintenant=AVANT)

    assert resultat.refuse
    assert resultat.message == "Les réservations sont ouvertes jusqu'au 31/08/2028."
    assert not Journee.objects.exists()


def test_the_last_day_of_the_next_school_year_is_still_bookable(lucas, mercredi, jean):
    mercredi.periode = mercredi.Periode.TOUTES
    mercredi.save()
    dernier = datetime.date(2028, 8, 30)  # un mercredi

    resultat = reserver(enfant=lucas, prestation=mercredi, jour=dernier, par=jean, maintenant=AVANT)

    assert resultat.accepte, resultat.message


def test_a_prestation_open_for_the_current_school_year_only(lucas, mercredi, jean):
    mercredi.horizon_reservation = mercredi.Horizon.ANNEE_EN_COURS
    mercredi.save()

    resultat = reserver(
        enfant=lucas,
        prestation=mercredi,
        jour=datetime.date(2027, 9, 8),
        par=jean,
        maintenant=AVANT,
    )

    assert resultat.message == "Les réservations sont ouvertes jusqu'au 31/08/2027."
    assert not Journee.objects.exists()


def test_a_prestation_open_a_number_of_days_ahead(lucas, mercredi, jean):
    mercredi.horizon_reservation = mercredi.Horizon.JOURS
    mercredi.horizon_jours = 10  # le 1er décembre : jusqu'au vendredi 11
    mercredi.save()

    dans_l_horizon = reserver(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT
    )
    au_dela = reserver(
        enfant=lucas,
        prestation=mercredi,
        jour=datetime.date(2026, 12, 16),
        par=jean,
        maintenant=AVANT,
    )

    assert dans_l_horizon.accepte
    assert au_dela.message == "Les réservations sont ouvertes jusqu'au 11/12/2026."
    assert list(Journee.objects.values_list("date", flat=True)) == [MERCREDI]


def test_a_day_beyond_the_horizon_already_booked_says_so_first(lucas, mercredi, jean):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=APRES_L_HORIZON)

    resultat = reserver(
        enfant=lucas, prestation=mercredi, jour=APRES_L_HORIZON, par=jean, maintenant=AVANT
    )

    assert resultat.message == "La journée du mercredi 6 septembre est déjà réservée."


def test_a_campaign_opens_its_days_beyond_the_horizon(lucas, mercredi, jean):
    mercredi.horizon_reservation = mercredi.Horizon.JOURS
    mercredi.horizon_jours = 0
    mercredi.save()
    campagne = Campagne.objects.create(
        nom="Mercredis de janvier",
        date_debut=datetime.date(2027, 1, 4),
        date_fin=datetime.date(2027, 1, 31),
        ouverture=a_paris(2026, 11, 30, 8, 0),
        cloture=a_paris(2026, 12, 20, 18, 0),
    )
    campagne.prestations.add(mercredi)

    resultat = reserver(
        enfant=lucas,
        prestation=mercredi,
        jour=datetime.date(2027, 1, 6),
        par=jean,
        maintenant=AVANT,
    )
    hors_campagne = reserver(
        enfant=lucas, prestation=mercredi, jour=MERCREDI, par=jean, maintenant=AVANT
    )

    assert resultat.accepte, resultat.message
    assert hors_campagne.message == "Les réservations sont ouvertes jusqu'au 01/12/2026."


def test_booking_a_period_beyond_the_horizon_books_nothing_and_says_until_when(
    lucas, mercredi, jean, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        resultats = reserver_periode(
            enfant=lucas,
            prestation=mercredi,
            debut=datetime.date(9998, 1, 5),
            fin=datetime.date(9998, 1, 10),
            jours_semaine={1, 2, 3, 4, 5},
            par=jean,
            maintenant=AVANT,
        )

    assert len(resultats) == 5
    assert all(r.refuse for r in resultats)
    assert {r.message for r in resultats} == {"Les réservations sont ouvertes jusqu'au 31/08/2028."}
    assert not Journee.objects.exists()
    assert mailoutbox == []


def test_a_period_across_the_horizon_books_up_to_it(lucas, mercredi, jean):
    mercredi.horizon_reservation = mercredi.Horizon.JOURS
    mercredi.horizon_jours = 10  # jusqu'au vendredi 11 décembre

    resultats = reserver_periode(
        enfant=lucas,
        prestation=mercredi,
        debut=datetime.date(2026, 12, 1),
        fin=datetime.date(2026, 12, 20),
        jours_semaine={3},
        par=jean,
        maintenant=AVANT,
    )

    resume = {r.jour.day: (r.accepte, r.message) for r in resultats}
    assert resume[9][0] is True
    assert resume[16] == (False, "Les réservations sont ouvertes jusqu'au 11/12/2026.")
    assert list(Journee.objects.values_list("date", flat=True)) == [MERCREDI]
