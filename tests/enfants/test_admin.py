"""L'administration des enfants et de l'accueil ; les données sanitaires réservées aux agents
habilités (RGPD art. 9)."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from enfants.models import Inscription, Journee, Prestation
from portail.groupes import AGENTS, creer_groupes
from tests.factories import (
    EnfantFactory,
    FamilleFactory,
    FermetureFactory,
    FicheSanitaireFactory,
    InscriptionFactory,
    JourneeFactory,
    PersonneAutoriseeFactory,
    PrestationFactory,
    ResponsableFactory,
    StructureFactory,
    UtilisateurFactory,
    VaccinationFactory,
)


@pytest.fixture
def client_non_habilite(client, db):
    """Un agent du service enfance sans la permission des données sanitaires."""
    creer_groupes()
    agent = UtilisateurFactory(username="agent.sans.sante", is_staff=True)
    agent.groups.add(Group.objects.get(name=AGENTS))
    client.force_login(agent)
    return client


@pytest.fixture
def lucas(dupont):
    return dupont.enfants.get()


@pytest.fixture
def fiche(lucas):
    return FicheSanitaireFactory(enfant=lucas, allergies="Arachides, pollen de bouleau")


@pytest.fixture
def vaccination(lucas):
    return VaccinationFactory(enfant=lucas, vaccin="ROR")


def _plusieurs_enfants(nombre=25):
    enfants = []
    for _ in range(nombre):
        titulaire = ResponsableFactory()
        enfants.append(EnfantFactory(famille=titulaire.famille))
    return enfants


# --- Enfants -----------------------------------------------------------------------------------


def test_enfant_changelist_shows_children_with_their_family(client_agent, dupont, martin):
    response = client_agent.get(reverse("admin:enfants_enfant_changelist"))

    assert response.status_code == 200
    contenu = response.content.decode()
    assert "Lucas" in contenu
    assert "Emma" in contenu
    assert "DUPONT JEAN (1001001819331)" in contenu


def test_enfant_changelist_search_by_family_number(client_agent, dupont, martin):
    response = client_agent.get(reverse("admin:enfants_enfant_changelist"), {"q": "1001001819331"})

    assert [e.prenom for e in response.context["cl"].result_list] == ["Lucas"]


def test_enfant_changelist_queries_are_bounded(client_agent, django_assert_max_num_queries):
    _plusieurs_enfants()

    with django_assert_max_num_queries(12):
        response = client_agent.get(reverse("admin:enfants_enfant_changelist"))

    assert len(response.context["cl"].result_list) == 25


def test_habilitated_agent_sees_health_inlines_on_the_child(
    client_agent, lucas, fiche, vaccination
):
    PersonneAutoriseeFactory(enfant=lucas, nom="DURAND")

    response = client_agent.get(reverse("admin:enfants_enfant_change", args=[lucas.pk]))

    assert response.status_code == 200
    contenu = response.content.decode()
    assert "DURAND" in contenu  # personnes autorisées
    assert "Arachides, pollen de bouleau" in contenu
    assert "ROR" in contenu


def test_agent_without_health_permission_does_not_see_health_inlines(
    client_non_habilite, lucas, fiche, vaccination
):
    PersonneAutoriseeFactory(enfant=lucas, nom="DURAND")

    response = client_non_habilite.get(reverse("admin:enfants_enfant_change", args=[lucas.pk]))

    assert response.status_code == 200
    contenu = response.content.decode()
    assert "DURAND" in contenu
    assert "Arachides" not in contenu
    assert "ROR" not in contenu
    assert "fiche_sanitaire-TOTAL_FORMS" not in contenu
    assert "vaccinations-TOTAL_FORMS" not in contenu


@pytest.mark.parametrize(
    "vue", ["admin:enfants_fichesanitaire_changelist", "admin:enfants_vaccination_changelist"]
)
def test_agent_without_health_permission_is_refused_health_lists(client_non_habilite, vue):
    assert client_non_habilite.get(reverse(vue)).status_code == 403


def test_agent_without_health_permission_is_refused_health_records(
    client_non_habilite, fiche, vaccination
):
    for vue, obj in (
        ("admin:enfants_fichesanitaire_change", fiche),
        ("admin:enfants_vaccination_change", vaccination),
        ("admin:enfants_fichesanitaire_history", fiche),
    ):
        assert client_non_habilite.get(reverse(vue, args=[obj.pk])).status_code == 403
    assert client_non_habilite.get(reverse("admin:enfants_fichesanitaire_add")).status_code == 403


def test_agent_without_health_permission_does_not_see_health_models_in_the_index(
    client_non_habilite,
):
    contenu = client_non_habilite.get(reverse("admin:index")).content.decode()

    assert "Enfants" in contenu
    assert "Fiches sanitaires" not in contenu
    assert "Vaccinations" not in contenu


def test_health_admins_for_habilitated_agent(client_agent, fiche, vaccination):
    response = client_agent.get(reverse("admin:enfants_fichesanitaire_changelist"))
    assert response.status_code == 200
    assert "Dr Claire FAVRE" in response.content.decode()

    response = client_agent.get(reverse("admin:enfants_fichesanitaire_change", args=[fiche.pk]))
    assert "Arachides, pollen de bouleau" in response.content.decode()

    response = client_agent.get(reverse("admin:enfants_vaccination_changelist"))
    assert "ROR" in response.content.decode()

    response = client_agent.get(reverse("admin:enfants_vaccination_change", args=[vaccination.pk]))
    assert response.status_code == 200


def test_health_changelists_queries_are_bounded(client_agent, django_assert_max_num_queries):
    for enfant in _plusieurs_enfants():
        FicheSanitaireFactory(enfant=enfant)
        VaccinationFactory(enfant=enfant)

    for vue in ("admin:enfants_fichesanitaire_changelist", "admin:enfants_vaccination_changelist"):
        with django_assert_max_num_queries(12):
            response = client_agent.get(reverse(vue))
        assert len(response.context["cl"].result_list) == 25


def test_personne_autorisee_admin(client_agent, lucas, django_assert_max_num_queries):
    personne = PersonneAutoriseeFactory(enfant=lucas, nom="DURAND")
    for enfant in _plusieurs_enfants(24):
        PersonneAutoriseeFactory(enfant=enfant)

    with django_assert_max_num_queries(12):
        response = client_agent.get(reverse("admin:enfants_personneautorisee_changelist"))
    assert "Grand-mère" in response.content.decode()

    response = client_agent.get(
        reverse("admin:enfants_personneautorisee_change", args=[personne.pk])
    )
    assert response.status_code == 200
    assert "06 12 34 56 78" in response.content.decode()


# --- Structures et prestations ------------------------------------------------------------------


def test_structure_lists_its_prestations(client_agent):
    structure = StructureFactory(nom="Garderie périscolaire")
    PrestationFactory(structure=structure, nom="Garderie matin", jours_ouverture="1245")

    response = client_agent.get(reverse("admin:enfants_structure_changelist"))
    assert response.status_code == 200
    assert "Garderie matin" in response.content.decode()

    response = client_agent.get(reverse("admin:enfants_structure_change", args=[structure.pk]))
    assert response.status_code == 200
    assert 'value="Garderie matin"' in response.content.decode()


def test_prestation_changelist_shows_opening_days_and_rules(
    client_agent, django_assert_max_num_queries
):
    PrestationFactory(
        nom="ALSH Mercredi après-midi",
        jours_ouverture="3",
        places=24,
        validation_automatique=False,
    )
    for numero in range(24):
        PrestationFactory(structure=StructureFactory(nom=f"Structure {numero}"))

    with django_assert_max_num_queries(12):
        response = client_agent.get(reverse("admin:enfants_prestation_changelist"))

    assert response.status_code == 200
    contenu = response.content.decode()
    assert "ALSH Mercredi après-midi" in contenu
    assert "Me" in contenu
    assert "Lu, Ma, Me, Je, Ve" in contenu
    assert "Semaines d&#x27;école" in contenu


def test_prestation_change_page(client_agent):
    prestation = PrestationFactory(nom="Restauration scolaire")

    response = client_agent.get(reverse("admin:enfants_prestation_change", args=[prestation.pk]))

    assert response.status_code == 200
    assert "Réservation : ou bien le jour de la semaine précédente" in response.content.decode()


# --- Inscriptions, journées, fermetures -------------------------------------------------------


def test_inscription_admin(client_agent, dupont, django_assert_max_num_queries):
    lucas = dupont.enfants.get()
    inscription = InscriptionFactory(
        enfant=lucas, prestation=PrestationFactory(nom="ALSH Mercredi journée")
    )
    for enfant in _plusieurs_enfants(24):
        InscriptionFactory(enfant=enfant)

    with django_assert_max_num_queries(12):
        response = client_agent.get(reverse("admin:enfants_inscription_changelist"))
    assert response.status_code == 200
    assert "ALSH Mercredi journée" in response.content.decode()

    response = client_agent.get(reverse("admin:enfants_inscription_change", args=[inscription.pk]))
    assert response.status_code == 200


def test_inscription_responsable_must_belong_to_the_child_family(client_agent, dupont, martin):
    lucas = dupont.enfants.get()
    prestation = PrestationFactory()

    response = client_agent.post(
        reverse("admin:enfants_inscription_add"),
        {
            "enfant": lucas.pk,
            "prestation": prestation.pk,
            "responsable": martin.titulaire.pk,
            "date_debut": "01/09/2026",
        },
    )

    assert response.status_code == 200
    assert "Choisissez un responsable de la famille de l&#x27;enfant." in (
        response.content.decode()
    )
    assert not Inscription.objects.exists()


def test_journee_changelist_filters_and_search(client_agent, dupont, martin):
    lucas, emma = dupont.enfants.get(), martin.enfants.get()
    mercredi = PrestationFactory(nom="ALSH Mercredi après-midi")
    JourneeFactory(enfant=lucas, prestation=mercredi, etat=Journee.Etat.PRESENT)
    JourneeFactory(enfant=emma, prestation=mercredi, etat=Journee.Etat.RESERVE)
    url = reverse("admin:enfants_journee_changelist")

    response = client_agent.get(url, {"etat__exact": "present"})
    assert [j.enfant for j in response.context["cl"].result_list] == [lucas]

    response = client_agent.get(url, {"q": "1001001820442"})
    assert [j.enfant for j in response.context["cl"].result_list] == [emma]

    response = client_agent.get(url, {"prestation__id__exact": mercredi.pk})
    assert len(response.context["cl"].result_list) == 2

    response = client_agent.get(url, {"date__gte": "2026-11-01", "date__lt": "2026-12-01"})
    assert len(response.context["cl"].result_list) == 2
    assert "Accueil de Loisirs ALSH Mercredi après-midi" in response.content.decode()


def test_journee_changelist_queries_are_bounded(client_agent, django_assert_max_num_queries):
    for numero in range(5):
        PrestationFactory(nom=f"Prestation {numero}", structure=StructureFactory(nom=f"S{numero}"))
    prestations = list(Prestation.objects.all())
    for index, enfant in enumerate(_plusieurs_enfants()):
        JourneeFactory(
            enfant=enfant,
            prestation=prestations[index % 5],
            date=datetime.date(2026, 11, 2) + datetime.timedelta(days=index),
        )

    with django_assert_max_num_queries(12):
        response = client_agent.get(reverse("admin:enfants_journee_changelist"))

    assert len(response.context["cl"].result_list) == 25


def test_journee_change_records_the_agent(client_agent, agent, dupont):
    journee = JourneeFactory(enfant=dupont.enfants.get(), etat=Journee.Etat.RESERVE)
    url = reverse("admin:enfants_journee_change", args=[journee.pk])
    assert client_agent.get(url).status_code == 200

    response = client_agent.post(
        url,
        {
            "enfant": journee.enfant_id,
            "prestation": journee.prestation_id,
            "date": "04/11/2026",
            "etat": Journee.Etat.ABSENT_EXCUSE,
            "motif": "Malade",
        },
    )

    assert response.status_code == 302
    journee.refresh_from_db()
    assert journee.etat == Journee.Etat.ABSENT_EXCUSE
    assert journee.modifiee_par == agent
    assert journee.history.latest().history_user == agent


def test_fermeture_admin(client_agent):
    structure = StructureFactory(nom="Accueil de Loisirs")
    fermeture = FermetureFactory(structure=structure)
    FermetureFactory(
        motif="Pont de l'Ascension",
        date_debut=datetime.date(2027, 5, 7),
        date_fin=datetime.date(2027, 5, 7),
    )

    response = client_agent.get(reverse("admin:enfants_fermeture_changelist"))
    assert response.status_code == 200
    contenu = response.content.decode()
    assert "Fermeture de fin d&#x27;année" in contenu
    assert "Tout le service" in contenu

    response = client_agent.get(reverse("admin:enfants_fermeture_change", args=[fermeture.pk]))
    assert response.status_code == 200


def test_famille_page_lists_children_from_the_enfants_app(client_agent):
    famille = FamilleFactory()
    ResponsableFactory(famille=famille)
    noe = EnfantFactory(famille=famille, prenom="Noé")

    response = client_agent.get(reverse("admin:familles_famille_change", args=[famille.pk]))

    contenu = response.content.decode()
    assert "Noé" in contenu
    assert reverse("admin:enfants_enfant_change", args=[noe.pk]) in contenu  # sa fiche
    assert 'name="enfants-0-prenom"' not in contenu  # listé, modifié sur sa fiche


# --- Prestations : jours cochés, délais expliqués ---------------------------------------------


def _formulaire_prestation(structure, **valeurs):
    return {
        "structure": structure.pk,
        "nom": "ALSH Mercredi après-midi",
        "ordre": 0,
        "active": "on",
        "jours_ouverture": ["3"],
        "periode": Prestation.Periode.SCOLAIRE,
        "places": 24,
        "reservation_delai_jours": 2,
        "reservation_jour_semaine": 4,
        "reservation_heure_limite": "12:00",
        "annulation_delai_jours": 2,
        "annulation_jour_semaine": "",
        "annulation_heure_limite": "18:00",
        "validation_automatique": "on",
        "horizon_reservation": "annee_suivante",
        **valeurs,
    }


def test_prestation_opening_days_are_checkboxes_saved_as_day_numbers(client_agent):
    structure = StructureFactory()
    response = client_agent.get(reverse("admin:enfants_prestation_add"))
    contenu = response.content.decode()
    assert 'type="checkbox" name="jours_ouverture" value="3"' in contenu
    assert "Mercredi" in contenu

    response = client_agent.post(
        reverse("admin:enfants_prestation_add"),
        _formulaire_prestation(structure, jours_ouverture=["5", "1", "3"]),
    )

    assert response.status_code == 302
    prestation = Prestation.objects.get()
    assert prestation.jours_ouverture == "135"
    assert prestation.reservation_jour_semaine == 4


def test_prestation_needs_at_least_one_opening_day(client_agent):
    response = client_agent.post(
        reverse("admin:enfants_prestation_add"),
        _formulaire_prestation(StructureFactory(), jours_ouverture=[]),
    )

    assert response.status_code == 200
    assert "Cochez au moins un jour d&#x27;ouverture." in response.content.decode()
    assert not Prestation.objects.exists()


def test_prestation_booked_a_number_of_days_ahead_needs_that_number(client_agent):
    structure = StructureFactory()
    url = reverse("admin:enfants_prestation_add")

    sans_nombre = client_agent.post(
        url, _formulaire_prestation(structure, horizon_reservation="jours")
    )
    avec = client_agent.post(
        url, _formulaire_prestation(structure, horizon_reservation="jours", horizon_jours="60")
    )

    assert sans_nombre.status_code == 200
    assert "Indiquez le nombre de jours à l&#x27;avance." in sans_nombre.content.decode()
    assert avec.status_code == 302
    prestation = Prestation.objects.get()
    assert (prestation.horizon_reservation, prestation.horizon_jours) == ("jours", 60)


def test_prestation_page_explains_deadlines_zone_and_links_the_attendance_sheet(client_agent):
    prestation = PrestationFactory(
        nom="ALSH Mercredi après-midi", jours_ouverture="3", reservation_jour_semaine=4
    )

    response = client_agent.get(reverse("admin:enfants_prestation_change", args=[prestation.pk]))

    contenu = response.content.decode()
    coches = re.findall(
        r'<input type="checkbox" name="jours_ouverture" value="(\d)"[^>]*checked', contenu
    )
    assert coches == ["3"]
    assert "le jeudi précédent à 12:00" in contenu
    assert "2 jours avant à 12:00" in contenu
    assert "ZONE_SCOLAIRE" in contenu and "zone A" in contenu
    assert "Absent facturé" in contenu
    assert f"feuille-de-presence/?prestation={prestation.pk}" in contenu


def test_prestation_changelist_states_deadlines_in_words(client_agent):
    PrestationFactory(nom="Restauration scolaire", annulation_delai_jours=1)

    response = client_agent.get(reverse("admin:enfants_prestation_changelist"))

    contenu = response.content.decode()
    assert "2 jours avant à 12:00" in contenu
    assert "la veille à 12:00" in contenu
    assert "Feuille de présence" in contenu


def test_inscription_regular_days_are_checkboxes(client_agent, dupont):
    lucas = dupont.enfants.get()
    prestation = PrestationFactory()

    response = client_agent.post(
        reverse("admin:enfants_inscription_add"),
        {
            "enfant": lucas.pk,
            "prestation": prestation.pk,
            "responsable": dupont.titulaire.pk,
            "date_debut": "01/09/2026",
            "jours_reguliers": ["4", "1"],
        },
    )

    assert response.status_code == 302
    assert Inscription.objects.get().jours_reguliers == "14"
    response = client_agent.get(reverse("admin:enfants_inscription_changelist"))
    assert "Lu, Je" in response.content.decode()
