"""Les fichiers déposés sont privés : servis à leur famille et aux agents par une vue qui
vérifie, jamais par une adresse publique."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.dossiers.fabriques import (
    PDF,
    PNG,
    SANITAIRE,
    PieceDossierFactory,
    donner_droits_dossiers,
    type_document,
)
from tests.factories import UtilisateurFactory


@pytest.fixture(autouse=True)
def stockage_temporaire(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def piece(dupont):
    return PieceDossierFactory(famille=dupont)


def url(piece):
    return reverse("fichier_piece", args=[piece.pk])


def test_the_family_opens_its_document_in_the_browser(client_dupont, piece):
    reponse = client_dupont.get(url(piece))

    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == PDF
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"].startswith("inline")
    assert reponse["Cache-Control"] == "private, no-store"
    assert reponse["X-Frame-Options"] == "SAMEORIGIN"


def test_an_image_is_served_as_the_image_it_is(client_dupont, dupont):
    from django.core.files.base import ContentFile

    image = PieceDossierFactory(famille=dupont, fichier=ContentFile(PNG, name="scan.png"))

    reponse = client_dupont.get(url(image))

    assert reponse["Content-Type"] == "image/png"


def test_another_family_gets_a_404(client_martin, piece):
    assert client_martin.get(url(piece)).status_code == 404


def test_an_anonymous_visitor_gets_a_404(client, piece):
    assert client.get(url(piece)).status_code == 404


def test_a_document_unknown_gets_a_404(client_dupont, piece):
    assert client_dupont.get(reverse("fichier_piece", args=[piece.pk + 1000])).status_code == 404


def test_staff_allowed_to_see_documents_open_them(client, agent, piece):
    client.force_login(donner_droits_dossiers(agent))

    assert client.get(url(piece)).status_code == 200


def test_staff_without_the_permission_get_a_404(client, piece):
    client.force_login(UtilisateurFactory(username="stagiaire", is_staff=True))

    assert client.get(url(piece)).status_code == 404


def test_a_health_document_is_only_for_staff_allowed_to_see_health_data(client, dupont, agent):
    fiche = PieceDossierFactory(
        famille=dupont, type_document=type_document(SANITAIRE), enfant=dupont.enfants.get()
    )
    donner_droits_dossiers(agent)
    agent.user_permissions.remove(Permission.objects.get(codename="voir_donnees_sanitaires"))
    client.force_login(agent)

    assert client.get(url(fiche)).status_code == 404


def test_the_file_is_not_served_from_the_media_url(client_dupont, piece, settings):
    assert client_dupont.get(settings.MEDIA_URL + piece.fichier.name).status_code == 404


def test_a_file_missing_from_the_storage_gets_a_404_not_an_error(client_dupont, piece):
    piece.fichier.storage.delete(piece.fichier.name)

    assert client_dupont.get(url(piece)).status_code == 404
