"""La file d'envoi dans l'administration (Courriels › Courriels), vue par un agent du groupe
« Agents du service enfance » : l'état de chaque courriel et l'erreur du serveur SMTP, en
français ; le texte des courriels réservé aux superutilisateurs ; « Réessayer maintenant »."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from post_office.models import STATUS, Email

from portail.groupes import AGENTS, creer_groupes
from tests.courriels.smtp import port_libre, regler_smtp
from tests.factories import UtilisateurFactory
from tests.outils import texte

LISTE = reverse("admin:post_office_email_changelist")


@pytest.fixture
def client_groupe(client, db):
    creer_groupes()
    agent = UtilisateurFactory(username="agent.groupe", is_staff=True)
    agent.groups.add(Group.objects.get(name=AGENTS))
    client.force_login(agent)
    return client


@pytest.fixture
def smtp_en_panne(settings, file_courriels):
    """Le courriel « Mot de passe oublié ? » de Jean Dupont, refusé une fois par le serveur."""
    regler_smtp(settings, port_libre())

    def echouer():
        file_courriels()
        return Email.objects.get()

    return echouer


def demander_un_nouveau_mot_de_passe():
    """Jean Dupont, depuis son navigateur, demande un nouveau mot de passe : un courriel."""
    Client().post(reverse("mot_de_passe_oublie"), {"email": "jean.dupont@wanadoo.fr"})


def test_la_liste_dit_en_francais_a_qui_quoi_et_ce_qui_s_est_passe(
    dupont, smtp_en_panne, client_groupe
):
    demander_un_nouveau_mot_de_passe()
    smtp_en_panne()

    reponse = client_groupe.get(LISTE)

    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Courriels" in page
    assert "jean.dupont@wanadoo.fr" in page
    assert "Portail Familles : choisir un nouveau mot de passe" in page
    assert "à réessayer" in page
    assert "Connection refused" in page
    assert "dernière erreur" in page.lower()


def test_un_courriel_montre_ses_essais_mais_pas_son_texte_a_un_agent(
    dupont, smtp_en_panne, client_groupe
):
    demander_un_nouveau_mot_de_passe()
    courriel = smtp_en_panne()

    reponse = client_groupe.get(reverse("admin:post_office_email_change", args=[courriel.pk]))

    assert reponse.status_code == 200
    page = texte(reponse)
    assert "ConnectionRefusedError" in page
    assert "à réessayer" in page
    assert "/mot-de-passe/reinitialiser/" not in page
    assert "Enregistrer" not in page  # rien ne s'y modifie
    apercu = client_groupe.get(reverse("admin:post_office_email_preview", args=[courriel.pk]))
    assert apercu.status_code == 403
    renvoi = client_groupe.get(reverse("admin:resend", args=[courriel.pk]))
    assert renvoi.status_code == 403
    assert Email.objects.get().status == STATUS.requeued


def test_un_superutilisateur_lit_le_texte_du_courriel(client, dupont, file_courriels):
    demander_un_nouveau_mot_de_passe()
    courriel = Email.objects.get()
    client.force_login(UtilisateurFactory(username="admin", is_staff=True, is_superuser=True))

    reponse = client.get(reverse("admin:post_office_email_change", args=[courriel.pk]))

    assert "/mot-de-passe/reinitialiser/" in texte(reponse)


def test_reessayer_remet_en_file_les_courriels_en_echec_et_pas_ceux_envoyes(
    dupont, settings, smtp_en_panne, client_groupe, file_courriels
):
    demander_un_nouveau_mot_de_passe()
    en_panne = smtp_en_panne()
    Email.objects.filter(pk=en_panne.pk).update(status=STATUS.failed, number_of_retries=12)
    envoye = Email.objects.create(
        from_email="adminenfance@valvanoise.fr",
        to=["autre@exemple.fr"],
        subject="Déjà parti",
        status=STATUS.sent,
    )

    reponse = client_groupe.post(
        LISTE,
        {"action": "reessayer", "_selected_action": [en_panne.pk, envoye.pk]},
        follow=True,
    )

    assert "1 courriel(s) remis en file" in texte(reponse)
    en_panne.refresh_from_db()
    assert (en_panne.status, en_panne.number_of_retries, en_panne.scheduled_time) == (
        STATUS.queued,
        0,
        None,
    )
    envoye.refresh_from_db()
    assert envoye.status == STATUS.sent
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }
    assert file_courriels().envoyes == 1
    assert [m.to for m in mail.outbox] == [["jean.dupont@wanadoo.fr"]]


def test_un_parent_et_un_anonyme_ne_voient_pas_la_file(client, client_dupont, file_courriels):
    assert client_dupont.get(LISTE).status_code == 302
    client.logout()
    reponse = client.get(LISTE)
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("admin:login"))
