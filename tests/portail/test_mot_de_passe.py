"""Les mots de passe : la règle du portail, le changement, le changement obligatoire à la
première connexion, la réinitialisation par courriel."""

import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import MOT_DE_PASSE
from tests.outils import texte

NOUVEAU = "Vanoise2027"


def changer(client, nouveau, confirmation=None, ancien=MOT_DE_PASSE):
    return client.post(
        reverse("mot_de_passe_changer"),
        {
            "old_password": ancien,
            "new_password1": nouveau,
            "new_password2": nouveau if confirmation is None else confirmation,
        },
        follow=True,
    )


@pytest.mark.parametrize(
    ("mot_de_passe", "message"),
    [
        ("Vano20", "Ce mot de passe est trop court. Il doit contenir au minimum 8 caractères."),
        ("vanoise2027", "Le mot de passe doit contenir au moins une majuscule."),
        ("VANOISE2027", "Le mot de passe doit contenir au moins une minuscule."),
        ("VanoiseSavoie", "Le mot de passe doit contenir au moins un chiffre."),
        ("Password1", "Ce mot de passe est trop courant."),
    ],
)
def test_un_mot_de_passe_hors_regle_est_refuse_avec_son_message(
    client_dupont, dupont, mot_de_passe, message
):
    reponse = changer(client_dupont, mot_de_passe)

    assert message in texte(reponse)
    utilisateur = dupont.titulaire.utilisateur
    utilisateur.refresh_from_db()
    assert utilisateur.check_password(MOT_DE_PASSE)


def test_un_mot_de_passe_conforme_est_accepte_et_la_session_reste_ouverte(client_dupont, dupont):
    reponse = changer(client_dupont, NOUVEAU)

    assert reponse.redirect_chain[-1][0] == reverse("accueil")
    assert "Votre mot de passe a été modifié." in texte(reponse)
    utilisateur = dupont.titulaire.utilisateur
    utilisateur.refresh_from_db()
    assert utilisateur.check_password(NOUVEAU)
    assert client_dupont.get(reverse("mon_compte")).status_code == 200


def test_l_ancien_mot_de_passe_est_exige_pour_en_changer(client_dupont, dupont):
    reponse = changer(client_dupont, NOUVEAU, ancien="Mauvais2026")

    assert "Votre ancien mot de passe est incorrect." in texte(reponse)
    utilisateur = dupont.titulaire.utilisateur
    utilisateur.refresh_from_db()
    assert utilisateur.check_password(MOT_DE_PASSE)


def test_les_deux_saisies_du_nouveau_mot_de_passe_doivent_concorder(client_dupont, dupont):
    reponse = changer(client_dupont, NOUVEAU, confirmation="Vanoise2028")

    assert "Les deux mots de passe ne correspondent pas." in texte(reponse)


def test_la_page_rappelle_la_regle_du_portail(client_dupont):
    reponse = client_dupont.get(reverse("mot_de_passe_changer"))

    page = texte(reponse)
    assert "Changer mon mot de passe" in page
    assert "8 caractères minimum, dont au moins 1 majuscule, 1 minuscule et 1 chiffre." in page


@pytest.fixture
def client_oblige(client, dupont):
    """Jean Dupont se connecte avec le mot de passe provisoire fourni par le service."""
    utilisateur = dupont.titulaire.utilisateur
    utilisateur.doit_changer_mot_de_passe = True
    utilisateur.save()
    client.force_login(utilisateur)
    return client


@pytest.mark.parametrize("page", ["accueil", "mon_compte", "mes_enfants", "releve", "boite"])
def test_un_compte_qui_doit_changer_son_mot_de_passe_n_accede_a_rien_d_autre(client_oblige, page):
    reponse = client_oblige.get(reverse(page))

    assert reponse.status_code == 302
    assert reponse.url == reverse("mot_de_passe_obligatoire")


def test_la_page_obligatoire_demande_le_nouveau_mot_de_passe_deux_fois(client_oblige):
    reponse = client_oblige.get(reverse("mot_de_passe_obligatoire"))

    page = texte(reponse)
    assert "Choisir un nouveau mot de passe" in page
    assert "Nouveau mot de passe" in page
    assert "Confirmation du nouveau mot de passe" in page
    assert "Ancien mot de passe" not in page
    assert "Déconnexion" in page


def test_un_compte_qui_doit_changer_son_mot_de_passe_peut_se_deconnecter(client_oblige):
    reponse = client_oblige.post(reverse("deconnexion"))

    assert reponse.url == reverse("connexion")
    assert "_auth_user_id" not in client_oblige.session


def test_apres_le_changement_obligatoire_l_accueil_s_ouvre(client_oblige, dupont):
    reponse = client_oblige.post(
        reverse("mot_de_passe_obligatoire"),
        {"new_password1": NOUVEAU, "new_password2": NOUVEAU},
        follow=True,
    )

    utilisateur = dupont.titulaire.utilisateur
    utilisateur.refresh_from_db()
    assert utilisateur.doit_changer_mot_de_passe is False
    assert utilisateur.check_password(NOUVEAU)
    assert reponse.redirect_chain[-1][0] == reverse("accueil")
    assert "Votre mot de passe a été enregistré." in texte(reponse)
    assert "Bienvenue sur le Portail Famille" in texte(reponse)


def test_le_changement_obligatoire_applique_aussi_la_regle(client_oblige, dupont):
    reponse = client_oblige.post(
        reverse("mot_de_passe_obligatoire"),
        {"new_password1": "vanoise2027", "new_password2": "vanoise2027"},
    )

    assert "Le mot de passe doit contenir au moins une majuscule." in texte(reponse)
    utilisateur = dupont.titulaire.utilisateur
    utilisateur.refresh_from_db()
    assert utilisateur.doit_changer_mot_de_passe is True


def test_le_changement_obligatoire_refuse_le_mot_de_passe_provisoire(client_oblige, dupont):
    reponse = client_oblige.post(
        reverse("mot_de_passe_obligatoire"),
        {"new_password1": MOT_DE_PASSE, "new_password2": MOT_DE_PASSE},
    )

    assert reponse.status_code == 200
    assert "Le nouveau mot de passe doit être différent de l'actuel." in texte(reponse)
    utilisateur = dupont.titulaire.utilisateur
    utilisateur.refresh_from_db()
    assert utilisateur.doit_changer_mot_de_passe is True


def test_le_changement_refuse_le_mot_de_passe_actuel(client_dupont, dupont):
    reponse = changer(client_dupont, MOT_DE_PASSE)

    assert "Le nouveau mot de passe doit être différent de l'actuel." in texte(reponse)
    assert "Votre mot de passe a été modifié." not in texte(reponse)


def test_sans_obligation_la_page_obligatoire_renvoie_au_changement_avec_l_ancien(
    client_dupont,
):
    reponse = client_dupont.get(reverse("mot_de_passe_obligatoire"))

    assert reponse.status_code == 302
    assert reponse.url == reverse("mot_de_passe_changer")


def demander_le_lien(client, adresse="jean.dupont@wanadoo.fr"):
    return client.post(reverse("mot_de_passe_oublie"), {"email": adresse}, follow=True)


def test_le_courriel_de_reinitialisation_est_en_francais_en_texte_et_en_html(client, dupont):
    reponse = demander_le_lien(client)

    assert "Vérifiez votre messagerie" in texte(reponse)
    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == ["jean.dupont@wanadoo.fr"]
    assert courriel.subject == "Portail Familles : choisir un nouveau mot de passe"
    assert "Votre identifiant : jean.dupont" in courriel.body
    assert "Service enfance" in courriel.body
    assert "Communauté de communes Val Vanoise" in courriel.body
    (contenu_html, type_mime) = courriel.alternatives[0]
    assert type_mime == "text/html"
    assert '<html lang="fr">' in contenu_html
    assert "Votre identifiant : <strong>jean.dupont</strong>" in contenu_html
    lien = re.search(r"https?://\S+/mot-de-passe/reinitialiser/\S+/", courriel.body).group(0)
    assert f'<a href="{lien}">' in contenu_html


def test_le_lien_du_courriel_permet_de_choisir_un_nouveau_mot_de_passe(client, dupont):
    utilisateur = dupont.titulaire.utilisateur
    utilisateur.doit_changer_mot_de_passe = True
    utilisateur.save()
    demander_le_lien(client)
    lien = re.search(r"https?://[^/\s]+(/mot-de-passe/reinitialiser/\S+/)", mail.outbox[0].body)

    formulaire = client.get(lien.group(1), follow=True)
    assert "Choisir un nouveau mot de passe" in texte(formulaire)
    reponse = client.post(
        formulaire.redirect_chain[-1][0],
        {"new_password1": NOUVEAU, "new_password2": NOUVEAU},
        follow=True,
    )

    assert "Mot de passe enregistré" in texte(reponse)
    utilisateur.refresh_from_db()
    assert utilisateur.check_password(NOUVEAU)
    assert utilisateur.doit_changer_mot_de_passe is False


def test_un_lien_deja_utilise_n_est_plus_valable(client, dupont):
    demander_le_lien(client)
    lien = re.search(r"https?://[^/\s]+(/mot-de-passe/reinitialiser/\S+/)", mail.outbox[0].body)
    formulaire = client.get(lien.group(1), follow=True)
    client.post(
        formulaire.redirect_chain[-1][0], {"new_password1": NOUVEAU, "new_password2": NOUVEAU}
    )

    reponse = client.get(lien.group(1), follow=True)

    assert "Ce lien n'est plus valable" in texte(reponse)


def test_une_adresse_inconnue_donne_la_meme_reponse_sans_courriel(client, dupont):
    connue = demander_le_lien(client)
    inconnue = demander_le_lien(client, "personne@exemple.fr")

    assert texte(inconnue) == texte(connue)
    assert len(mail.outbox) == 1


def test_le_nouveau_mot_de_passe_leve_le_verrou_de_connexion(client, dupont, settings):
    settings.AXES_ENABLED = True
    for _ in range(5):
        client.post(reverse("connexion"), {"username": "jean.dupont", "password": "Mauvais1a"})
    demander_le_lien(client)
    lien = re.search(r"https?://[^/\s]+(/mot-de-passe/reinitialiser/\S+/)", mail.outbox[0].body)
    formulaire = client.get(lien.group(1), follow=True)
    client.post(
        formulaire.redirect_chain[-1][0], {"new_password1": NOUVEAU, "new_password2": NOUVEAU}
    )

    reponse = client.post(
        reverse("connexion"), {"username": "jean.dupont", "password": NOUVEAU}, follow=True
    )

    assert "Bienvenue sur le Portail Famille" in texte(reponse)


def test_au_dela_de_trois_demandes_par_heure_pour_une_adresse_aucun_courriel(client, dupont):
    reponses = [demander_le_lien(client) for _ in range(4)]

    assert len(mail.outbox) == 3
    assert reponses[3].redirect_chain[-1][0] == reverse("mot_de_passe_oublie_envoye")
    assert texte(reponses[3]) == texte(reponses[0])
    # L'adresse écrite autrement compte pour la même.
    demander_le_lien(client, "Jean.Dupont@Wanadoo.fr")
    assert len(mail.outbox) == 3


def test_au_dela_de_dix_demandes_par_heure_depuis_une_ip_aucun_courriel(client, dupont):
    for numero in range(10):
        demander_le_lien(client, f"personne{numero}@exemple.fr")

    reponse = demander_le_lien(client)

    assert reponse.redirect_chain[-1][0] == reverse("mot_de_passe_oublie_envoye")
    assert mail.outbox == []
    # Depuis une autre adresse IP, la demande passe.
    client.post(
        reverse("mot_de_passe_oublie"), {"email": "jean.dupont@wanadoo.fr"}, REMOTE_ADDR="10.0.0.2"
    )
    assert len(mail.outbox) == 1


def test_la_limite_des_demandes_se_renouvelle_apres_une_heure(client, dupont, monkeypatch):
    for _ in range(3):
        demander_le_lien(client)
    instant = time.time() + 60 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: instant)

    demander_le_lien(client)

    assert len(mail.outbox) == 4
