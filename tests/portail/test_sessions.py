"""Les sessions de Django (en base, ou en cache et en base avec un cache partagé) : le compte
connecté, son responsable et sa famille lus en une requête (familles.backends), et ce que la
sécurité du portail attend des sessions."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from familles.models import Utilisateur

pytestmark = pytest.mark.django_db


def requetes_sur(requetes, table):
    return [q["sql"] for q in requetes.captured_queries if table in q["sql"]]


def test_la_page_d_un_parent_lit_sa_session_puis_son_compte_en_une_requete(
    client_dupont, dupont, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as requetes:
        reponse = client_dupont.get(reverse("accueil"))

    assert reponse.status_code == 200
    assert "JEAN" in reponse.content.decode()
    assert len(requetes_sur(requetes, Session._meta.db_table)) == 1
    comptes = requetes_sur(requetes, Utilisateur._meta.db_table)
    assert len(comptes) == 1  # le compte, son responsable et sa famille joints
    assert "familles_responsable" in comptes[0] and "familles_famille" in comptes[0]


def test_la_connexion_et_la_deconnexion_ouvrent_et_ferment_la_session(client, dupont):
    jean = dupont.titulaire.utilisateur
    client.force_login(jean)
    cle = client.session.session_key
    assert Session.objects.get(session_key=cle).get_decoded()["_auth_user_id"] == str(jean.pk)

    client.post(reverse("deconnexion"))

    assert not Session.objects.filter(session_key=cle).exists()
    assert client.get(reverse("accueil")).status_code == 302


def test_un_compte_desactive_ou_dont_le_mot_de_passe_a_change_est_deconnecte(client, dupont):
    jean = dupont.titulaire.utilisateur
    client.force_login(jean)
    jean.set_password("Nouveau-2026-mot")
    jean.save()
    assert client.get(reverse("accueil")).status_code == 302  # le hachage de session diffère

    client.force_login(jean)
    Utilisateur.objects.filter(pk=jean.pk).update(is_active=False)
    assert client.get(reverse("accueil")).status_code == 302


def test_un_compte_supprime_est_deconnecte(client_dupont, dupont):
    dupont.titulaire.utilisateur.delete()

    reponse = client_dupont.get(reverse("accueil"))

    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("connexion"))
