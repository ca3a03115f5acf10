"""Le service des demandes : créer, valider, refuser, retirer."""

import pytest
from django.core import mail

from demandes.decisions import refuser_demande, retirer_demande, valider_demande
from demandes.models import Demande
from demandes.services import SUPPRIMER, DemandeImpossible, creer_demande
from enfants.models import Enfant, PersonneAutorisee
from familles.models import Message, Responsable


def demande_d_adresse(dupont):
    jean = dupont.titulaire
    return creer_demande(
        famille=dupont,
        type=Demande.Type.RESPONSABLE,
        par=jean.utilisateur,
        cible=jean,
        valeurs={"adresse": "5 RUE DES ÉCOLES", "code_postal": "31400", "ville": "SAINT - JEAN"},
    )


def test_seuls_les_champs_changes_entrent_dans_la_demande(dupont):
    demande = demande_d_adresse(dupont)
    assert demande.valeurs_demandees == {"adresse": "5 RUE DES ÉCOLES"}
    assert demande.valeurs_actuelles == {"adresse": "12 RUE DES BONBONS"}
    dupont.titulaire.refresh_from_db()
    assert dupont.titulaire.adresse == "12 RUE DES BONBONS"


def test_une_demande_qui_ne_change_rien_est_refusee(dupont):
    jean = dupont.titulaire
    with pytest.raises(DemandeImpossible, match="aucune information"):
        creer_demande(
            famille=dupont,
            type=Demande.Type.RESPONSABLE,
            par=jean.utilisateur,
            cible=jean,
            valeurs={"ville": "SAINT - JEAN"},
        )
    assert not Demande.objects.exists()


def test_valider_applique_la_demande_note_l_agent_et_previent_la_famille(dupont, agent):
    demande = demande_d_adresse(dupont)
    with_commit = valider_demande(demande=demande, agent=agent)
    assert with_commit.statut == Demande.Statut.ACCEPTEE
    assert with_commit.decidee_par == agent
    jean = Responsable.objects.get(pk=dupont.titulaire.pk)
    assert jean.adresse == "5 RUE DES ÉCOLES"
    assert jean.history.first().history_user == agent
    message = Message.objects.get(famille=dupont)
    assert "acceptée" in message.sujet


def test_le_courriel_de_decision_part_apres_la_transaction(
    dupont, agent, django_capture_on_commit_callbacks
):
    demande = demande_d_adresse(dupont)
    with django_capture_on_commit_callbacks(execute=True):
        refuser_demande(demande=demande, agent=agent, motif="Justificatif de domicile manquant.")
    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == ["jean.dupont@wanadoo.fr"]
    assert "Justificatif de domicile manquant." in courriel.body
    assert "Justificatif de domicile manquant." in courriel.alternatives[0].content


def test_refuser_ne_change_rien_et_exige_un_motif(dupont, agent):
    demande = demande_d_adresse(dupont)
    with pytest.raises(DemandeImpossible, match="motif"):
        refuser_demande(demande=demande, agent=agent, motif="  ")
    demande.refresh_from_db()
    assert demande.statut == Demande.Statut.EN_ATTENTE
    refuser_demande(demande=demande, agent=agent, motif="Adresse incomplète.")
    demande.refresh_from_db()
    assert demande.statut == Demande.Statut.REFUSEE
    assert Responsable.objects.get(pk=dupont.titulaire.pk).adresse == "12 RUE DES BONBONS"


def test_une_demande_se_decide_une_seule_fois(dupont, agent):
    demande = demande_d_adresse(dupont)
    valider_demande(demande=demande, agent=agent)
    with pytest.raises(DemandeImpossible, match="n'est plus en attente"):
        refuser_demande(demande=demande, agent=agent, motif="Trop tard.")
    demande.refresh_from_db()
    assert demande.statut == Demande.Statut.ACCEPTEE


def test_la_famille_retire_une_demande_en_attente(dupont):
    demande = demande_d_adresse(dupont)
    retirer_demande(demande=demande, par=dupont.titulaire.utilisateur)
    demande.refresh_from_db()
    assert demande.statut == Demande.Statut.RETIREE


def test_un_nouvel_enfant_accepte_devient_un_enfant_de_la_famille(dupont, agent):
    demande = creer_demande(
        famille=dupont,
        type=Demande.Type.NOUVEL_ENFANT,
        par=dupont.titulaire.utilisateur,
        modele=Enfant,
        valeurs={"nom": "DUPONT", "prenom": "Léa", "date_naissance": "2021-06-02", "sexe": "F"},
    )
    valider_demande(demande=demande, agent=agent)
    lea = Enfant.objects.get(prenom="Léa")
    assert lea.famille == dupont
    demande.refresh_from_db()
    assert demande.enfant == lea


def test_une_personne_autorisee_se_supprime_sur_demande(dupont, agent):
    lucas = dupont.enfants.get()
    mamie = PersonneAutorisee.objects.create(
        enfant=lucas, nom="DUPONT", prenom="Odette", lien="Grand-mère"
    )
    demande = creer_demande(
        famille=dupont,
        type=Demande.Type.PERSONNES_AUTORISEES,
        par=dupont.titulaire.utilisateur,
        cible=mamie,
        enfant=lucas,
        valeurs={SUPPRIMER: True},
    )
    assert demande.valeurs_actuelles["prenom"] == "Odette"
    valider_demande(demande=demande, agent=agent)
    assert not PersonneAutorisee.objects.filter(pk=mamie.pk).exists()


def test_des_valeurs_invalides_ne_sont_pas_appliquees(dupont, agent):
    jean = dupont.titulaire
    demande = creer_demande(
        famille=dupont,
        type=Demande.Type.RESPONSABLE,
        par=jean.utilisateur,
        cible=jean,
        valeurs={"code_postal": "ABCDE", "ville": "AILLEURS"},
    )
    with pytest.raises(DemandeImpossible, match="code postal"):
        valider_demande(demande=demande, agent=agent)
    demande.refresh_from_db()
    jean.refresh_from_db()
    assert demande.statut == Demande.Statut.EN_ATTENTE
    assert jean.ville == "SAINT - JEAN"


def test_les_donnees_sanitaires_ne_se_decident_que_par_un_agent_habilite(dupont, agent):
    from enfants.models import FicheSanitaire
    from tests.factories import UtilisateurFactory

    lucas = dupont.enfants.get()
    fiche = FicheSanitaire.objects.create(enfant=lucas)
    demande = creer_demande(
        famille=dupont,
        type=Demande.Type.DONNEES_SANITAIRES,
        par=dupont.titulaire.utilisateur,
        cible=fiche,
        enfant=lucas,
        valeurs={"allergies": "Arachide"},
    )
    sans_habilitation = UtilisateurFactory(username="stagiaire", is_staff=True)
    with pytest.raises(DemandeImpossible, match="habilité"):
        valider_demande(demande=demande, agent=sans_habilitation)
    fiche.refresh_from_db()
    assert fiche.allergies == ""
    valider_demande(demande=demande, agent=agent)
    fiche.refresh_from_db()
    assert fiche.allergies == "Arachide"
