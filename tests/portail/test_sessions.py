"""Le moteur de sessions du portail (portail.sessions) : lu par un SELECT écrit à la main,
mis à jour par un seul UPDATE ; il se comporte comme celui de Django."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from portail.sessions import SessionStore

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
