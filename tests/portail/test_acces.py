"""Chaque page du parent est réservée aux parents connectés."""

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

PAGES_DU_PARENT = [
    "accueil",
    "mon_compte",
    "mes_enfants",
    "releve",
    "boite",
    "demandes",
    "mot_de_passe_changer",
]


@pytest.mark.parametrize("page", PAGES_DU_PARENT)
def test_un_visiteur_anonyme_est_envoye_vers_la_connexion(client, db, page):
    reponse = client.get(reverse(page))

    assert reponse.status_code == 302
    assert reponse.url == f"{reverse('connexion')}?next={reverse(page)}"


@pytest.mark.parametrize("page", PAGES_DU_PARENT)
def test_chaque_page_s_ouvre_pour_le_parent_connecte(client_dupont, page):
    reponse = client_dupont.get(reverse(page))

    assert reponse.status_code == 200
    assert "Bienvenue JEAN DUPONT" in " ".join(strip_tags(reponse.content.decode()).split())


@pytest.mark.parametrize("page", ["mon_compte", "mes_enfants", "releve", "boite", "demandes"])
def test_un_agent_sans_famille_n_a_rien_a_voir_sur_les_pages_des_familles(client_agent, page):
    reponse = client_agent.get(reverse(page))

    assert reponse.status_code == 403
    assert "Accès refusé" in reponse.content.decode()


@pytest.mark.parametrize("page", PAGES_DU_PARENT)
def test_chaque_page_du_parent_tient_en_douze_requetes_au_plus(
    client_dupont, page, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse(page))

    assert reponse.status_code == 200


@pytest.mark.parametrize("page", ["connexion", "mot_de_passe_oublie", "mot_de_passe_oublie_envoye"])
def test_les_pages_publiques_tiennent_en_douze_requetes_au_plus(
    client, db, page, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        reponse = client.get(reverse(page))

    assert reponse.status_code == 200
