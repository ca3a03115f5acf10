"""L'administration des demandes : la liste filtrée, les valeurs côte à côte, rien de
modifiable, et les demandes sanitaires réservées aux agents habilités."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from demandes.decisions import refuser_demande, valider_demande
from demandes.models import Demande
from familles.models import Message, Responsable
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


# --- Décider : « Valider », « Refuser », une demande ou une sélection ------------------------


def url_demande(demande, vue="change"):
    return reverse(f"admin:demandes_demande_{vue}", args=[demande.pk])


def demande_responsable(famille, **valeurs):
    titulaire = famille.titulaire
    return DemandeFactory(
        famille=famille,
        type=Demande.Type.RESPONSABLE,
        cible_type=ContentType.objects.get_for_model(Responsable),
        cible_id=titulaire.pk,
        valeurs_actuelles={champ: getattr(titulaire, champ) for champ in valeurs},
        valeurs_demandees=valeurs,
        demandeur=titulaire.utilisateur,
    )


def messages_de(reponse):
    return [str(message) for message in reponse.context["messages"]]


@pytest.fixture
def client_lecteur(client, db):
    """Un agent qui consulte les demandes sans pouvoir les décider."""
    lecteur = UtilisateurFactory(username="lecteur", is_staff=True)
    lecteur.user_permissions.set(Permission.objects.filter(codename="view_demande"))
    client.force_login(lecteur)
    return client


def test_demande_page_offers_valider_and_refuser_with_a_motif(client_agent, demande_adresse):
    contenu = client_agent.get(url_demande(demande_adresse)).content.decode()

    assert f'action="{url_demande(demande_adresse, "valider")}"' in contenu
    assert f'action="{url_demande(demande_adresse, "refuser")}"' in contenu
    assert 'value="Valider"' in contenu
    assert 'name="motif"' in contenu
    assert 'value="Refuser"' in contenu


def test_valider_applies_the_change_and_says_so(client_agent, agent, dupont, mailoutbox):
    demande = demande_responsable(dupont, adresse="5 AVENUE DES CARAMELS")

    reponse = client_agent.post(url_demande(demande, "valider"), follow=True)

    assert reponse.redirect_chain == [(url_demande(demande), 302)]
    assert "Demande validée : la fiche est modifiée" in messages_de(reponse)[0]
    demande.refresh_from_db()
    assert demande.statut == Demande.Statut.ACCEPTEE
    assert demande.decidee_par == agent
    assert Responsable.objects.get(pk=dupont.titulaire.pk).adresse == "5 AVENUE DES CARAMELS"
    assert 'value="Valider"' not in reponse.content.decode()  # décidée : plus de boutons


def test_valider_an_already_decided_request_gives_a_clear_message(client_agent, dupont, agent):
    demande = demande_responsable(dupont, adresse="5 AVENUE DES CARAMELS")
    refuser_demande(demande=demande, agent=agent, motif="Justificatif manquant.")

    reponse = client_agent.post(url_demande(demande, "valider"), follow=True)

    assert reponse.status_code == 200
    assert messages_de(reponse) == ["Cette demande n'est plus en attente : elle est « Refusée »."]
    assert Responsable.objects.get(pk=dupont.titulaire.pk).adresse == "12 RUE DES BONBONS"


def test_valider_invalid_values_gives_a_clear_message_and_changes_nothing(client_agent, dupont):
    demande = demande_responsable(dupont, code_postal="ABCDE")

    reponse = client_agent.post(url_demande(demande, "valider"), follow=True)

    assert "Les valeurs demandées ne sont pas valables" in messages_de(reponse)[0]
    demande.refresh_from_db()
    assert demande.statut == Demande.Statut.EN_ATTENTE
    assert Responsable.objects.get(pk=dupont.titulaire.pk).code_postal == "31400"


def test_valider_is_a_post(client_agent, demande_adresse):
    assert client_agent.get(url_demande(demande_adresse, "valider")).status_code == 405
    demande_adresse.refresh_from_db()
    assert demande_adresse.statut == Demande.Statut.EN_ATTENTE


def test_refuser_requires_a_motif(client_agent, demande_adresse):
    reponse = client_agent.post(url_demande(demande_adresse, "refuser"), {"motif": "  "})

    assert reponse.status_code == 200
    assert "Indiquez le motif du refus : la famille le lira." in reponse.content.decode()
    demande_adresse.refresh_from_db()
    assert demande_adresse.statut == Demande.Statut.EN_ATTENTE


def test_refuser_with_a_motif_refuses_and_tells_the_family(client_agent, demande_adresse, dupont):
    reponse = client_agent.post(
        url_demande(demande_adresse, "refuser"),
        {"motif": "Merci de joindre un justificatif de domicile."},
        follow=True,
    )

    assert "Demande refusée : la famille" in messages_de(reponse)[0]
    demande_adresse.refresh_from_db()
    assert demande_adresse.statut == Demande.Statut.REFUSEE
    assert demande_adresse.motif_refus == "Merci de joindre un justificatif de domicile."
    assert Message.objects.filter(famille=dupont, sujet__contains="refusée").count() == 1
    assert Responsable.objects.get(pk=dupont.titulaire.pk).adresse == "12 RUE DES BONBONS"


def test_refuser_page_asks_for_the_motif(client_agent, demande_adresse):
    reponse = client_agent.get(url_demande(demande_adresse, "refuser"))

    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Motif du refus" in contenu
    assert 'value="Refuser la demande"' in contenu


def test_an_agent_who_may_only_view_cannot_decide(client_lecteur, demande_adresse):
    contenu = client_lecteur.get(url_demande(demande_adresse)).content.decode()
    assert 'value="Valider"' not in contenu

    assert client_lecteur.post(url_demande(demande_adresse, "valider")).status_code == 403
    assert (
        client_lecteur.post(url_demande(demande_adresse, "refuser"), {"motif": "Non."}).status_code
        == 403
    )
    reponse = client_lecteur.get(reverse("admin:demandes_demande_changelist"))
    assert "valider_selection" not in reponse.content.decode()
    demande_adresse.refresh_from_db()
    assert demande_adresse.statut == Demande.Statut.EN_ATTENTE


def test_health_requests_cannot_be_decided_by_agents_without_the_permission(
    client_non_habilite, demande_sanitaire
):
    reponse = client_non_habilite.post(url_demande(demande_sanitaire, "valider"))

    assert reponse.status_code == 404
    demande_sanitaire.refresh_from_db()
    assert demande_sanitaire.statut == Demande.Statut.EN_ATTENTE


def test_bulk_valider_summarises_what_was_done(client_agent, agent, dupont, martin):
    en_attente = [
        demande_responsable(dupont, profession="Guide"),
        demande_responsable(martin, profession="Pisteur"),
        demande_responsable(martin, employeur="ESF"),
    ]
    deja = demande_responsable(dupont, csp="Cadre")
    valider_demande(demande=deja, agent=agent)

    reponse = client_agent.post(
        reverse("admin:demandes_demande_changelist"),
        {
            "action": "valider_selection",
            ACTION_CHECKBOX_NAME: [d.pk for d in [*en_attente, deja]],
        },
        follow=True,
    )

    assert messages_de(reponse) == ["3 demandes validées, 1 déjà décidée."]
    assert Demande.objects.filter(statut=Demande.Statut.ACCEPTEE).count() == 4
    assert Responsable.objects.get(pk=martin.titulaire.pk).employeur == "ESF"


def test_bulk_refuser_asks_for_the_motif_on_an_intermediate_page(client_agent, dupont, martin):
    demandes = [demande_responsable(dupont, csp="Cadre"), demande_responsable(martin, csp="Cadre")]
    url = reverse("admin:demandes_demande_changelist")
    selection = {"action": "refuser_selection", ACTION_CHECKBOX_NAME: [d.pk for d in demandes]}

    page = client_agent.post(url, selection)
    assert page.status_code == 200
    contenu = page.content.decode()
    assert "Motif du refus" in contenu
    assert 'value="Refuser les demandes sélectionnées"' in contenu
    assert not Demande.objects.filter(statut=Demande.Statut.REFUSEE).exists()

    sans_motif = client_agent.post(url, {**selection, "motif": ""})
    assert "Indiquez le motif du refus : la famille le lira." in sans_motif.content.decode()
    assert not Demande.objects.filter(statut=Demande.Statut.REFUSEE).exists()

    reponse = client_agent.post(url, {**selection, "motif": "Pièces manquantes."}, follow=True)
    assert messages_de(reponse) == ["2 demandes refusées."]
    assert set(Demande.objects.values_list("statut", "motif_refus")) == {
        (Demande.Statut.REFUSEE, "Pièces manquantes.")
    }


def test_the_family_filter_lists_families_by_name_and_number(client_agent, demande_adresse):
    contenu = client_agent.get(reverse("admin:demandes_demande_changelist")).content.decode()

    assert f"?famille__id__exact={demande_adresse.famille_id}" in contenu
    assert "DUPONT JEAN (1001001819331)" in contenu


def test_the_validated_change_is_in_the_history_with_the_agent_s_name(client_agent, agent, dupont):
    demande = demande_responsable(dupont, adresse="5 AVENUE DES CARAMELS")

    client_agent.post(url_demande(demande, "valider"))

    jean = Responsable.objects.get(pk=dupont.titulaire.pk)
    derniere = jean.history.first()
    assert derniere.history_user == agent
    assert derniere.history_change_reason == (
        f"Demande n° {demande.pk} « Informations responsable » validée"
    )
    historique = client_agent.get(
        reverse("admin:familles_responsable_history", args=[jean.pk])
    ).content.decode()
    assert f"Demande n° {demande.pk} « Informations responsable » validée" in historique
    assert f'<a href="/admin/familles/utilisateur/{agent.pk}/change/">agent</a>' in historique
    assert "12 RUE DES BONBONS\n" in historique
    assert "&nbsp;&rarr;&nbsp;&nbsp;5 AVENUE DES CARAMELS" in historique
