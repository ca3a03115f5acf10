"""« Écrire au service », « Répondre » et les pièces jointes d'un parent."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from familles.models import Message
from tests.factories import MessageFactory
from tests.outils import texte

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


@pytest.fixture(autouse=True)
def stockage_temporaire(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def fichier(nom, contenu, type_mime="application/pdf"):
    return SimpleUploadedFile(nom, contenu, content_type=type_mime)


def ecrire(client, **donnees):
    donnees = {"sujet": "Attestation CAF", "corps": "Voici mon attestation.", **donnees}
    return client.post(reverse("ecrire_au_service"), donnees, follow=True)


def test_le_parent_ecrit_au_service_et_retrouve_son_message(client_dupont, dupont):
    reponse = ecrire(client_dupont)

    message = Message.objects.get()
    assert message.famille == dupont
    assert message.sens == Message.Sens.VERS_SERVICE
    assert message.auteur == dupont.titulaire.utilisateur
    assert message.lu_le is None
    page = texte(reponse)
    assert "Votre message a été envoyé au service enfance." in page
    assert "Attestation CAF" in page
    assert "Voici mon attestation." in page


def test_ecrire_au_service_ne_compte_pas_comme_un_message_non_lu(client_dupont, dupont):
    page = texte(ecrire(client_dupont))

    assert "vous avez 0 nouveau(x) message(s)" in page


@pytest.mark.parametrize(
    ("donnees", "erreur"),
    [
        ({"sujet": "  "}, "Indiquez le sujet de votre message."),
        ({"corps": ""}, "Écrivez votre message."),
        ({"sujet": "x" * 201}, "Le sujet est trop long (200 caractères au plus)."),
    ],
)
def test_un_message_incomplet_est_refuse_sans_rien_enregistrer(
    client_dupont, dupont, donnees, erreur
):
    reponse = ecrire(client_dupont, **donnees)

    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Votre message n'a pas été envoyé" in page
    assert erreur in page
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("nom", "contenu", "enregistre_sous"),
    [
        ("Attestation CAF.pdf", PDF, "Attestation_CAF.pdf"),
        ("photo.png", PNG, "photo.png"),
        ("scan.jpeg", JPEG, "scan.jpg"),
        # Le type se lit dans le contenu : une image PNG nommée .pdf reste une image PNG.
        ("justificatif.pdf", PNG, "justificatif.png"),
    ],
)
def test_une_piece_jointe_pdf_png_ou_jpeg_est_acceptee_selon_son_contenu(
    client_dupont, dupont, nom, contenu, enregistre_sous
):
    ecrire(client_dupont, piece_jointe=fichier(nom, contenu))

    message = Message.objects.get()
    assert message.nom_piece_jointe == enregistre_sous
    with message.piece_jointe.open("rb") as enregistre:
        assert enregistre.read() == contenu


@pytest.mark.parametrize(
    ("nom", "contenu"),
    [
        ("attestation.pdf", b"Ceci n'est qu'un texte renomme en PDF."),
        ("programme.docx", b"PK\x03\x04" + b"\x00" * 40),
        ("image.gif", b"GIF89a" + b"\x00" * 20),
    ],
)
def test_un_fichier_d_un_autre_type_est_refuse_meme_renomme(client_dupont, dupont, nom, contenu):
    page = texte(ecrire(client_dupont, piece_jointe=fichier(nom, contenu)))

    assert "Ce fichier n'est ni un PDF, ni une image PNG ou JPEG" in page
    assert "choisissez-le de nouveau" in page
    assert not Message.objects.exists()


def test_un_fichier_de_plus_de_5_mo_est_refuse(client_dupont, dupont):
    trop_lourd = PDF + b"0" * (5 * 1024 * 1024)

    page = texte(ecrire(client_dupont, piece_jointe=fichier("gros.pdf", trop_lourd)))

    assert "Le fichier dépasse 5 Mo" in page
    assert not Message.objects.exists()


def test_un_fichier_vide_est_refuse(client_dupont, dupont):
    page = texte(ecrire(client_dupont, piece_jointe=fichier("vide.pdf", b"")))

    assert "Le fichier envoyé est vide." in page
    assert not Message.objects.exists()


def test_la_famille_telecharge_sa_piece_jointe(client_dupont, dupont):
    ecrire(client_dupont, piece_jointe=fichier("Attestation CAF.pdf", PDF))
    message = Message.objects.get()

    reponse = client_dupont.get(reverse("piece_jointe", args=[message.pk]))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == 'attachment; filename="Attestation_CAF.pdf"'
    assert b"".join(reponse.streaming_content) == PDF


def test_un_agent_telecharge_la_piece_jointe_d_une_famille(client, dupont, agent):
    message = MessageFactory(
        famille=dupont,
        sens=Message.Sens.VERS_SERVICE,
        piece_jointe=fichier("scan.png", PNG, "image/png"),
    )
    client.force_login(agent)

    reponse = client.get(reverse("piece_jointe", args=[message.pk]))

    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == PNG


def test_une_autre_famille_ne_telecharge_pas_la_piece_jointe(client_martin, dupont):
    message = MessageFactory(famille=dupont, piece_jointe=fichier("scan.pdf", PDF))

    assert client_martin.get(reverse("piece_jointe", args=[message.pk])).status_code == 404


def test_un_message_sans_piece_jointe_n_a_rien_a_telecharger(client_dupont, dupont):
    message = MessageFactory(famille=dupont)

    assert client_dupont.get(reverse("piece_jointe", args=[message.pk])).status_code == 404


def test_le_parent_repond_au_service_dans_la_conversation(client_dupont, dupont):
    question = MessageFactory(famille=dupont, sujet="Sortie au lac")
    reponse_du_service = MessageFactory(famille=dupont, en_reponse_a=question, sujet="Re : x")

    reponse = client_dupont.post(
        reverse("repondre", args=[reponse_du_service.pk]),
        {"corps": "Lucas viendra.", "piece_jointe": fichier("autorisation.pdf", PDF)},
        follow=True,
    )

    envoyee = Message.objects.get(corps="Lucas viendra.")
    assert envoyee.sens == Message.Sens.VERS_SERVICE
    assert envoyee.en_reponse_a == question
    assert envoyee.sujet == "Re : Sortie au lac"
    assert envoyee.auteur == dupont.titulaire.utilisateur
    assert envoyee.nom_piece_jointe == "autorisation.pdf"
    page = texte(reponse)
    assert "Votre réponse a été envoyée au service enfance." in page
    assert "Lucas viendra." in page


def test_une_reponse_vide_est_refusee(client_dupont, dupont):
    question = MessageFactory(famille=dupont)

    reponse = client_dupont.post(reverse("repondre", args=[question.pk]), {"corps": " "})

    assert reponse.status_code == 200
    assert "Écrivez votre réponse." in texte(reponse)
    assert Message.objects.count() == 1


def test_une_autre_famille_ne_repond_pas_dans_la_conversation(client_martin, dupont):
    question = MessageFactory(famille=dupont)

    reponse = client_martin.post(reverse("repondre", args=[question.pk]), {"corps": "Intrus."})

    assert reponse.status_code == 404
    assert Message.objects.count() == 1


def test_repondre_ne_se_fait_qu_en_envoyant_le_formulaire(client_dupont, dupont):
    question = MessageFactory(famille=dupont)

    assert client_dupont.get(reverse("repondre", args=[question.pk])).status_code == 405


def test_le_formulaire_d_ecriture_tient_en_douze_requetes(
    client_dupont, dupont, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("ecrire_au_service"))

    assert "Écrire au service enfance" in texte(reponse)
