"""« Infos./Documents » : ce que le service publie, et ses formulaires à télécharger."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from familles.models import Document
from tests.factories import DocumentFactory
from tests.outils import texte

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def stockage_temporaire(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def formulaire(titre, publie=True, nom="fiche-inscription.pdf"):
    document = DocumentFactory.build(
        genre=Document.Genre.FORMULAIRE, titre=titre, texte="", publie=publie
    )
    document.fichier.save(nom, ContentFile(PDF), save=False)
    document.save()
    return document


def test_l_accueil_mene_aux_infos_et_documents(client_dupont):
    reponse = client_dupont.get(reverse("accueil"))

    assert f'href="{reverse("infos")}"' in reponse.content.decode()
    assert "Infos./Documents" in texte(reponse)


def test_les_informations_publiees_sont_montrees_avec_leurs_lignes_et_leur_lien(client_dupont):
    DocumentFactory(
        titre="Programme de l'Accueil de Loisirs",
        texte="Mercredi : piscine.\nVacances : sortie au lac.",
        lien="https://www.valvanoise.fr/programme",
        ordre=2,
    )
    DocumentFactory(titre="Nous contacter", texte="Par téléphone.", ordre=1)

    reponse = client_dupont.get(reverse("infos"))

    contenu = reponse.content.decode()
    assert "Mercredi : piscine.<br>Vacances : sortie au lac." in contenu
    assert 'href="https://www.valvanoise.fr/programme"' in contenu
    page = texte(reponse)
    assert page.index("Nous contacter") < page.index("Programme de l'Accueil de Loisirs")
    assert "Aucun formulaire à télécharger pour le moment." in page


def test_les_documents_caches_ne_sont_jamais_montres(client_dupont):
    DocumentFactory(titre="Brouillon de la rentrée", publie=False)
    cache = formulaire("Fiche sanitaire (brouillon)", publie=False)

    reponse = client_dupont.get(reverse("infos"))

    assert "Brouillon de la rentrée" not in texte(reponse)
    assert "Fiche sanitaire (brouillon)" not in texte(reponse)
    assert client_dupont.get(reverse("formulaire", args=[cache.pk])).status_code == 404


def test_sans_rien_de_publie_la_page_le_dit(client_dupont):
    page = texte(client_dupont.get(reverse("infos")))

    assert "Le service enfance n'a encore rien publié ici" in page


def test_les_formulaires_se_telechargent_sous_leur_nom(client_dupont):
    document = formulaire("Fiche d'inscription (à imprimer)")

    page = texte(client_dupont.get(reverse("infos")))
    assert "Formulaires Fiche d'inscription (à imprimer) PDF" in page

    reponse = client_dupont.get(reverse("formulaire", args=[document.pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == 'attachment; filename="fiche-inscription.pdf"'
    assert b"".join(reponse.streaming_content) == PDF


def test_une_information_sans_fichier_n_a_rien_a_telecharger(client_dupont):
    information = DocumentFactory(titre="Nous contacter")

    assert client_dupont.get(reverse("formulaire", args=[information.pk])).status_code == 404


def test_un_fichier_disparu_du_stockage_donne_une_page_introuvable(client_dupont):
    document = formulaire("Fiche d'inscription")
    document.fichier.storage.delete(document.fichier.name)

    assert client_dupont.get(reverse("formulaire", args=[document.pk])).status_code == 404


def test_un_agent_peut_ouvrir_un_formulaire_pas_encore_publie(client_agent):
    document = formulaire("Fiche sanitaire", publie=False)

    assert client_agent.get(reverse("formulaire", args=[document.pk])).status_code == 200


def test_les_infos_demandent_une_connexion(client, db):
    document = formulaire("Fiche d'inscription")
    for adresse in (reverse("infos"), reverse("formulaire", args=[document.pk])):
        reponse = client.get(adresse)
        assert reponse.status_code == 302
        assert reponse.url.startswith(reverse("connexion"))


def test_les_infos_tiennent_en_douze_requetes(client_dupont, django_assert_max_num_queries):
    for numero in range(10):
        DocumentFactory(titre=f"Information {numero}")
        formulaire(f"Formulaire {numero}", nom=f"formulaire-{numero}.pdf")

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("infos"))

    assert texte(reponse).count("Formulaire ") == 10
