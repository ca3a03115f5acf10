"""Les messages dans l'administration : lire ceux des familles, leur répondre, écrire à une
famille ou à toutes celles d'une structure ou d'une prestation."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from familles.models import Message
from tests.factories import (
    DocumentFactory,
    EnfantFactory,
    InscriptionFactory,
    MessageFactory,
    PrestationFactory,
    ResponsableFactory,
    StructureFactory,
    UtilisateurFactory,
)
from tests.outils import texte
from travaux.models import Travail

PDF = b"%PDF-1.4\n%%EOF\n"
ECRIRE = "admin:familles_message_ecrire"


@pytest.fixture(autouse=True)
def stockage_temporaire(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def envoyer(django_capture_on_commit_callbacks):
    """Envoie le formulaire et exécute ce qui attend la fin de la transaction (courriels)."""

    def envoyer(client, adresse, donnees):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(adresse, donnees, follow=True)

    return envoyer


# --- Lire et répondre ------------------------------------------------------------------------


def test_les_messages_des_familles_non_lus_viennent_en_tete(client_agent, dupont, martin):
    maintenant = timezone.now()
    MessageFactory(famille=dupont, sujet="Envoyé par le service", date_envoi=maintenant)
    MessageFactory(
        famille=martin,
        sens=Message.Sens.VERS_SERVICE,
        sujet="Question déjà lue",
        lu_le=maintenant,
        date_envoi=maintenant - datetime.timedelta(hours=1),
    )
    MessageFactory(
        famille=dupont,
        sens=Message.Sens.VERS_SERVICE,
        sujet="Question à traiter",
        date_envoi=maintenant - datetime.timedelta(days=3),
    )

    reponse = client_agent.get(reverse("admin:familles_message_changelist"))

    assert [m.sujet for m in reponse.context["cl"].result_list] == [
        "Question à traiter",
        "Envoyé par le service",
        "Question déjà lue",
    ]


def test_le_filtre_a_traiter_ne_garde_que_les_messages_des_familles_non_lus(client_agent, dupont):
    MessageFactory(famille=dupont, sujet="Du service, non lu")
    MessageFactory(famille=dupont, sens=Message.Sens.VERS_SERVICE, sujet="Question")

    reponse = client_agent.get(reverse("admin:familles_message_changelist"), {"a_traiter": "oui"})

    assert [m.sujet for m in reponse.context["cl"].result_list] == ["Question"]


def test_les_messages_d_une_famille_se_filtrent_depuis_sa_fiche(client_agent, dupont, martin):
    MessageFactory(famille=dupont, sujet="Pour les Dupont")
    MessageFactory(famille=martin, sujet="Pour les Martin")

    reponse = client_agent.get(
        reverse("admin:familles_message_changelist"), {"famille__id__exact": dupont.pk}
    )

    assert [m.sujet for m in reponse.context["cl"].result_list] == ["Pour les Dupont"]


def test_ouvrir_le_message_d_une_famille_le_marque_lu_pour_le_service(client_agent, dupont):
    question = MessageFactory(
        famille=dupont, sens=Message.Sens.VERS_SERVICE, sujet="Question", corps="Le texte."
    )
    du_service = MessageFactory(famille=dupont, sujet="Du service")

    reponse = client_agent.get(reverse("admin:familles_message_change", args=[question.pk]))
    client_agent.get(reverse("admin:familles_message_change", args=[du_service.pk]))

    assert "Le texte." in texte(reponse)
    assert "Répondre à la famille" in texte(reponse)
    question.refresh_from_db()
    du_service.refresh_from_db()
    assert question.est_lu
    assert not du_service.est_lu  # lu seulement quand la famille l'ouvre


def test_la_piece_jointe_se_telecharge_par_la_vue_controlee_et_non_par_media(client_agent, dupont):
    question = MessageFactory(
        famille=dupont,
        sens=Message.Sens.VERS_SERVICE,
        piece_jointe=SimpleUploadedFile("attestation.pdf", PDF),
    )

    contenu = client_agent.get(
        reverse("admin:familles_message_change", args=[question.pk])
    ).content.decode()

    assert reverse("piece_jointe", args=[question.pk]) in contenu
    assert "/media/" not in contenu


def test_l_agent_repond_a_la_famille_qui_recoit_le_message_et_le_courriel(
    client_agent, agent, dupont, envoyer
):
    question = MessageFactory(famille=dupont, sens=Message.Sens.VERS_SERVICE, sujet="Question")
    adresse = reverse("admin:familles_message_repondre", args=[question.pk])
    assert "Question" in texte(client_agent.get(adresse))

    reponse = envoyer(
        client_agent,
        adresse,
        {"corps": "Voici la réponse.", "piece_jointe": SimpleUploadedFile("programme.pdf", PDF)},
    )

    envoyee = Message.objects.get(corps="Voici la réponse.")
    assert envoyee.sens == Message.Sens.VERS_FAMILLE
    assert envoyee.en_reponse_a == question
    assert envoyee.auteur == agent
    assert envoyee.nom_piece_jointe == "programme.pdf"
    assert "Réponse envoyée à la famille" in texte(reponse)
    assert [courriel.to for courriel in mail.outbox] == [["jean.dupont@wanadoo.fr"]]


def test_une_reponse_vide_n_envoie_rien(client_agent, dupont, envoyer):
    question = MessageFactory(famille=dupont, sens=Message.Sens.VERS_SERVICE)

    reponse = envoyer(
        client_agent, reverse("admin:familles_message_repondre", args=[question.pk]), {}
    )

    assert "Écrivez la réponse." in texte(reponse)
    assert Message.objects.count() == 1
    assert mail.outbox == []


def test_ajouter_un_message_l_envoie_par_le_service_avec_le_courriel(
    client_agent, agent, dupont, envoyer
):
    envoyer(
        client_agent,
        reverse("admin:familles_message_add"),
        {"famille": dupont.pk, "sujet": "Sortie au lac", "corps": "Prévoir un pique-nique."},
    )

    message = Message.objects.get()
    assert message.sens == Message.Sens.VERS_FAMILLE
    assert message.auteur == agent
    assert [courriel.to for courriel in mail.outbox] == [["jean.dupont@wanadoo.fr"]]


def test_un_agent_qui_ne_fait_que_consulter_ne_peut_ni_ecrire_ni_repondre(client, dupont):
    lecteur = UtilisateurFactory(username="lecteur", is_staff=True)
    lecteur.user_permissions.set(Permission.objects.filter(codename="view_message"))
    client.force_login(lecteur)
    question = MessageFactory(famille=dupont, sens=Message.Sens.VERS_SERVICE)

    assert client.get(reverse(ECRIRE)).status_code == 403
    reponse = client.post(
        reverse("admin:familles_message_repondre", args=[question.pk]), {"corps": "Non."}
    )
    assert reponse.status_code == 403
    assert Message.objects.count() == 1


# --- Écrire aux familles ---------------------------------------------------------------------


@pytest.fixture
def mercredi(db):
    return PrestationFactory(
        structure=StructureFactory(nom="Accueil de Loisirs"), nom="ALSH Mercredi après-midi"
    )


@pytest.fixture
def inscrits(dupont, martin, mercredi):
    """Dupont : deux enfants au mercredi ; Martin : inscription finie ; une troisième famille
    inscrite à la garderie seulement."""
    InscriptionFactory(enfant=dupont.enfants.get(), prestation=mercredi)
    InscriptionFactory(enfant=EnfantFactory(famille=dupont, prenom="Léa"), prestation=mercredi)
    InscriptionFactory(
        enfant=martin.enfants.get(),
        prestation=mercredi,
        date_debut=datetime.date(2020, 9, 1),
        date_fin=datetime.date(2021, 7, 3),
    )
    garderie = PrestationFactory(structure=StructureFactory(nom="Garderie"), nom="Garderie")
    autre = ResponsableFactory(nom="BERNARD", prenom="PAUL").famille
    InscriptionFactory(enfant=EnfantFactory(famille=autre), prestation=garderie)
    return autre


def test_la_liste_des_messages_mene_a_ecrire_aux_familles(client_agent):
    reponse = client_agent.get(reverse("admin:familles_message_changelist"))

    assert reverse(ECRIRE) in reponse.content.decode()
    assert "Écrire aux familles" in texte(reponse)


def test_ecrire_aux_familles_d_une_prestation_verifie_puis_envoie_un_message_par_famille(
    client_agent, agent, dupont, mercredi, inscrits, envoyer
):
    donnees = {
        "destinataires": "prestation",
        "prestation": mercredi.pk,
        "sujet": "Sortie au lac",
        "corps": "Mercredi prochain, prévoir un pique-nique.",
    }

    verification = client_agent.post(reverse(ECRIRE), {**donnees, "verifier": "1"})
    assert "Ce message partira à 1 famille" in texte(verification)
    assert "DUPONT JEAN" in texte(verification)
    assert not Message.objects.exists()

    reponse = envoyer(client_agent, reverse(ECRIRE), {**donnees, "envoyer": "1"})

    assert "Message envoyé à 1 famille." in texte(reponse)
    message = Message.objects.get()
    assert message.famille == dupont
    assert message.auteur == agent
    assert message.sujet == "Sortie au lac"
    assert [courriel.to for courriel in mail.outbox] == [["jean.dupont@wanadoo.fr"]]


def test_un_double_clic_sur_envoyer_n_ecrit_qu_une_fois(
    client_agent, dupont, mercredi, inscrits, envoyer
):
    donnees = {
        "destinataires": "prestation",
        "prestation": mercredi.pk,
        "sujet": "Sortie au lac",
        "corps": "Prévoir un pique-nique.",
        "envoyer": "1",
    }

    envoyer(client_agent, reverse(ECRIRE), donnees)
    seconde = envoyer(client_agent, reverse(ECRIRE), donnees)

    assert "déjà reçu ce message" in texte(seconde)
    assert Message.objects.filter(famille=dupont).count() == 1
    assert len(mail.outbox) == 1


def test_ecrire_aux_familles_d_une_structure(client_agent, dupont, inscrits, envoyer):
    garderie = inscrits.enfants.get().inscriptions.get().prestation.structure
    donnees = {"destinataires": "structure", "structure": garderie.pk, "sujet": "S", "corps": "C"}

    reponse = envoyer(client_agent, reverse(ECRIRE), {**donnees, "envoyer": "1"})

    assert "Message envoyé à 1 famille." in texte(reponse)
    assert list(Message.objects.values_list("famille", flat=True)) == [inscrits.pk]


def test_ecrire_a_plusieurs_familles_les_compte(client_agent, dupont, mercredi, envoyer):
    for _ in range(11):
        famille = ResponsableFactory().famille
        InscriptionFactory(enfant=EnfantFactory(famille=famille), prestation=mercredi)
    InscriptionFactory(enfant=dupont.enfants.get(), prestation=mercredi)
    donnees = {"destinataires": "prestation", "prestation": mercredi.pk, "sujet": "S"}

    reponse = envoyer(client_agent, reverse(ECRIRE), {**donnees, "corps": "C", "envoyer": "1"})

    assert "Message envoyé à 12 familles." in texte(reponse)
    assert Message.objects.count() == 12


def test_ecrire_a_une_famille(client_agent, martin, envoyer):
    donnees = {"destinataires": "famille", "famille": martin.pk, "sujet": "S", "corps": "C"}

    reponse = envoyer(client_agent, reverse(ECRIRE), {**donnees, "envoyer": "1"})

    assert "Message envoyé à 1 famille." in texte(reponse)
    assert Message.objects.get().famille == martin


def test_modifier_revient_au_formulaire_sans_rien_envoyer(client_agent, martin):
    donnees = {"destinataires": "famille", "famille": martin.pk, "sujet": "S", "corps": "C"}

    reponse = client_agent.post(reverse(ECRIRE), {**donnees, "modifier": "1"})

    assert "Vérifier les destinataires" in texte(reponse)
    assert not Message.objects.exists()


def test_sans_famille_inscrite_rien_n_est_envoye(client_agent, mercredi, envoyer):
    donnees = {"destinataires": "prestation", "prestation": mercredi.pk, "sujet": "S"}

    reponse = envoyer(client_agent, reverse(ECRIRE), {**donnees, "corps": "C", "envoyer": "1"})

    assert "Aucune famille n'a d'enfant inscrit à « Accueil de Loisirs ALSH Mercredi" in texte(
        reponse
    )
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("donnees", "erreur"),
    [
        ({"destinataires": "prestation"}, "Choisissez la prestation."),
        ({"destinataires": "structure"}, "Choisissez la structure."),
        ({"destinataires": "famille"}, "Choisissez la famille."),
        ({"destinataires": "famille", "sujet": ""}, "Indiquez le sujet du message."),
    ],
)
def test_un_formulaire_incomplet_n_envoie_rien(client_agent, donnees, erreur):
    reponse = client_agent.post(
        reverse(ECRIRE), {"sujet": "S", "corps": "C", **donnees, "envoyer": "1"}
    )

    assert erreur in texte(reponse)
    assert not Message.objects.exists()


def test_la_page_ecrire_aux_familles_tient_en_douze_requetes(
    client_agent, mercredi, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        reponse = client_agent.get(reverse(ECRIRE))

    assert "ALSH Mercredi après-midi" in texte(reponse)


def test_le_fichier_d_un_document_se_telecharge_par_la_vue_controlee(client_agent):
    document = DocumentFactory(titre="Programme des vacances")
    document.fichier.save("programme.pdf", ContentFile(PDF))

    contenu = client_agent.get(
        reverse("admin:familles_document_change", args=[document.pk])
    ).content.decode()

    assert f'href="{reverse("formulaire", args=[document.pk])}"' in contenu
    assert "/media/" not in contenu


def test_une_famille_se_preremplit_par_l_adresse(client_agent, martin):
    reponse = client_agent.get(reverse(ECRIRE), {"famille": martin.pk})
    assert "MARTIN MARIE (1001001820442)" in texte(reponse)

    assert client_agent.get(reverse(ECRIRE), {"famille": "abc"}).status_code == 200


# --- Beaucoup de familles : l'envoi en travail de fond ----------------------------------------


def test_ecrire_a_plus_de_vingt_familles_part_en_travail_de_fond(
    client_agent, agent, mercredi, taches_immediates, django_capture_on_commit_callbacks
):
    familles = [ResponsableFactory().famille for _ in range(23)]
    for famille in familles:
        InscriptionFactory(enfant=EnfantFactory(famille=famille), prestation=mercredi)
    donnees = {"destinataires": "prestation", "prestation": mercredi.pk, "sujet": "Sortie"}

    # La requête ne fait que lancer le travail (il entre dans la file à la validation).
    reponse = client_agent.post(reverse(ECRIRE), {**donnees, "corps": "C", "envoyer": "1"})
    travail = Travail.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("admin:travaux_travail_change", args=[travail.pk])
    assert (travail.genre, travail.total, travail.unite) == ("messages", 23, "familles")
    assert travail.titre == "Message « Sortie » à 23 familles"
    assert not Message.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client_agent.post(reverse(ECRIRE), {**donnees, "corps": "D", "envoyer": "1"})
    fait = Travail.objects.get(parametres__corps="D")
    assert (fait.etat, fait.fait, fait.total) == ("termine", 23, 23)
    assert fait.rapport == {"Messages envoyés": "23", "Familles": "23"}
    assert Message.objects.filter(corps="D").count() == 23
    assert {m.auteur for m in Message.objects.filter(corps="D")} == {agent}
    page = client_agent.get(reverse("admin:travaux_travail_change", args=[fait.pk]))
    assert "23 / 23 familles" in texte(page)
    assert "Messages envoyés" in texte(page)


def test_un_envoi_repris_n_ecrit_pas_deux_fois_a_une_famille(
    agent, mercredi, taches_immediates, django_capture_on_commit_callbacks
):
    from familles import taches
    from travaux.services import commencer

    familles = [ResponsableFactory().famille for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=False):
        travail = taches.lancer_ecriture(familles=familles, par=agent, sujet="S", corps="C")
    # Une première exécution écrit à la première famille, puis le worker s'arrête net.
    travail = commencer(travail_id=travail.pk)
    taches.services.ecrire_aux_familles(
        familles=familles[:1], par=agent, sujet="S", corps="C", deja_depuis=travail.lance_le
    )
    Travail.objects.filter(pk=travail.pk).update(etat="en_attente")

    taches.ecrire_en_tache.call(travail.pk)

    assert Message.objects.count() == 3
    assert Travail.objects.get(pk=travail.pk).rapport["Messages envoyés"] == "2"
