"""Le compte chargé à chaque page (familles.backends) : la requête compilée une fois rend les
mêmes objets que l'ORM, responsable et famille compris, en une requête."""

from decimal import Decimal

import pytest
from django.utils import timezone

from familles.backends import ComptesBackend
from familles.models import Responsable, Utilisateur

pytestmark = pytest.mark.django_db


def valeurs(objet):
    """Chaque valeur avec son type : 1 et True ne sont pas la même valeur lue."""
    return {
        champ.attname: (type(getattr(objet, champ.attname)), getattr(objet, champ.attname))
        for champ in objet._meta.concrete_fields
    }


def test_le_compte_d_un_parent_vient_avec_son_responsable_et_sa_famille(
    dupont, django_assert_num_queries
):
    famille = dupont
    famille.revenu_fiscal = Decimal("31250.50")
    famille.nombre_parts = Decimal("2.5")
    famille.prelevement_automatique = True
    famille.save()
    compte = famille.titulaire.utilisateur
    compte.last_login = timezone.now()
    compte.save()

    with django_assert_num_queries(1):
        utilisateur = ComptesBackend().get_user(compte.pk)
        responsable = utilisateur.responsable
        chargee = responsable.famille
        assert responsable.utilisateur is utilisateur

    attendu = Utilisateur.objects.select_related("responsable__famille").get(pk=compte.pk)
    assert valeurs(utilisateur) == valeurs(attendu)
    assert valeurs(responsable) == valeurs(attendu.responsable)
    assert valeurs(chargee) == valeurs(attendu.responsable.famille)
    assert chargee.revenu_fiscal == Decimal("31250.50")
    assert chargee.prelevement_automatique is True and utilisateur.is_active is True
    assert utilisateur.is_staff is False and responsable.autorisation_sms in (True, False)
    assert isinstance(chargee.nombre_parts, Decimal)
    assert utilisateur.last_login == compte.last_login
    assert not utilisateur._state.adding and utilisateur._state.db == "default"


def test_un_agent_n_a_pas_de_responsable_et_ne_coute_pas_de_requete_de_plus(
    agent, django_assert_num_queries
):
    with django_assert_num_queries(1):
        utilisateur = ComptesBackend().get_user(agent.pk)
        with pytest.raises(Responsable.DoesNotExist):
            _ = utilisateur.responsable

    assert utilisateur == agent and utilisateur.is_staff


def test_un_compte_inconnu_desactive_ou_illisible_n_est_personne(dupont):
    compte = dupont.titulaire.utilisateur
    backend = ComptesBackend()

    assert backend.get_user(999_999) is None
    assert backend.get_user("pas-un-nombre") is None
    compte.is_active = False
    compte.save()
    assert backend.get_user(compte.pk) is None
