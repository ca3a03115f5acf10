"""Les pages légales : ouvertes sans connexion, liées depuis le pied de chaque page."""

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

PAGES_LEGALES = ["mentions_legales", "donnees_personnelles", "accessibilite", "plan_du_site"]


def texte(reponse):
    return " ".join(strip_tags(reponse.content.decode()).split())


@pytest.mark.parametrize("page", PAGES_LEGALES)
def test_chaque_page_legale_s_ouvre_sans_connexion(client, db, page, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        reponse = client.get(reverse(page))

    assert reponse.status_code == 200


@pytest.mark.parametrize("page", PAGES_LEGALES)
def test_chaque_page_legale_s_ouvre_aussi_pour_un_parent_connecte(client_dupont, page):
    reponse = client_dupont.get(reverse(page))

    assert reponse.status_code == 200
    assert "Bienvenue JEAN DUPONT" in texte(reponse)


@pytest.mark.parametrize("page", ["connexion", "accueil", "mot_de_passe_oublie"])
def test_le_pied_de_chaque_page_mene_aux_pages_legales(client_dupont, client, page):
    if page != "accueil":
        client.logout()
    reponse = client.get(reverse(page))

    contenu = reponse.content.decode()
    for nom in PAGES_LEGALES:
        assert f'href="{reverse(nom)}"' in contenu


def test_les_donnees_personnelles_donnent_le_dpo_des_reglages_et_le_droit_de_reclamation(
    client, db, settings
):
    settings.DPO = {"nom": "Mme Claire Fontaine", "courriel": "dpo@commune.fr", "adresse": "Mairie"}
    settings.CONSERVATION_INACTIVITE_ANNEES = 4

    page = texte(client.get(reverse("donnees_personnelles")))

    assert "Mme Claire Fontaine" in page
    assert "dpo@commune.fr" in page
    assert "CNIL" in page and "www.cnil.fr/fr/plaintes" in page
    assert "après 4 ans sans réservation" in page
    assert "10 ans" in page  # factures et règlements : la comptabilité publique
    assert "Mission d'intérêt public" in page


def test_la_declaration_d_accessibilite_suit_le_modele_du_rgaa(client, db):
    page = texte(client.get(reverse("accessibilite")))

    assert "RGAA), version 4.1" in page
    assert "État de conformité" in page
    assert "axe-core" in page and "360 pixels" in page and "1280 pixels" in page
    assert "Retour d'information et contact" in page
    assert "Défenseur des droits" in page


def test_le_plan_du_site_liste_les_pages_des_parents(client, db):
    contenu = client.get(reverse("plan_du_site")).content.decode()

    for nom in ["accueil", "mon_compte", "mes_enfants", "releve", "boite", "demandes"]:
        assert f'href="{reverse(nom)}"' in contenu
