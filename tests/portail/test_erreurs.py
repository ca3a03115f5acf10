"""Les pages d'erreur, en français."""

import html

from django.test import RequestFactory
from django.utils.html import strip_tags

from portail.views import erreur_serveur


def texte(contenu):
    return " ".join(html.unescape(strip_tags(contenu)).split())


def test_une_adresse_inconnue_donne_une_page_introuvable_en_francais(client_dupont):
    reponse = client_dupont.get("/cette-page-n-existe-pas/")

    assert reponse.status_code == 404
    page = texte(reponse.content.decode())
    assert "Page introuvable" in page
    assert "Retour à l'accueil" in page
    assert "Bienvenue JEAN DUPONT" in page


def test_la_page_introuvable_s_affiche_aussi_pour_un_visiteur_anonyme(client, db):
    reponse = client.get("/cette-page-n-existe-pas/")

    assert reponse.status_code == 404
    assert "Page introuvable" in texte(reponse.content.decode())


def test_l_erreur_serveur_s_affiche_sans_toucher_a_la_base(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        reponse = erreur_serveur(RequestFactory().get("/"))

    assert reponse.status_code == 500
    page = texte(reponse.content.decode())
    assert "Le service rencontre un problème" in page
    assert "04 79 55 02 59" in page
