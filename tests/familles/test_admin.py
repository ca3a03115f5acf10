"""L'administration des familles, des responsables, des comptes, des messages et des
documents, vue par un agent du service enfance."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from familles.models import Document, Message, Responsable, Utilisateur
from portail.groupes import AGENTS, creer_groupes
from tests.factories import (
    DocumentFactory,
    EnfantFactory,
    MessageFactory,
    ResponsableFactory,
    UtilisateurFactory,
)

MOT_DE_PASSE_PROVISOIRE = "Provisoire2026"


@pytest.fixture
def agent_du_groupe(db):
    """Un agent qui n'a que les droits du groupe « Agents du service enfance »."""
    creer_groupes()
    agent = UtilisateurFactory(username="agent.groupe", is_staff=True)
    agent.groups.add(Group.objects.get(name=AGENTS))
    return agent


@pytest.fixture
def client_groupe(client, agent_du_groupe):
    client.force_login(agent_du_groupe)
    return client


def test_admin_index_lists_the_domain_models_in_french(client_agent):
    response = client_agent.get(reverse("admin:index"))

    assert response.status_code == 200
    for libelle in ("Familles", "Responsables", "Utilisateurs", "Messages", "Infos et documents"):
        assert libelle in response.content.decode()


# --- Comptes ---------------------------------------------------------------------------------


def test_utilisateur_changelist_shows_the_family_and_the_forced_change(client_agent, dupont):
    compte = dupont.titulaire.utilisateur
    compte.doit_changer_mot_de_passe = True
    compte.save()

    response = client_agent.get(reverse("admin:familles_utilisateur_changelist"))

    assert response.status_code == 200
    contenu = response.content.decode()
    assert "jean.dupont" in contenu
    assert "1001001819331" in contenu
    assert "doit changer son mot de passe" in contenu.lower()


def test_utilisateur_change_page_shows_the_forced_change_checkbox(client_agent, dupont):
    compte = dupont.titulaire.utilisateur

    response = client_agent.get(reverse("admin:familles_utilisateur_change", args=[compte.pk]))

    assert response.status_code == 200
    assert 'name="doit_changer_mot_de_passe"' in response.content.decode()


def test_new_account_must_change_its_password_by_default(client_groupe):
    page = client_groupe.get(reverse("admin:familles_utilisateur_add"))
    case = page.context["adminform"].form["doit_changer_mot_de_passe"]
    assert case.value() is True

    response = client_groupe.post(
        reverse("admin:familles_utilisateur_add"),
        {
            "username": "paul.durand",
            "usable_password": "true",
            "password1": MOT_DE_PASSE_PROVISOIRE,
            "password2": MOT_DE_PASSE_PROVISOIRE,
            "doit_changer_mot_de_passe": "on",
            "first_name": "Paul",
            "last_name": "Durand",
            "email": "paul.durand@exemple.fr",
        },
    )

    assert response.status_code == 302
    compte = Utilisateur.objects.get(username="paul.durand")
    assert compte.doit_changer_mot_de_passe is True
    assert compte.check_password(MOT_DE_PASSE_PROVISOIRE)
    assert not compte.is_staff


def test_an_agent_cannot_grant_rights_to_a_parent_account(client_groupe, dupont):
    compte = dupont.titulaire.utilisateur
    url = reverse("admin:familles_utilisateur_change", args=[compte.pk])

    page = client_groupe.get(url)
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="is_staff"' not in page.content.decode()

    client_groupe.post(
        url,
        {
            "username": "jean.dupont",
            "first_name": "Jean",
            "last_name": "Dupont",
            "email": "jean.dupont@wanadoo.fr",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )

    compte.refresh_from_db()
    assert not compte.is_staff
    assert not compte.is_superuser


def test_an_agent_cannot_change_another_staff_account(client_groupe, agent):
    url = reverse("admin:familles_utilisateur_change", args=[agent.pk])

    assert client_groupe.get(url).status_code == 200  # consultation seulement
    response = client_groupe.post(url, {"username": "pirate", "is_active": "on"})

    assert response.status_code == 403
    agent.refresh_from_db()
    assert agent.username == "agent"


def test_a_password_set_by_an_agent_must_be_changed_at_next_login(client_groupe, dupont):
    compte = dupont.titulaire.utilisateur

    response = client_groupe.post(
        reverse("admin:auth_user_password_change", args=[compte.pk]),
        {
            "usable_password": "true",
            "password1": MOT_DE_PASSE_PROVISOIRE,
            "password2": MOT_DE_PASSE_PROVISOIRE,
            "set-password": "1",
        },
    )

    assert response.status_code == 302
    compte.refresh_from_db()
    assert compte.check_password(MOT_DE_PASSE_PROVISOIRE)
    assert compte.doit_changer_mot_de_passe is True


def test_own_password_is_changed_on_the_page_asking_for_the_old_one(client_groupe, agent_du_groupe):
    response = client_groupe.get(
        reverse("admin:auth_user_password_change", args=[agent_du_groupe.pk])
    )

    assert response.status_code == 302
    assert response.url == reverse("admin:password_change")


# --- Familles et responsables -----------------------------------------------------------------


def test_famille_changelist_shows_the_responsables_and_children(client_agent, dupont, martin):
    response = client_agent.get(reverse("admin:familles_famille_changelist"))

    assert response.status_code == 200
    contenu = response.content.decode()
    assert "1001001819331" in contenu
    assert "DUPONT JEAN" in contenu
    assert "DUPONT JEANNE" in contenu
    assert "Lucas" in contenu
    assert "1001001820442" in contenu


def test_famille_changelist_search_by_responsable_name(client_agent, dupont, martin):
    response = client_agent.get(reverse("admin:familles_famille_changelist"), {"q": "dupont"})

    assert list(response.context["cl"].result_list) == [dupont]


def test_famille_changelist_queries_are_bounded(client_agent, django_assert_max_num_queries):
    for _ in range(25):
        titulaire = ResponsableFactory()
        ResponsableFactory(famille=titulaire.famille, role=Responsable.Role.CONJOINT)
        EnfantFactory(famille=titulaire.famille)
        EnfantFactory(famille=titulaire.famille, prenom="Léo")

    with django_assert_max_num_queries(12):
        response = client_agent.get(reverse("admin:familles_famille_changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 25


def test_famille_change_page_shows_responsables_with_login_and_children(client_agent, dupont):
    response = client_agent.get(reverse("admin:familles_famille_change", args=[dupont.pk]))

    assert response.status_code == 200
    contenu = response.content.decode()
    assert "12 RUE DES BONBONS" in contenu
    assert "Lotissement les bons bonbons" in contenu
    assert "jean.dupont" in contenu  # le compte de connexion du titulaire
    assert "Lucas" in contenu
    assert "Factures" in contenu  # les liens vers le dossier de la famille


def test_famille_change_saves_through_the_admin(client_agent, dupont):
    url = reverse("admin:familles_famille_change", args=[dupont.pk])
    page = client_agent.get(url)
    donnees = _donnees_du_formulaire(page)
    donnees["quotient_familial"] = "850"

    response = client_agent.post(url, donnees)

    assert response.status_code == 302, response.context and response.context["errors"]
    dupont.refresh_from_db()
    assert dupont.quotient_familial == 850
    assert dupont.history.count() == 2  # l'historique garde la modification


def test_famille_history_is_visible(client_agent, dupont):
    response = client_agent.get(reverse("admin:familles_famille_history", args=[dupont.pk]))

    assert response.status_code == 200
    assert "1001001819331" in response.content.decode()


def test_a_view_only_agent_cannot_revert_a_family_from_its_history(client, dupont):
    lecteur = UtilisateurFactory(username="lecteur", is_staff=True)
    lecteur.user_permissions.add(Permission.objects.get(codename="view_famille"))
    client.force_login(lecteur)
    version = dupont.history.earliest()

    response = client.post(
        reverse("admin:familles_famille_simple_history", args=[dupont.pk, version.history_id]),
        {"numero": "9999999999999"},
    )

    assert response.status_code == 403
    dupont.refresh_from_db()
    assert dupont.numero == "1001001819331"


def test_responsable_changelist_and_change_page(client_agent, dupont):
    response = client_agent.get(reverse("admin:familles_responsable_changelist"))
    assert response.status_code == 200
    assert "JEANNE" in response.content.decode()

    jean = dupont.titulaire
    response = client_agent.get(reverse("admin:familles_responsable_change", args=[jean.pk]))
    assert response.status_code == 200
    assert "jean.dupont@wanadoo.fr" in response.content.decode()


def test_responsable_changelist_queries_are_bounded(client_agent, django_assert_max_num_queries):
    for _ in range(25):
        ResponsableFactory()

    with django_assert_max_num_queries(12):
        response = client_agent.get(reverse("admin:familles_responsable_changelist"))

    assert len(response.context["cl"].result_list) == 25


# --- Messages et documents ---------------------------------------------------------------------


def test_message_changelist_filters_unread_messages(client_agent, dupont):
    MessageFactory(famille=dupont, sujet="Non lu")
    MessageFactory(famille=dupont, sujet="Déjà lu", lu_le=timezone.now())

    response = client_agent.get(reverse("admin:familles_message_changelist"), {"lu": "non"})

    assert response.status_code == 200
    assert [m.sujet for m in response.context["cl"].result_list] == ["Non lu"]


def test_message_changelist_queries_are_bounded(
    client_agent, dupont, django_assert_max_num_queries
):
    for numero in range(25):
        MessageFactory(famille=ResponsableFactory().famille, sujet=f"Message {numero}")

    with django_assert_max_num_queries(12):
        response = client_agent.get(reverse("admin:familles_message_changelist"))

    assert len(response.context["cl"].result_list) == 25


def test_message_written_by_an_agent_records_its_author(client_agent, agent, dupont):
    response = client_agent.post(
        reverse("admin:familles_message_add"),
        {
            "famille": dupont.pk,
            "sens": Message.Sens.VERS_FAMILLE,
            "sujet": "Sortie au lac",
            "corps": "Prévoir un pique-nique.",
            "date_envoi_0": "26/11/2026",
            "date_envoi_1": "10:00",
        },
    )

    assert response.status_code == 302
    message = Message.objects.get(sujet="Sortie au lac")
    assert message.auteur == agent
    assert message.famille == dupont
    assert message.lu_le is None


def test_message_change_page_and_mark_read_action(client_agent, dupont):
    message = MessageFactory(famille=dupont)
    assert (
        client_agent.get(reverse("admin:familles_message_change", args=[message.pk])).status_code
        == 200
    )

    client_agent.post(
        reverse("admin:familles_message_changelist"),
        {"action": "marquer_lus", "_selected_action": [message.pk]},
    )

    message.refresh_from_db()
    assert message.est_lu


def test_document_changelist_publishes_in_place(client_agent):
    document = DocumentFactory(titre="Menus de la cantine", publie=False)

    response = client_agent.get(reverse("admin:familles_document_changelist"))
    assert response.status_code == 200
    assert "Menus de la cantine" in response.content.decode()

    response = client_agent.post(
        reverse("admin:familles_document_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": document.pk,
            "form-0-publie": "on",
            "form-0-ordre": "3",
            "_save": "Enregistrer",
        },
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.publie
    assert document.ordre == 3


def test_document_change_page(client_agent):
    document = DocumentFactory(titre="Horaires")

    response = client_agent.get(reverse("admin:familles_document_change", args=[document.pk]))

    assert response.status_code == 200
    assert "Horaires" in response.content.decode()
    assert Document.objects.count() == 1


def _donnees_du_formulaire(page):
    """Les données qu'enverrait le navigateur pour la page d'administration affichée."""
    donnees = {}
    formulaires = [page.context["adminform"].form]
    for formset in page.context["inline_admin_formsets"]:
        gestion = formset.formset.management_form
        for champ in gestion:
            donnees[champ.html_name] = champ.value()
        formulaires.extend(formset.formset.forms)
    for formulaire in formulaires:
        for champ in formulaire:
            valeur = champ.value()
            if valeur is None or valeur is False:
                continue
            if valeur is True:
                valeur = "on"
            donnees[champ.html_name] = valeur
    return donnees
