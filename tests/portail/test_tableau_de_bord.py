"""Le tableau de bord des agents : les chiffres d'une semaine et d'un mois connus, ses liens,
ses barres en SVG avec leurs données, un nombre fixe de requêtes, réservé au personnel."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from demandes.models import Demande
from enfants.models import Journee
from tests.factories import (
    AffectationFactory,
    DemandeFactory,
    EnfantFactory,
    FactureFactory,
    InscriptionFactory,
    JourneeFactory,
    PrestationFactory,
    ReglementFactory,
)

URL = reverse("tableau_de_bord")
SEMAINE = {"semaine": "2026-11-04", "mois": "2026-11"}  # un mercredi : la semaine du lundi 2


@pytest.fixture
def semaine_connue(dupont, martin):
    mercredi = PrestationFactory(nom="ALSH Mercredi", places=2, jours_ouverture="3")
    lucas, emma = dupont.enfants.get(), martin.enfants.get()
    jour = datetime.date(2026, 11, 4)
    JourneeFactory(enfant=lucas, prestation=mercredi, date=jour, etat=Journee.Etat.PRESENT)
    JourneeFactory(enfant=emma, prestation=mercredi, date=jour, etat=Journee.Etat.ABSENT_FACTURE)
    troisieme = EnfantFactory(famille=martin, prenom="Léo")
    JourneeFactory(
        enfant=troisieme, prestation=mercredi, date=jour, etat=Journee.Etat.LISTE_ATTENTE
    )
    # Un enfant « Régulier » le mercredi, sans journée : il occupe sa place.
    InscriptionFactory(
        enfant=EnfantFactory(famille=dupont, prenom="Zoé"),
        prestation=mercredi,
        jours_reguliers="3",
    )
    # Hors de la semaine : ne compte pas.
    JourneeFactory(enfant=lucas, prestation=mercredi, date=datetime.date(2026, 11, 11))
    soldee = FactureFactory(famille=dupont, numero="AL-1", montant=Decimal("50.00"))
    AffectationFactory(
        reglement=ReglementFactory(famille=dupont, montant=Decimal("50.00")),
        facture=soldee,
        montant=Decimal("50.00"),
    )
    FactureFactory(
        famille=martin,
        numero="AL-2",
        montant=Decimal("1234.50"),
        date_echeance=datetime.date(2026, 11, 30),
    )
    FactureFactory(famille=martin, numero="AL-3", date_facture=datetime.date(2026, 10, 8))
    DemandeFactory(famille=dupont, date_demande=timezone.now() - datetime.timedelta(days=5))
    DemandeFactory(famille=martin)
    DemandeFactory(famille=martin, statut=Demande.Statut.ACCEPTEE, decidee_le=timezone.now())
    return mercredi


def test_the_admin_index_links_to_the_dashboard(client_agent):
    response = client_agent.get(reverse("admin:index"))

    assert URL in response.content.decode()


def test_the_dashboard_shows_the_figures_of_the_week_and_month(client_agent, semaine_connue):
    response = client_agent.get(URL, SEMAINE)

    assert response.status_code == 200
    (ligne,) = [x for x in response.context["lignes"] if x.prestation == semaine_connue]
    assert (ligne.places, ligne.jours_ouverts, ligne.reserves, ligne.taux) == (2, 1, 3, 150)
    assert (ligne.attente, ligne.presents, ligne.absents_factures) == (1, 1, 1)
    assert response.context["reservations_par_jour"][2] == ("Mer 4", 3)
    assert response.context["reservations_par_jour"][3] == ("Jeu 5", 0)
    factures = response.context["factures"]
    assert (factures["emises"], factures["soldees"], factures["echues"]) == (2, 1, 1)
    assert factures["montant"] == Decimal("1284.50")
    assert factures["reste"] == Decimal("1234.50")
    (demandes,) = response.context["demandes"]
    assert (demandes["nombre"], demandes["age_jours"]) == (2, 5)
    page = response.content.decode()
    assert "Accueil de la semaine du 02/11/2026 au 08/11/2026" in page
    assert "Factures de novembre 2026" in page


def test_each_figure_links_to_its_admin_list(client_agent, semaine_connue):
    page = client_agent.get(URL, SEMAINE).content.decode()

    assert (
        f"/admin/enfants/journee/?prestation__id__exact={semaine_connue.pk}"
        "&amp;date__gte=2026-11-02&amp;date__lte=2026-11-08"
    ) in page
    assert "/admin/facturation/facture/?paiement=echue&amp;date_facture__year=2026" in page
    assert "/admin/demandes/demande/?statut__exact=en_attente" in page
    liste = client_agent.get(
        "/admin/enfants/journee/",
        {
            "prestation__id__exact": semaine_connue.pk,
            "date__gte": "2026-11-02",
            "date__lte": "2026-11-08",
        },
    )
    assert liste.status_code == 200
    assert "3 journées" in liste.content.decode()


def test_the_charts_are_svg_with_their_data_tables_and_no_script(client_agent, semaine_connue):
    page = client_agent.get(URL, SEMAINE).content.decode()

    assert page.count('<svg role="img"') == 2
    assert page.count("Les données du graphique") == 2
    assert "<script>" not in page and "onclick" not in page


def test_the_dashboard_needs_few_queries_whatever_the_data(
    client_agent, semaine_connue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        client_agent.get(URL, SEMAINE)


def test_a_bad_week_is_a_french_message(client_agent):
    response = client_agent.get(URL, {"semaine": "2026-13-45", "mois": "pas-un-mois"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Indiquez une date valide (jj/mm/aaaa)." in page
    assert "Indiquez un mois valide (aaaa-mm)." in page


def test_parents_cannot_see_the_dashboard(client_dupont):
    response = client_dupont.get(URL)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
