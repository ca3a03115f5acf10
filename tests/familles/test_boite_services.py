"""Les fonctions des messages (familles/services.py) et le choix des familles inscrites
(enfants/services.py)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from enfants.services import familles_inscrites
from familles import services
from familles.models import Message
from tests.factories import (
    EnfantFactory,
    InscriptionFactory,
    MessageFactory,
    PrestationFactory,
    ResponsableFactory,
    StructureFactory,
)

AUJOURDHUI = datetime.date(2026, 11, 26)


def test_ecrire_a_la_famille_range_le_message_et_previent_par_courriel(
    dupont, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.ecrire_a_la_famille(
            famille=dupont, par=agent, sujet="Sortie au lac", corps="Prévoir un pique-nique."
        )

    assert message.sens == Message.Sens.VERS_FAMILLE
    assert message.corps == "Prévoir un pique-nique."
    assert message.auteur == agent
    assert [courriel.to for courriel in mail.outbox] == [["jean.dupont@wanadoo.fr"]]


def test_le_service_repond_dans_le_fil_et_lit_le_message_de_la_famille(dupont, agent):
    question = MessageFactory(famille=dupont, sens=Message.Sens.VERS_SERVICE, sujet="Question")
    relance = MessageFactory(
        famille=dupont, sens=Message.Sens.VERS_SERVICE, en_reponse_a=question, sujet="Re"
    )

    reponse = services.repondre_a_la_famille(message=relance, par=agent, corps="Voici.")

    assert reponse.en_reponse_a == question
    assert reponse.sens == Message.Sens.VERS_FAMILLE
    assert reponse.sujet == "Re : Question"
    question.refresh_from_db()
    relance.refresh_from_db()
    assert question.est_lu and relance.est_lu


def test_un_sujet_deja_en_reponse_ne_prend_pas_un_second_re(dupont, agent):
    question = MessageFactory(famille=dupont, sujet="Re : Question")

    reponse = services.repondre_au_service(message=question, par=None, corps="Merci.")

    assert reponse.sujet == "Re : Question"


def test_un_message_vide_n_est_jamais_enregistre(dupont, agent):
    with pytest.raises(ValidationError):
        services.envoyer_message_au_service(famille=dupont, par=None, sujet="Sujet", corps=" ")
    with pytest.raises(ValidationError):
        services.ecrire_aux_familles(familles=[dupont], par=agent, sujet=" ", corps="Texte")

    assert not Message.objects.exists()


def test_ecrire_aux_familles_envoie_un_seul_message_par_famille(dupont, martin, agent):
    envoyes = services.ecrire_aux_familles(
        familles=[dupont, martin, dupont], par=agent, sujet="Fermeture", corps="Le 11 novembre."
    )

    assert len(envoyes) == 2
    assert sorted(Message.objects.values_list("famille__numero", flat=True)) == [
        dupont.numero,
        martin.numero,
    ]


def test_ecrire_aux_familles_est_tout_ou_rien(dupont, martin, agent, monkeypatch):
    ecrire = services.ecrire_a_la_famille

    def echoue_pour_martin(*, famille, **kwargs):
        if famille == martin:
            raise RuntimeError("panne")
        return ecrire(famille=famille, **kwargs)

    monkeypatch.setattr(services, "ecrire_a_la_famille", echoue_pour_martin)

    with pytest.raises(RuntimeError):
        services.ecrire_aux_familles(
            familles=[dupont, martin], par=agent, sujet="Fermeture", corps="Le 11 novembre."
        )

    assert not Message.objects.exists()


@pytest.fixture
def accueil_de_loisirs(db):
    return StructureFactory(nom="Accueil de Loisirs")


@pytest.fixture
def mercredi(accueil_de_loisirs):
    return PrestationFactory(structure=accueil_de_loisirs, nom="ALSH Mercredi après-midi")


def test_une_famille_aux_deux_enfants_inscrits_n_est_choisie_qu_une_fois(dupont, mercredi):
    InscriptionFactory(enfant=dupont.enfants.get(), prestation=mercredi)
    InscriptionFactory(enfant=EnfantFactory(famille=dupont, prenom="Léa"), prestation=mercredi)

    familles = list(familles_inscrites(prestation=mercredi, au=AUJOURDHUI))

    assert familles == [dupont]


def test_seules_les_familles_inscrites_aujourd_hui_ou_plus_tard_sont_choisies(
    dupont, martin, mercredi, accueil_de_loisirs
):
    garderie = PrestationFactory(structure=StructureFactory(nom="Garderie"), nom="Garderie matin")
    InscriptionFactory(enfant=dupont.enfants.get(), prestation=mercredi)
    InscriptionFactory(
        enfant=martin.enfants.get(),
        prestation=mercredi,
        date_debut=datetime.date(2025, 9, 1),
        date_fin=datetime.date(2026, 7, 4),
    )
    autre = ResponsableFactory().famille
    InscriptionFactory(enfant=EnfantFactory(famille=autre), prestation=garderie)

    assert list(familles_inscrites(structure=accueil_de_loisirs, au=AUJOURDHUI)) == [dupont]
    assert list(familles_inscrites(prestation=garderie, au=AUJOURDHUI)) == [autre]
    assert list(familles_inscrites(prestation=mercredi, au=datetime.date(2026, 7, 4))) == [
        dupont,
        martin,
    ]
