"""La « Boîte de réception » : les conversations de la famille, lues et non lues, et le
nombre de messages non lus du bandeau."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from familles.models import Message
from tests.factories import MessageFactory
from tests.outils import texte


@pytest.fixture(autouse=True)
def stockage_temporaire(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def bandeau(page):
    return page[page.index("Bienvenue") : page.index("message(s)") + len("message(s)")]


def test_les_conversations_sont_listees_de_la_plus_recente_a_la_plus_ancienne(
    client_dupont, dupont
):
    maintenant = timezone.now()
    MessageFactory(
        famille=dupont,
        sujet="Fermeture du 11 novembre",
        date_envoi=maintenant - datetime.timedelta(days=20),
        lu_le=maintenant - datetime.timedelta(days=19),
    )
    MessageFactory(famille=dupont, sujet="Inscriptions aux vacances d'hiver", corps="Ouvertes.")

    page = texte(client_dupont.get(reverse("boite")))

    assert page.index("Inscriptions aux vacances d'hiver") < page.index("Fermeture du 11 novembre")
    assert "Inscriptions aux vacances d'hiver Le service enfance ● Non lu" in page
    assert "Fermeture du 11 novembre Le service enfance Lu" in page


def test_une_conversation_remonte_quand_on_y_repond(client_dupont, dupont):
    maintenant = timezone.now()
    ancienne = MessageFactory(
        famille=dupont,
        sujet="Question sur AL-36",
        sens=Message.Sens.VERS_SERVICE,
        date_envoi=maintenant - datetime.timedelta(days=10),
    )
    MessageFactory(
        famille=dupont, sujet="Sortie au lac", date_envoi=maintenant - datetime.timedelta(days=5)
    )
    MessageFactory(
        famille=dupont,
        en_reponse_a=ancienne,
        sujet="Re : Question sur AL-36",
        corps="Réglée.",
        date_envoi=maintenant - datetime.timedelta(days=1),
    )

    page = texte(client_dupont.get(reverse("boite")))

    assert page.index("Question sur AL-36") < page.index("Sortie au lac")
    assert "Question sur AL-36 (2 messages) Vous ● Non lu" in page
    assert "Re : Question" not in page


def test_un_message_envoye_dit_si_le_service_l_a_lu(client_dupont, dupont):
    MessageFactory(famille=dupont, sujet="Attestation CAF", sens=Message.Sens.VERS_SERVICE)
    MessageFactory(
        famille=dupont,
        sujet="Changement d'adresse",
        sens=Message.Sens.VERS_SERVICE,
        lu_le=timezone.make_aware(datetime.datetime(2026, 11, 9, 10)),
    )

    page = texte(client_dupont.get(reverse("boite")))

    assert "Attestation CAF Vous Envoyé, pas encore lu par le service" in page
    assert "Changement d'adresse Vous Lu par le service le 09/11/2026" in page


def test_la_boite_ne_montre_pas_les_messages_des_autres_familles(client_dupont, dupont, martin):
    MessageFactory(famille=martin, sujet="Message pour les Martin")

    page = texte(client_dupont.get(reverse("boite")))

    assert "Message pour les Martin" not in page
    assert "Vous n'avez aucun message." in page


def test_ouvrir_un_message_le_marque_lu_et_le_bandeau_se_met_a_jour(client_dupont, dupont):
    message = MessageFactory(famille=dupont, sujet="Sortie au lac", corps="Prévoir un pique-nique.")
    MessageFactory(famille=dupont, sujet="Autre message")
    assert "vous avez 2 nouveau(x) message(s)" in bandeau(texte(client_dupont.get("/")))

    page = texte(client_dupont.get(reverse("message", args=[message.pk])))

    assert "Prévoir un pique-nique." in page
    assert "vous avez 1 nouveau(x) message(s)" in bandeau(page)
    message.refresh_from_db()
    assert message.lu_le is not None


def test_ouvrir_une_conversation_marque_lues_les_reponses_du_service_et_pas_les_siennes(
    client_dupont, dupont
):
    question = MessageFactory(famille=dupont, sens=Message.Sens.VERS_SERVICE, sujet="Question")
    reponse = MessageFactory(famille=dupont, en_reponse_a=question, sujet="Re : Question")

    client_dupont.get(reverse("message", args=[question.pk]))

    reponse.refresh_from_db()
    question.refresh_from_db()
    assert reponse.est_lu
    assert not question.est_lu  # lu par le service seulement quand un agent l'ouvre


def test_une_conversation_montre_ses_messages_dans_l_ordre(client_dupont, dupont, agent):
    maintenant = timezone.now()
    question = MessageFactory(
        famille=dupont,
        sens=Message.Sens.VERS_SERVICE,
        sujet="Question sur AL-36",
        corps="Premier.",
        auteur=dupont.titulaire.utilisateur,
        date_envoi=maintenant - datetime.timedelta(days=3),
    )
    MessageFactory(
        famille=dupont,
        en_reponse_a=question,
        sujet="Re : Question sur AL-36",
        corps="Deuxième.",
        auteur=agent,
        date_envoi=maintenant - datetime.timedelta(days=2),
    )
    MessageFactory(
        famille=dupont,
        en_reponse_a=question,
        sens=Message.Sens.VERS_SERVICE,
        corps="Troisième.",
        sujet="Re : Question sur AL-36",
        date_envoi=maintenant - datetime.timedelta(days=1),
    )

    page = texte(client_dupont.get(reverse("message", args=[question.pk])))

    assert page.index("Premier.") < page.index("Deuxième.") < page.index("Troisième.")
    assert "Vous le " in page
    assert "Le service enfance le " in page


def test_ouvrir_une_reponse_montre_toute_la_conversation(client_dupont, dupont):
    question = MessageFactory(famille=dupont, sens=Message.Sens.VERS_SERVICE, corps="Premier.")
    reponse = MessageFactory(famille=dupont, en_reponse_a=question, corps="Deuxième.")

    page = texte(client_dupont.get(reverse("message", args=[reponse.pk])))

    assert "Premier." in page
    assert "Deuxième." in page


def test_le_message_d_une_autre_famille_n_existe_pas(client_martin, dupont):
    message = MessageFactory(famille=dupont)

    assert client_martin.get(reverse("message", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.lu_le is None


def test_la_boite_de_reception_demande_une_connexion(client, dupont):
    message = MessageFactory(famille=dupont)
    for adresse in (
        reverse("boite"),
        reverse("message", args=[message.pk]),
        reverse("ecrire_au_service"),
        reverse("piece_jointe", args=[message.pk]),
    ):
        reponse = client.get(adresse)
        assert reponse.status_code == 302
        assert reponse.url.startswith(reverse("connexion"))


def test_la_boite_tient_en_douze_requetes(client_dupont, dupont, django_assert_max_num_queries):
    for numero in range(15):
        question = MessageFactory(famille=dupont, sujet=f"Sujet {numero}")
        MessageFactory(famille=dupont, en_reponse_a=question, sens=Message.Sens.VERS_SERVICE)

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("boite"))

    assert texte(reponse).count("Non lu") == 15


def test_la_boite_se_lit_par_pages_de_vingt(client_dupont, dupont):
    for numero in range(25):
        MessageFactory(famille=dupont, sujet=f"Sujet numéro {numero:02d}")

    premiere = texte(client_dupont.get(reverse("boite")))
    seconde = texte(client_dupont.get(reverse("boite"), {"page": 2}))

    assert "Sujet numéro 24" in premiere
    assert "Sujet numéro 04" not in premiere
    assert "Page 1 sur 2" in premiere
    assert "Sujet numéro 04" in seconde


def test_une_conversation_tient_en_douze_requetes(
    client_dupont, dupont, agent, django_assert_max_num_queries
):
    question = MessageFactory(famille=dupont, sens=Message.Sens.VERS_SERVICE)
    for _ in range(10):
        MessageFactory(famille=dupont, en_reponse_a=question, auteur=agent)

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("message", args=[question.pk]))

    assert reponse.status_code == 200
