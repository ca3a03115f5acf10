"""L'administration des demandes : la liste filtrée, les valeurs côte à côte, rien de
modifiable, et les demandes sanitaires réservées aux agents habilités."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from demandes.models import Demande
from familles.models import Responsable
from portail.groupes import AGENTS, creer_groupes
from tests.factories import DemandeFactory, ResponsableFactory, UtilisateurFactory


@pytest.fixture
def client_non_habilite(client, db):
    creer_groupes()
    agent = UtilisateurFactory(username="agent.sans.sante", is_staff=True)
    agent.groups.add(Group.objects.get(name=AGENTS))
    client.force_login(agent)
    return client


@pytest.fixture
def demande_adresse(dupont):
    jean = dupont.titulaire
    return DemandeFactory(
        famille=dupont,
        type=Demande.Type.RESPONSABLE,
        cible_type=ContentType.objects.get_for_model(Responsable),
        cible_id=jean.pk,
        valeurs_actuelles={
            "adresse": "12 RUE DES BONBONS",
            "ville": "SAINT - JEAN",
            "qualite": "pere",
            "autorisation_sms": False,
        },
        valeurs_demandees={
            "adresse": "5 AVENUE DES CARAMELS",
            "ville": "SAINT - JEAN",
            "qualite": "pere",
            "autorisation_sms": True,
        },
        demandeur=jean.utilisateur,
        commentaire="Nous avons déménagé.",
    )


@pytest.fixture
def demande_sanitaire(dupont):
    return DemandeFactory(
        famille=dupont,
        type=Demande.Type.DONNEES_SANITAIRES,
        enfant=dupont.enfants.get(),
        valeurs_actuelles={"allergies": ""},
        valeurs_demandees={"allergies": "Pollen de bouleau"},
    )


def test_demande_changelist_shows_family_type_changes_and_status(client_agent, demande_adresse):
    response = client_agent.get(reverse("admin:demandes_demande_changelist"))

    assert response.status_code == 200
    contenu = response.content.decode()
    assert "DUPONT JEAN (1001001819331)" in contenu
    assert "Informations responsable" in contenu
    assert "Adresse, Autorisation SMS" in contenu  # les champs changés seulement
    assert "En attente" in contenu


def test_demande_changelist_filters_and_search(client_agent, demande_adresse, martin):
    refusee = DemandeFactory(
        famille=martin,
        type=Demande.Type.CAF,
        statut=Demande.Statut.REFUSEE,
        motif_refus="Justificatif manquant",
        decidee_le=timezone.now(),
    )
    url = reverse("admin:demandes_demande_changelist")

    def resultats(**params):
        return list(client_agent.get(url, params).context["cl"].result_list)

    assert resultats(statut__exact="en_attente") == [demande_adresse]
    assert resultats(type__exact="caf") == [refusee]
    assert resultats(q="1001001820442") == [refusee]
    assert resultats(q="DUPONT") == [demande_adresse]
    assert resultats(famille__id__exact=martin.pk) == [refusee]
    hier = timezone.localtime() - datetime.timedelta(days=1)
    assert len(resultats(date_demande__gte=hier.isoformat(sep=" "))) == 2


def test_demande_changelist_queries_are_bounded(client_agent, django_assert_max_num_queries):
    for _ in range(25):
        DemandeFactory(famille=ResponsableFactory().famille)

    with django_assert_max_num_queries(12):
        response = client_agent.get(reverse("admin:demandes_demande_changelist"))

    assert len(response.context["cl"].result_list) == 25


def test_demande_page_shows_current_and_requested_values_side_by_side(
    client_agent, demande_adresse
):
    response = client_agent.get(reverse("admin:demandes_demande_change", args=[demande_adresse.pk]))

    assert response.status_code == 200
    contenu = response.content.decode()
    assert "Valeur actuelle" in contenu
    assert "Valeur demandée" in contenu
    assert "12 RUE DES BONBONS" in contenu
    assert "<mark><strong>5 AVENUE DES CARAMELS</strong></mark>" in contenu
    assert '<tr class="modifie"><th scope="row">Adresse <small>(modifié)</small>' in contenu
    assert '<tr><th scope="row">Ville</th>' in contenu  # inchangée : pas mise en évidence
    assert "Père" in contenu  # le libellé du choix, pas sa valeur
    assert "<td>Non</td>" in contenu
    assert "Nous avons déménagé." in contenu
    assert "DUPONT JEAN" in contenu  # la fiche visée


def test_demande_page_has_nothing_to_edit(client_agent, demande_adresse):
    response = client_agent.get(reverse("admin:demandes_demande_change", args=[demande_adresse.pk]))

    contenu = response.content.decode()
    assert 'name="_save"' not in contenu
    assert 'name="valeurs_demandees"' not in contenu
    assert 'name="statut"' not in contenu


def test_demande_cannot_be_changed_added_or_deleted(client_agent, demande_adresse):
    url = reverse("admin:demandes_demande_change", args=[demande_adresse.pk])

    response = client_agent.post(
        url, {"statut": "acceptee", "valeurs_demandees": '{"adresse": "ailleurs"}'}
    )

    assert response.status_code == 403
    demande_adresse.refresh_from_db()
    assert demande_adresse.statut == Demande.Statut.EN_ATTENTE
    assert demande_adresse.valeurs_demandees["adresse"] == "5 AVENUE DES CARAMELS"
    assert client_agent.get(reverse("admin:demandes_demande_add")).status_code == 403
    assert (
        client_agent.post(
            reverse("admin:demandes_demande_delete", args=[demande_adresse.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_new_child_request_shows_every_requested_value(client_agent, dupont):
    demande = DemandeFactory(
        famille=dupont,
        type=Demande.Type.NOUVEL_ENFANT,
        valeurs_actuelles={},
        valeurs_demandees={"prenom": "Léa", "date_naissance": "2021-06-02", "sexe": "F"},
    )

    response = client_agent.get(reverse("admin:demandes_demande_change", args=[demande.pk]))

    contenu = response.content.decode()
    assert "Aucune : la demande crée une fiche." in contenu
    assert "<mark><strong>02/06/2021</strong></mark>" in contenu
    assert "<mark><strong>Fille</strong></mark>" in contenu
    assert "Date de naissance" in contenu


def test_health_requests_are_hidden_from_agents_without_the_permission(
    client_non_habilite, demande_adresse, demande_sanitaire
):
    response = client_non_habilite.get(reverse("admin:demandes_demande_changelist"))
    assert list(response.context["cl"].result_list) == [demande_adresse]
    assert "Pollen de bouleau" not in response.content.decode()

    response = client_non_habilite.get(
        reverse("admin:demandes_demande_change", args=[demande_sanitaire.pk])
    )
    assert response.status_code == 302  # « n'existe pas » pour lui
    assert response.url == reverse("admin:index")


def test_health_requests_are_visible_to_habilitated_agents(client_agent, demande_sanitaire):
    response = client_agent.get(
        reverse("admin:demandes_demande_change", args=[demande_sanitaire.pk])
    )

    assert response.status_code == 200
    assert "Pollen de bouleau" in response.content.decode()
