"""« Mes enfants » → un enfant → « Planning » : la grille du mois, ses mois voisins, la page
d'un jour et ses actions (réserver, annuler, déclarer une absence avec confirmation), la
réservation de plusieurs jours, le lien privé de l'agenda ; la famille Martin n'y voit rien et
n'y écrit rien, un visiteur anonyme est renvoyé à la connexion."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from demandes.models import Demande
from enfants.models import Enfant, Journee
from tests.factories import (
    InscriptionFactory,
    JourneeFactory,
    PrestationFactory,
    StructureFactory,
)
from tests.outils import texte

Etat = Journee.Etat
# Le mardi 1er décembre 2026 à 10:00, à Paris : le mercredi 9 se réserve jusqu'au lundi 7 à
# midi, le mercredi 2 ne se réserve plus.
MAINTENANT = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 0))
MERCREDI = datetime.date(2026, 12, 9)
TROP_TARD = datetime.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def fige(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MAINTENANT)


@pytest.fixture
def lucas(dupont):
    return dupont.enfants.get()


@pytest.fixture
def mercredi(lucas):
    prestation = PrestationFactory(
        structure=StructureFactory(nom="Accueil de Loisirs"),
        nom="ALSH Mercredi après-midi",
        jours_ouverture="3",
    )
    InscriptionFactory(enfant=lucas, prestation=prestation)
    return prestation


def url_planning(enfant, **params):
    url = reverse("enfant_planning", args=[enfant.pk])
    return f"{url}?mois={params['mois']}" if "mois" in params else url


def url_periode(enfant, **params):
    url = reverse("enfant_planning_periode", args=[enfant.pk])
    return f"{url}?mois={params['mois']}" if "mois" in params else url


def url_jour(enfant, prestation, jour=MERCREDI, action=None):
    nom = f"enfant_planning_{action}" if action else "enfant_planning_jour"
    return reverse(nom, args=[enfant.pk, prestation.pk, jour])


def journee(enfant, prestation, jour=MERCREDI):
    return Journee.objects.filter(enfant=enfant, prestation=prestation, date=jour).first()


# --- La grille -----------------------------------------------------------------------------


def test_the_child_menu_leads_to_the_planning(client_dupont, lucas):
    reponse = client_dupont.get(reverse("enfant_identite", args=[lucas.pk]))

    assert f'href="{url_planning(lucas)}"' in reponse.content.decode()
    assert "Planning" in texte(reponse)


def test_the_planning_shows_the_month_grid_with_its_legend(client_dupont, lucas, mercredi):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=MERCREDI)

    reponse = client_dupont.get(url_planning(lucas))

    assert reponse.status_code == 200
    html = reponse.content.decode()
    page = texte(reponse)
    assert "<caption" in html and "Planning de Lucas DUPONT, décembre 2026" in page
    assert '<th scope="row">' in html and '<th scope="col"' in html
    assert "Accueil de Loisirs ALSH Mercredi après-midi" in page
    assert "DUPONT JEAN" in page
    assert "Mercredi 9 décembre, ALSH Mercredi après-midi : réservé" in page
    assert "Vendredi 25 décembre, ALSH Mercredi après-midi : jour férié (Noël)" in page
    for libelle in ("Réservé", "Absent excusé", "Réservation refusée", "Petites vacances"):
        assert libelle in page
    assert 'class="planning-defilement" tabindex="0" role="region"' in html
    assert f'href="{url_jour(lucas, mercredi)}"' in html
    assert f'href="{url_periode(lucas, mois="2026-12")}"' in html
    assert "Réserver plusieurs jours" in page
    # Les cases sont des liens, pas des menus dépliants (le menu du site et la légende le sont).
    assert "<details" not in html[html.index("<table") : html.index("</table>")]


def test_the_column_of_today_follows_the_day_the_grid_is_seen(
    client_dupont, lucas, mercredi, monkeypatch
):
    # Les en-têtes des jours sont gardés en cache ({% cache %}) par mois, jour et zone : le
    # lendemain, la colonne d'aujourd'hui a changé, la légende reste la même.
    premier = client_dupont.get(url_planning(lucas)).content.decode()
    monkeypatch.setattr(timezone, "now", lambda: MAINTENANT + datetime.timedelta(days=1))
    client_dupont.force_login(lucas.famille.titulaire.utilisateur)  # la session a expiré
    lendemain = client_dupont.get(url_planning(lucas)).content.decode()

    assert '<th scope="col" class="auj"><abbr title="Mardi 1er décembre">' in premier
    assert '<th scope="col" class="auj"><abbr title="Mercredi 2 décembre">' in lendemain
    assert '<th scope="col"><abbr title="Mardi 1er décembre">' in lendemain
    assert premier.count('class="auj"') == lendemain.count('class="auj"') == 2  # <col>, <th>
    legende = '<ul class="planning-legende" aria-labelledby="titre-legende">'
    assert (
        premier.split(legende)[1].split("</ul>")[0] == lendemain.split(legende)[1].split("</ul>")[0]
    )
    assert '<span class="pl-pastille c-reserve" aria-hidden="true">R</span> Réservé' in premier


def test_the_planning_moves_from_month_to_month(client_dupont, lucas, mercredi):
    reponse = client_dupont.get(url_planning(lucas, mois="2027-01"))

    page = texte(reponse)
    assert "Planning de Lucas DUPONT, janvier 2027" in page
    assert "Mois précédent : Décembre 2026" in page
    assert "Mois suivant : Février 2027" in page
    html = reponse.content.decode()
    assert 'href="?mois=2026-12"' in html and 'href="?mois=2027-02"' in html


@pytest.mark.parametrize("mois", ["2026-13", "abc", "99999-01", "2026-1", "-1"])
def test_a_bad_month_shows_the_current_month(client_dupont, lucas, mercredi, mois):
    reponse = client_dupont.get(url_planning(lucas, mois=mois))

    assert reponse.status_code == 200
    assert "Planning de Lucas DUPONT, décembre 2026" in texte(reponse)


def test_a_child_without_enrolment_has_an_empty_planning(client_dupont, lucas):
    reponse = client_dupont.get(url_planning(lucas))

    assert reponse.status_code == 200
    assert "Lucas n'est inscrit(e) à aucune prestation en décembre 2026." in texte(reponse)
    assert url_periode(lucas) not in reponse.content.decode()


def test_the_planning_page_takes_at_most_eight_queries_with_seven_rows(
    client_dupont, lucas, mercredi, django_assert_max_num_queries
):
    for rang in range(6):
        prestation = PrestationFactory(nom=f"Prestation {rang}", jours_ouverture="12345")
        InscriptionFactory(enfant=lucas, prestation=prestation)
        for jour in range(1, 18):
            JourneeFactory(enfant=lucas, prestation=prestation, date=datetime.date(2026, 12, jour))

    # La session, l'utilisateur, l'enfant, la grille (4), le compte des messages non lus ; le
    # formulaire « Réserver plusieurs jours » et sa requête sont sur leur propre page.
    with django_assert_max_num_queries(8):
        reponse = client_dupont.get(url_planning(lucas))

    assert reponse.content.decode().count('<th scope="row">') == 7


# --- La page d'un jour et ses actions --------------------------------------------------------


def test_the_page_of_a_day_shows_its_state_and_its_actions(client_dupont, lucas, mercredi):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=MERCREDI)

    reponse = client_dupont.get(url_jour(lucas, mercredi))

    page = texte(reponse)
    assert "Mercredi 9 décembre 2026 — ALSH Mercredi après-midi" in page
    assert "État R Réservé" in page
    assert "Annulation sans frais jusqu'au lundi 7 décembre à 12:00" in page
    assert "Annuler la réservation" in page
    assert "Raison de l'absence" in page
    assert "Demander une réservation" not in page


def test_booking_a_day_calls_the_service_and_comes_back_to_the_month(
    client_dupont, lucas, mercredi
):
    reponse = client_dupont.post(url_jour(lucas, mercredi, action="reserver"))

    assert reponse.status_code == 302
    assert reponse["Location"] == url_planning(lucas, mois="2026-12")
    assert journee(lucas, mercredi).etat == Etat.RESERVE
    page = texte(client_dupont.get(reponse["Location"]))
    assert "Réservation enregistrée pour le mercredi 9 décembre." in page
    assert "Mercredi 9 décembre, ALSH Mercredi après-midi : réservé" in page


def test_booking_a_day_does_not_rebuild_the_day_before_the_service(
    client_dupont, lucas, mercredi, django_assert_max_num_queries
):
    """Le bouton « Réserver » d'une matinée d'ouverture : l'enfant et ses inscriptions en une
    requête, que le service reprend (il vérifie tout le reste) ; la vue ne reconstruit pas la
    case du jour avant lui, et la famille vient du compte connecté (la session, puis le compte
    avec son responsable et sa famille). 12 requêtes ; 21, puis 17, puis 15, puis 11 (quand la
    session lisait aussi le compte) auparavant."""
    client_dupont.get(url_planning(lucas))  # la session n'a plus à être renouvelée

    with django_assert_max_num_queries(12):
        reponse = client_dupont.post(url_jour(lucas, mercredi, action="reserver"))

    assert reponse.status_code == 302
    assert journee(lucas, mercredi).etat == Etat.RESERVE


def test_a_refused_booking_says_why_in_french_and_writes_nothing(client_dupont, lucas, mercredi):
    reponse = client_dupont.post(url_jour(lucas, mercredi, TROP_TARD, "reserver"), follow=True)

    assert "Trop tard pour réserver le mercredi 2 décembre" in texte(reponse)
    assert 'class="alert alert-danger"' in reponse.content.decode()
    assert journee(lucas, mercredi, TROP_TARD) is None


def test_a_booking_that_waits_for_the_service_says_so(client_dupont, lucas, mercredi):
    mercredi.validation_automatique = False
    mercredi.save()

    reponse = client_dupont.post(url_jour(lucas, mercredi, action="reserver"), follow=True)

    assert "Demande de réservation envoyée pour le mercredi 9 décembre" in texte(reponse)
    assert journee(lucas, mercredi).etat == Etat.RESERVATION_EN_ATTENTE
    assert Demande.objects.get().type == Demande.Type.RESERVATION


def test_cancelling_a_booking_frees_the_day(client_dupont, lucas, mercredi):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=MERCREDI)

    reponse = client_dupont.post(url_jour(lucas, mercredi, action="annuler"), follow=True)

    assert "Réservation annulée pour le mercredi 9 décembre." in texte(reponse)
    assert journee(lucas, mercredi) is None


def test_an_absence_asks_a_reason_then_a_confirmation(client_dupont, lucas, mercredi):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=MERCREDI)
    url = url_jour(lucas, mercredi, action="absence")

    confirmation = client_dupont.post(url, {"motif": "Malade"})

    assert confirmation.status_code == 200
    page = texte(confirmation)
    assert "Confirmer l'absence" in page
    assert "Raison de l'absence Malade" in page
    assert "l'absence ne sera pas facturée" in page
    assert journee(lucas, mercredi).etat == Etat.RESERVE  # rien d'écrit avant la confirmation

    reponse = client_dupont.post(url, {"motif": "Malade", "confirmer": "1"}, follow=True)

    assert "Absence enregistrée pour le mercredi 9 décembre" in texte(reponse)
    absente = journee(lucas, mercredi)
    assert (absente.etat, absente.motif) == (Etat.ABSENT_EXCUSE, "Malade")
    assert "Mercredi 9 décembre, ALSH Mercredi après-midi : absent excusé" in texte(reponse)


def test_an_absence_without_a_reason_is_asked_again(client_dupont, lucas, mercredi):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=MERCREDI)

    reponse = client_dupont.post(
        url_jour(lucas, mercredi, action="absence"), {"motif": " ", "confirmer": "1"}
    )

    assert reponse.status_code == 200
    assert "Indiquez la raison de l'absence." in texte(reponse)
    assert journee(lucas, mercredi).etat == Etat.RESERVE


def test_a_late_absence_warns_that_the_day_will_be_billed(client_dupont, lucas, mercredi):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=TROP_TARD)

    reponse = client_dupont.post(
        url_jour(lucas, mercredi, TROP_TARD, "absence"), {"motif": "Malade"}
    )

    assert "la journée sera facturée (absent facturé)" in texte(reponse)


def test_an_action_opened_by_get_goes_back_to_the_day_and_writes_nothing(
    client_dupont, lucas, mercredi
):
    for action in ("reserver", "annuler", "absence"):
        reponse = client_dupont.get(url_jour(lucas, mercredi, action=action))
        assert reponse.status_code == 302
        assert reponse["Location"] == url_jour(lucas, mercredi)
    assert not Journee.objects.exists()


@pytest.mark.parametrize(
    "chemin",
    [
        "/mes-enfants/{pk}/planning/{prestation}/2026-02-30/",
        "/mes-enfants/{pk}/planning/{prestation}/2026-12-9/",
        "/mes-enfants/{pk}/planning/{prestation}/demain/",
        "/mes-enfants/{pk}/planning/999999/2026-12-09/",
        "/mes-enfants/{pk}/planning/{prestation}/2025-12-09/",  # avant l'inscription
    ],
)
def test_a_bad_day_or_prestation_gives_404(client_dupont, lucas, mercredi, chemin):
    url = chemin.format(pk=lucas.pk, prestation=mercredi.pk)

    assert client_dupont.get(url).status_code == 404
    assert client_dupont.post(url + "reserver/").status_code == 404
    assert not Journee.objects.exists()


def test_an_identifier_beyond_any_integer_gives_404(client_dupont, lucas, mercredi):
    enorme = 2**64
    for action in ("reserver", "annuler"):
        url = f"/mes-enfants/{enorme}/planning/{enorme}/2026-12-09/{action}/"
        assert client_dupont.post(url).status_code == 404, url
        url = f"/mes-enfants/{lucas.pk}/planning/{enorme}/2026-12-09/{action}/"
        assert client_dupont.post(url).status_code == 404, url
    assert not Journee.objects.exists()


def test_a_prestation_the_child_is_not_enrolled_in_gives_404(client_dupont, lucas, mercredi):
    autre = PrestationFactory(nom="Garderie matin", jours_ouverture="12345")

    assert client_dupont.get(url_jour(lucas, autre)).status_code == 404
    assert client_dupont.post(url_jour(lucas, autre, action="reserver")).status_code == 404
    assert not Journee.objects.exists()


# --- Plusieurs jours d'un coup ---------------------------------------------------------------


def test_booking_every_wednesday_of_december_sums_up_what_happened(client_dupont, lucas, mercredi):
    reponse = client_dupont.post(
        reverse("enfant_planning_periode", args=[lucas.pk]),
        {
            "prestation": mercredi.pk,
            "jours_semaine": ["3"],
            "debut": "2026-12-01",
            "fin": "2026-12-31",
        },
    )

    assert reponse.status_code == 200
    page = texte(reponse)
    assert "2 jours réservés, 0 en attente, 3 refusés" in page
    assert "Mercredi 9 décembre 2026" in page and "Mercredi 16 décembre 2026" in page
    assert "Trop tard pour réserver le mercredi 2 décembre" in page
    assert (  # les vacances, ensemble sous leur raison
        "Mercredi 23 décembre 2026, mercredi 30 décembre 2026 — La prestation "
        "« ALSH Mercredi après-midi » n'a lieu qu'en période scolaire."
    ) in page
    reservees = Journee.objects.filter(enfant=lucas, etat=Etat.RESERVE)
    assert sorted(j.date.day for j in reservees) == [9, 16]


def test_the_bulk_form_lists_the_child_prestations_and_weekdays(client_dupont, lucas, mercredi):
    reponse = client_dupont.get(url_periode(lucas, mois="2027-01"))

    assert reponse.status_code == 200
    page = texte(reponse)
    html = reponse.content.decode()
    assert "<title>Réserver plusieurs jours — Lucas DUPONT" in html
    assert "Réserver plusieurs jours" in page
    assert "Accueil de Loisirs — ALSH Mercredi après-midi" in page
    assert "Mercredi" in page and "Réserver ces jours" in page
    assert "csrfmiddlewaretoken" in html
    assert '<input type="hidden" name="mois" value="2027-01">' in html
    assert f'<a href="{url_planning(lucas, mois="2027-01")}">Retour au planning</a>' in html
    assert 'for="id_debut"' in html and 'for="id_fin"' in html
    assert "planning-grille" not in html  # la page à part, sans la grille


def test_the_bulk_page_without_a_month_comes_back_to_the_current_month(
    client_dupont, lucas, mercredi
):
    html = client_dupont.get(url_periode(lucas, mois="n'importe quoi")).content.decode()

    assert '<input type="hidden" name="mois" value="2026-12">' in html
    assert f'href="{url_planning(lucas, mois="2026-12")}"' in html


def test_the_bulk_page_of_a_child_without_a_coming_prestation_says_so(client_dupont, lucas):
    reponse = client_dupont.get(url_periode(lucas))

    assert reponse.status_code == 200
    assert (
        "Lucas n'est inscrit(e) à aucune prestation à venir : demandez d'abord "
        "l'inscription au service enfance."
    ) in texte(reponse)
    html = reponse.content.decode()
    assert "<form" not in html.split('id="titre-periode"')[1]
    assert "Réserver ces jours" not in texte(reponse)


@pytest.mark.parametrize(
    "donnees, erreur",
    [
        ({"debut": "2026-12-20", "fin": "2026-12-10"}, "La fin de la période doit suivre"),
        ({"debut": "2026-11-20", "fin": "2026-12-10"}, "ne peut pas commencer avant aujourd'hui"),
        ({"debut": "2026-12-01", "fin": "2028-01-10"}, "au plus une année"),
        ({"jours_semaine": []}, "Cochez au moins un jour de la semaine."),
        ({"debut": "n'importe quoi"}, "Saisissez une date valable"),
        ({"prestation": "999999"}, "Choisissez une prestation de la liste."),
    ],
)
def test_a_bad_bulk_request_is_explained_and_books_nothing(
    client_dupont, lucas, mercredi, donnees, erreur
):
    envoi = {
        "prestation": mercredi.pk,
        "jours_semaine": ["3"],
        "debut": "2026-12-01",
        "fin": "2026-12-31",
        **donnees,
    }

    reponse = client_dupont.post(url_periode(lucas), {**envoi, "mois": "2027-01"})

    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "<title>Erreur : Réserver plusieurs jours — Lucas DUPONT" in html
    assert 'class="alert alert-danger erreurs" role="alert"' in html
    assert erreur in texte(reponse)
    assert '<input type="hidden" name="mois" value="2027-01">' in html
    assert "planning-grille" not in html  # la page du formulaire, pas la grille
    assert not Journee.objects.exists()


# --- L'horizon des réservations ---------------------------------------------------------------


@pytest.fixture
def dix_jours_a_l_avance(mercredi):
    """Réservable jusqu'au vendredi 11 décembre (le 1er + 10 jours)."""
    mercredi.horizon_reservation = mercredi.Horizon.JOURS
    mercredi.horizon_jours = 10
    mercredi.save()
    return mercredi


def test_the_grid_does_not_offer_a_day_beyond_the_horizon(
    client_dupont, lucas, dix_jours_a_l_avance
):
    page = texte(client_dupont.get(url_planning(lucas)))

    assert "Mercredi 9 décembre, ALSH Mercredi après-midi : aucune réservation, réservable" in page
    assert "Mercredi 16 décembre, ALSH Mercredi après-midi : aucune réservation" in page
    assert "16 décembre, ALSH Mercredi après-midi : aucune réservation, réservable" not in page


def test_the_page_of_a_day_beyond_the_horizon_says_until_when(
    client_dupont, lucas, dix_jours_a_l_avance
):
    jour = datetime.date(2026, 12, 16)

    page = texte(client_dupont.get(url_jour(lucas, dix_jours_a_l_avance, jour)))

    assert (
        "Aucune demande n'est possible sur ce jour : les réservations sont ouvertes jusqu'au "
        "11/12/2026."
    ) in page
    assert "Demander une réservation" not in page


def test_booking_a_day_beyond_the_next_school_year_is_refused(client_dupont, lucas, mercredi):
    jour = datetime.date(2028, 9, 6)

    reponse = client_dupont.post(url_jour(lucas, mercredi, jour, "reserver"), follow=True)

    assert "Les réservations sont ouvertes jusqu'au 31/08/2028." in texte(reponse)
    assert 'class="alert alert-danger"' in reponse.content.decode()
    assert not Journee.objects.exists()


@pytest.mark.parametrize("jour", ["9999-12-31", "2101-01-05", "1999-12-29"])
def test_a_day_of_a_year_the_grid_cannot_show_has_no_page(client_dupont, lucas, mercredi, jour):
    url = f"/mes-enfants/{lucas.pk}/planning/{mercredi.pk}/{jour}/"

    assert client_dupont.get(url).status_code == 404
    assert client_dupont.post(url + "reserver/").status_code == 404
    assert not Journee.objects.exists()


@pytest.mark.parametrize(
    "mois, absent, present",
    [
        ("2100-12", "Mois suivant", "Mois précédent : Novembre 2100"),
        ("2000-01", "Mois précédent", "Mois suivant : Février 2000"),
    ],
)
def test_the_month_navigation_stops_at_the_years_the_grid_shows(
    client_dupont, lucas, mercredi, mois, absent, present
):
    page = texte(client_dupont.get(url_planning(lucas, mois=mois)))

    assert present in page
    assert absent not in page


def test_booking_several_days_far_away_books_nothing_and_says_until_when(
    client_dupont, lucas, mercredi
):
    reponse = client_dupont.post(
        reverse("enfant_planning_periode", args=[lucas.pk]),
        {
            "prestation": mercredi.pk,
            "jours_semaine": ["3"],
            "debut": "9998-01-05",
            "fin": "9998-01-31",
        },
    )

    assert reponse.status_code == 200
    page = texte(reponse)
    assert "0 jour réservé" in page or "0 jours réservés" in page
    assert (
        "Mercredi 7 janvier 9998, mercredi 14 janvier 9998, mercredi 21 janvier 9998, "
        "mercredi 28 janvier 9998 — Les réservations sont ouvertes jusqu'au 31/08/2028."
    ) in page
    assert not Journee.objects.exists()


# --- L'agenda privé ----------------------------------------------------------------------------


def test_the_agenda_link_is_created_replaced_and_revoked(client, client_dupont, lucas, mercredi):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=MERCREDI)
    creer = reverse("enfant_agenda_creer", args=[lucas.pk])

    reponse = client_dupont.post(creer, follow=True)

    lucas.refresh_from_db()
    premier = lucas.jeton_calendrier
    assert premier is not None
    assert f"http://testserver/agenda/{premier}.ics" in reponse.content.decode()
    assert f"webcal://testserver/agenda/{premier}.ics" in reponse.content.decode()
    flux = client.get(reverse("agenda", args=[premier]))
    assert flux.status_code == 200
    assert flux["Content-Type"] == "text/calendar; charset=utf-8"
    evenements = Calendar.from_ical(flux.content).walk("VEVENT")
    assert [str(e["summary"]) for e in evenements] == ["ALSH Mercredi après-midi — Lucas"]

    client_dupont.post(creer)
    lucas.refresh_from_db()
    assert lucas.jeton_calendrier not in (None, premier)
    assert client.get(reverse("agenda", args=[premier])).status_code == 404

    reponse = client_dupont.post(reverse("enfant_agenda_revoquer", args=[lucas.pk]), follow=True)
    assert "Le lien de l'agenda est révoqué" in texte(reponse)
    assert Enfant.objects.get(pk=lucas.pk).jeton_calendrier is None
    assert client.get(reverse("agenda", args=[lucas.jeton_calendrier])).status_code == 404


def test_an_unknown_agenda_token_gives_404(client, db):
    assert client.get(reverse("agenda", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/agenda/pas-un-jeton.ics").status_code == 404


# --- Ni la famille Martin, ni un visiteur anonyme ---------------------------------------------


def urls_de(lucas, mercredi):
    return [
        url_planning(lucas),
        url_jour(lucas, mercredi),
        url_jour(lucas, mercredi, action="reserver"),
        url_jour(lucas, mercredi, action="annuler"),
        url_jour(lucas, mercredi, action="absence"),
        url_periode(lucas),
        url_periode(lucas, mois="2026-12"),
        reverse("enfant_agenda_creer", args=[lucas.pk]),
        reverse("enfant_agenda_revoquer", args=[lucas.pk]),
    ]


ENVOI_FORGE = {
    "motif": "Pirate",
    "confirmer": "1",
    "jours_semaine": ["3"],
    "debut": "2026-12-01",
    "fin": "2026-12-31",
}


def test_the_martin_family_gets_404_on_the_dupont_planning_and_writes_nothing(
    client_martin, lucas, mercredi
):
    JourneeFactory(enfant=lucas, prestation=mercredi, date=MERCREDI)
    jeton = uuid.uuid4()
    Enfant.objects.filter(pk=lucas.pk).update(jeton_calendrier=jeton)

    for url in urls_de(lucas, mercredi):
        assert client_martin.get(url).status_code == 404, url
        envoi = dict(ENVOI_FORGE, prestation=mercredi.pk)
        assert client_martin.post(url, envoi).status_code == 404, url

    assert list(Journee.objects.values_list("date", "etat")) == [(MERCREDI, Etat.RESERVE)]
    assert Enfant.objects.get(pk=lucas.pk).jeton_calendrier == jeton
    assert not Demande.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, lucas, mercredi):
    for url in urls_de(lucas, mercredi):
        for reponse in (client.get(url), client.post(url, ENVOI_FORGE)):
            assert reponse.status_code == 302, url
            assert reponse["Location"].startswith(reverse("connexion")), url
    assert not Journee.objects.exists()
