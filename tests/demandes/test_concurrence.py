"""Une demande se décide une seule fois, même quand deux agents cliquent au même instant :
le verrou de ligne (select_for_update) fait attendre le second, qui trouve la demande décidée.

Ces tests ont besoin de vraies transactions concurrentes : ils ne tournent que sur PostgreSQL.
"""

import threading

import pytest
from django.db import connection

from demandes.decisions import refuser_demande, valider_demande
from demandes.models import Demande
from demandes.services import DemandeImpossible, creer_demande, demander_modification
from familles.models import Message, Responsable
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.postgresql

ESSAIS = 5


def en_meme_temps(*decisions):
    """Lance chaque décision dans son fil, toutes au même signal ; renvoie leurs résultats
    (la demande décidée, ou l'exception levée), dans l'ordre."""
    depart = threading.Barrier(len(decisions))
    resultats = [None] * len(decisions)

    def decider(rang, decision):
        try:
            depart.wait()
            resultats[rang] = decision()
        except Exception as erreur:  # le test regarde ce qui a été levé
            resultats[rang] = erreur
        finally:
            connection.close()  # chaque fil a sa connexion ; on la rend

    fils = [
        threading.Thread(target=decider, args=(rang, decision))
        for rang, decision in enumerate(decisions)
    ]
    for un_fil in fils:
        un_fil.start()
    for un_fil in fils:
        un_fil.join(timeout=30)
    return resultats


def demande_de_mobile(famille, numero):
    titulaire = famille.titulaire
    return creer_demande(
        famille=famille,
        type=Demande.Type.RESPONSABLE,
        par=titulaire.utilisateur,
        cible=titulaire,
        valeurs={"telephone_mobile": numero},
    )


@pytest.fixture
def deux_agents(agent):
    return agent, UtilisateurFactory(username="agent2", is_staff=True)


def test_deux_agents_qui_valident_ensemble_n_appliquent_la_demande_qu_une_fois(
    transactional_db, dupont, deux_agents
):
    premier, second = deux_agents
    jean = dupont.titulaire
    for essai in range(ESSAIS):
        numero = f"06 11 22 33 4{essai}"
        demande = demande_de_mobile(dupont, numero)
        versions_avant = jean.history.count()
        messages_avant = Message.objects.filter(famille=dupont).count()

        resultats = en_meme_temps(
            lambda d=demande: valider_demande(demande=d, agent=premier),
            lambda d=demande: valider_demande(demande=d, agent=second),
        )

        gagnants = [r for r in resultats if isinstance(r, Demande)]
        perdants = [r for r in resultats if isinstance(r, DemandeImpossible)]
        assert len(gagnants) == 1 and len(perdants) == 1, resultats
        assert "n'est plus en attente" in perdants[0].message
        demande.refresh_from_db()
        assert demande.statut == Demande.Statut.ACCEPTEE
        assert demande.decidee_par == gagnants[0].decidee_par
        assert Responsable.objects.get(pk=jean.pk).telephone_mobile == numero
        assert jean.history.count() == versions_avant + 1  # appliquée une seule fois
        assert Message.objects.filter(famille=dupont).count() == messages_avant + 1


def test_un_agent_qui_valide_et_un_qui_refuse_au_meme_instant_une_seule_decision_compte(
    transactional_db, dupont, deux_agents
):
    premier, second = deux_agents
    jean = dupont.titulaire
    for essai in range(ESSAIS):
        numero = f"07 11 22 33 4{essai}"
        demande = demande_de_mobile(dupont, numero)
        mobile_avant = Responsable.objects.get(pk=jean.pk).telephone_mobile
        messages_avant = Message.objects.filter(famille=dupont).count()

        resultats = en_meme_temps(
            lambda d=demande: valider_demande(demande=d, agent=premier),
            lambda d=demande: refuser_demande(demande=d, agent=second, motif="Doublon."),
        )

        gagnants = [r for r in resultats if isinstance(r, Demande)]
        perdants = [r for r in resultats if isinstance(r, DemandeImpossible)]
        assert len(gagnants) == 1 and len(perdants) == 1, resultats
        demande.refresh_from_db()
        assert demande.statut == gagnants[0].statut
        mobile = Responsable.objects.get(pk=jean.pk).telephone_mobile
        if demande.statut == Demande.Statut.ACCEPTEE:
            assert mobile == numero
            assert demande.motif_refus == ""
        else:
            assert demande.statut == Demande.Statut.REFUSEE
            assert mobile == mobile_avant
        assert Message.objects.filter(famille=dupont).count() == messages_avant + 1


def test_deux_envois_simultanes_du_meme_bloc_ne_font_qu_une_demande(transactional_db, dupont):
    jean = dupont.titulaire
    for essai in range(ESSAIS):

        def envoyer(numero):
            return lambda: demander_modification(
                famille=dupont,
                type=Demande.Type.RESPONSABLE,
                par=jean.utilisateur,
                cible=jean,
                valeurs={"adresse": f"{numero} RUE DES ÉCOLES", "code_postal": "31400"},
            )

        resultats = en_meme_temps(envoyer(essai), envoyer(essai + 100))

        crees = [r for r in resultats if isinstance(r, Demande)]
        refuses = [r for r in resultats if isinstance(r, DemandeImpossible)]
        assert len(crees) == 1 and len(refuses) == 1, resultats
        assert "déjà en attente" in refuses[0].message
        assert Demande.objects.filter(statut=Demande.Statut.EN_ATTENTE).count() == 1
        Demande.objects.update(statut=Demande.Statut.RETIREE)
