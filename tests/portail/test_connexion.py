"""La page « Compte famille » : connexion, erreur générique, verrouillage, déconnexion."""

import re

import pytest
from django.urls import reverse

from tests.factories import MOT_DE_PASSE, UtilisateurFactory
from tests.outils import texte


def se_connecter(client, identifiant, mot_de_passe):
    return client.post(
        reverse("connexion"), {"username": identifiant, "password": mot_de_passe}, follow=True
    )


def test_la_page_de_connexion_invite_a_s_identifier_et_donne_le_contact(client, db):
    reponse = client.get(reverse("connexion"))

    page = texte(reponse)
    assert "Compte famille" in page
    assert "Afin d'accéder à notre service, veuillez vous identifier." in page
    source = reponse.content.decode()
    assert re.search(r'<label\s+for="id_username"[^>]*>\s*Identifiant', source)
    assert re.search(r'<label\s+for="id_password"[^>]*>\s*Mot de passe', source)
    assert "Mot de passe oublié ?" in page
    assert "Se connecter" in page
    assert "Eloïse Dupé" in page
    assert "04 79 55 02 59" in page
    assert "adminenfance@valvanoise.fr" in page
    assert "du lundi au jeudi de 8h30 à 12h30" in page


def test_un_parent_se_connecte_et_arrive_sur_l_accueil(client, dupont):
    reponse = se_connecter(client, "jean.dupont", MOT_DE_PASSE)

    assert reponse.redirect_chain[-1][0] == reverse("accueil")
    assert "Bienvenue sur le Portail Famille" in texte(reponse)


def test_un_mauvais_mot_de_passe_donne_le_message_generique(client, dupont):
    reponse = se_connecter(client, "jean.dupont", "Mauvais2026")

    assert "Identifiant ou mot de passe incorrect." in texte(reponse)
    assert "_auth_user_id" not in client.session
    # Le titre de la page l'annonce aussi, lu en premier par un lecteur d'écran.
    assert "<title>Erreur : Connexion" in reponse.content.decode()


def test_la_page_de_connexion_sans_erreur_n_annonce_pas_d_erreur(client, db):
    assert "<title>Connexion" in client.get("/connexion/").content.decode()


def test_un_identifiant_inconnu_donne_exactement_la_meme_page_qu_un_mauvais_mot_de_passe(
    client, dupont
):
    inconnu = se_connecter(client, "personne.inconnue", "Mauvais2026")
    mauvais = se_connecter(client, "jean.dupont", "Mauvais2026")

    assert inconnu.status_code == mauvais.status_code == 200
    # Seul l'identifiant ressaisi dans le champ diffère : rien ne révèle qu'un compte existe.
    assert texte(inconnu).replace("personne.inconnue", "") == texte(mauvais).replace(
        "jean.dupont", ""
    )
    assert "Identifiant ou mot de passe incorrect." in texte(inconnu)


def test_un_compte_desactive_recoit_le_meme_message_generique(client, db):
    UtilisateurFactory(username="ancien.parent", is_active=False)

    reponse = se_connecter(client, "ancien.parent", MOT_DE_PASSE)

    assert "Identifiant ou mot de passe incorrect." in texte(reponse)
    assert "inactif" not in texte(reponse)
    assert "_auth_user_id" not in client.session


def test_un_parent_deja_connecte_qui_ouvre_la_connexion_va_a_l_accueil(client_dupont):
    reponse = client_dupont.get(reverse("connexion"))

    assert reponse.status_code == 302
    assert reponse.url == reverse("accueil")


def test_la_connexion_ramene_a_la_page_demandee(client, dupont):
    client.get(reverse("mon_compte"))
    reponse = client.post(
        reverse("connexion"),
        {"username": "jean.dupont", "password": MOT_DE_PASSE, "next": reverse("mon_compte")},
    )

    assert reponse.status_code == 302
    assert reponse.url == reverse("mon_compte")


@pytest.fixture
def axes_actif(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def test_apres_cinq_echecs_meme_le_bon_mot_de_passe_est_refuse(client, dupont, axes_actif):
    for _ in range(5):
        se_connecter(client, "jean.dupont", "Mauvais2026")

    reponse = se_connecter(client, "jean.dupont", MOT_DE_PASSE)

    assert reponse.status_code == 429
    page = texte(reponse)
    assert "Compte temporairement bloqué" in page
    assert "bloquée pendant 15 minutes" in page
    assert "Mot de passe oublié ?" in page
    assert "_auth_user_id" not in client.session


def test_un_navigateur_forge_avec_un_caractere_nul_recoit_le_message_generique(
    client, dupont, axes_actif
):
    """PostgreSQL refuse NUL dans un texte : axes enregistre l'échec sans lui."""
    from axes.models import AccessAttempt

    reponse = client.post(
        "/connexion/",
        {"username": "jean.dupont", "password": "Mauvais2026"},
        HTTP_USER_AGENT="Mozilla\x00/5.0",
    )

    assert reponse.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in texte(reponse)
    assert AccessAttempt.objects.get().user_agent == "Mozilla/5.0"


def test_quatre_echecs_ne_bloquent_pas_le_compte(client, dupont, axes_actif):
    for _ in range(4):
        se_connecter(client, "jean.dupont", "Mauvais2026")

    reponse = se_connecter(client, "jean.dupont", MOT_DE_PASSE)

    assert "Bienvenue sur le Portail Famille" in texte(reponse)


def test_le_verrou_d_un_identifiant_ne_bloque_pas_les_autres_familles(
    client, dupont, martin, axes_actif
):
    for _ in range(5):
        se_connecter(client, "jean.dupont", "Mauvais2026")

    reponse = se_connecter(client, "marie.martin", MOT_DE_PASSE)

    assert "Bienvenue sur le Portail Famille" in texte(reponse)


def test_la_deconnexion_se_fait_par_un_formulaire_post(client_dupont):
    reponse = client_dupont.post(reverse("deconnexion"))

    assert reponse.status_code == 302
    assert reponse.url == reverse("connexion")
    assert "_auth_user_id" not in client_dupont.session


def test_la_deconnexion_par_un_simple_lien_get_est_refusee(client_dupont):
    reponse = client_dupont.get(reverse("deconnexion"))

    assert reponse.status_code == 405
    assert "_auth_user_id" in client_dupont.session


def test_la_page_de_connexion_tient_en_peu_de_requetes(
    client, dupont, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        reponse = se_connecter(client, "jean.dupont", "Mauvais2026")

    assert "Identifiant ou mot de passe incorrect." in texte(reponse)
