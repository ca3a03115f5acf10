"""Le moteur de sessions du portail (portail.sessions) : la session lue avec son compte en une
requête, mise à jour par un seul UPDATE ; il se comporte comme celui de Django."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from familles.models import Utilisateur
from portail.models import SessionDuCompte as Session
from portail.sessions import SessionStore, compte_lu_avec_la_session
from tests.familles.test_backends import valeurs

pytestmark = pytest.mark.django_db


def session_enregistree(**donnees):
    session = SessionStore()
    session.update(donnees)
    session.create()
    return session.session_key


def test_une_session_enregistree_se_relit_en_une_requete(django_assert_num_queries):
    cle = session_enregistree(panier="mercredi", rang=3)

    relue = SessionStore(session_key=cle)
    with django_assert_num_queries(1):
        assert relue["panier"] == "mercredi"
    assert relue["rang"] == 3
    assert relue.session_key == cle


def test_une_session_expiree_ou_inconnue_est_une_session_neuve(monkeypatch):
    cle = session_enregistree(panier="mercredi")
    plus_tard = timezone.now() + timedelta(days=30)
    monkeypatch.setattr(timezone, "now", lambda: plus_tard)

    expiree = SessionStore(session_key=cle)
    inconnue = SessionStore(session_key="x" * 32)

    assert "panier" not in expiree and expiree.session_key is None
    assert dict(inconnue.items()) == {} and inconnue.session_key is None


def test_une_mise_a_jour_est_un_seul_update(django_assert_num_queries):
    cle = session_enregistree(panier="mercredi")
    session = SessionStore(session_key=cle)
    session["panier"] = "jeudi"

    with django_assert_num_queries(1):  # déjà lue pour la modifier : un UPDATE, rien de plus
        session.save()

    assert SessionStore(session_key=cle)["panier"] == "jeudi"
    assert Session.objects.count() == 1


# La session porte son compte : lue avec lui, en une requête (portail.models.SessionDuCompte).


def requetes_sur(requetes, table):
    return [q["sql"] for q in requetes.captured_queries if table in q["sql"]]


def test_la_page_d_un_parent_lit_sa_session_et_son_compte_en_une_requete(
    client_dupont, dupont, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as requetes:
        reponse = client_dupont.get(reverse("accueil"))

    assert reponse.status_code == 200
    assert "JEAN" in reponse.content.decode()
    comptes = requetes_sur(requetes, Utilisateur._meta.db_table)
    assert len(comptes) == 1  # la jointure de la lecture de la session, rien d'autre
    assert Session._meta.db_table in comptes[0]


def test_le_compte_lu_avec_la_session_est_celui_que_lirait_l_orm(dupont):
    famille = dupont
    famille.revenu_fiscal = Decimal("31250.50")
    famille.prelevement_automatique = True
    famille.save()
    compte = famille.titulaire.utilisateur
    session = SessionStore()
    session[SESSION_KEY] = str(compte.pk)
    session.create()

    assert SessionStore(session_key=session.session_key)[SESSION_KEY] == str(compte.pk)
    lu = compte_lu_avec_la_session(compte.pk)

    attendu = Utilisateur.objects.select_related("responsable__famille").get(pk=compte.pk)
    assert valeurs(lu) == valeurs(attendu)
    assert valeurs(lu.responsable) == valeurs(attendu.responsable)
    assert valeurs(lu.responsable.famille) == valeurs(attendu.responsable.famille)
    assert lu.responsable.famille.revenu_fiscal == Decimal("31250.50")
    assert lu.messages_non_lus == 0
    assert compte_lu_avec_la_session(compte.pk) is None  # rendu une seule fois


def test_la_colonne_du_compte_suit_la_connexion_et_la_deconnexion(client, dupont, martin):
    jean = dupont.titulaire.utilisateur
    client.force_login(jean)
    cle = client.session.session_key
    assert Session.objects.get(session_key=cle).compte_id == jean.pk

    client.post(reverse("deconnexion"))
    assert not Session.objects.filter(session_key=cle).exists()

    client.force_login(martin.titulaire.utilisateur)
    assert Session.objects.get().compte_id == martin.titulaire.utilisateur.pk


def test_seules_les_donnees_de_la_session_designent_le_compte(client_dupont, dupont, martin):
    # La colonne désigne un autre compte que les données (elle ne devrait jamais) : le compte
    # des données est lu, par une requête de plus ; la colonne n'ouvre rien.
    Session.objects.update(compte_id=martin.titulaire.utilisateur.pk)

    page = client_dupont.get(reverse("accueil")).content.decode()

    assert "JEAN" in page and martin.titulaire.prenom not in page


def test_un_compte_desactive_ou_dont_le_mot_de_passe_a_change_est_deconnecte(client, dupont):
    jean = dupont.titulaire.utilisateur
    client.force_login(jean)
    jean.set_password("Nouveau-2026-mot")
    jean.save()
    assert client.get(reverse("accueil")).status_code == 302  # le hachage de session diffère

    client.force_login(jean)
    Utilisateur.objects.filter(pk=jean.pk).update(is_active=False)
    assert client.get(reverse("accueil")).status_code == 302


def test_supprimer_un_compte_supprime_ses_sessions(client_dupont, dupont):
    assert Session.objects.count() == 1

    dupont.titulaire.utilisateur.delete()

    assert Session.objects.count() == 0
