"""« Créer mon compte » : la demande, le lien de confirmation, le compte en attente de
validation, la décision du service ; l'énumération, le piège à robots, les limites, les liens
expirés ou déjà utilisés, les doublons."""

import datetime
import html
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse
from django.utils.html import strip_tags
from freezegun import freeze_time

from familles.models import CreationDeCompte, Famille, Message, Responsable, Utilisateur
from tests.factories import FamilleFactory, ResponsableFactory, UtilisateurFactory

ADRESSE = "claire.fontaine@exemple.fr"


def texte(reponse):
    return " ".join(html.unescape(strip_tags(reponse.content.decode())).split())


def formulaire(**valeurs):
    return {
        "nom": "Fontaine",
        "prenom": "Claire",
        "date_naissance": "1988-04-12",
        "email": ADRESSE,
        "mot_de_passe1": "Montagne2026",
        "mot_de_passe2": "Montagne2026",
        "site_web": "",
        **valeurs,
    }


def lien_du_courriel(courriel):
    return re.search(r"http://[^\s]+/creer-mon-compte/confirmer/[^\s/]+/", courriel.body).group(0)


def chemin(lien):
    return lien.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def se_connecter(client, mot_de_passe="Montagne2026"):
    """Par la page de connexion (django-axes veut la requête) ; vrai si la connexion réussit."""
    reponse = client.post(reverse("connexion"), {"username": ADRESSE, "password": mot_de_passe})
    return reponse.status_code == 302


def creer_et_confirmer(client, **valeurs):
    client.post(reverse("creer_compte"), formulaire(**valeurs))
    lien = chemin(lien_du_courriel(mail.outbox[-1]))
    client.post(lien)
    return Utilisateur.objects.get(username=valeurs.get("email", ADRESSE))


def test_la_connexion_mene_a_creer_mon_compte(client, db):
    contenu = client.get(reverse("connexion")).content.decode()

    assert f'href="{reverse("creer_compte")}"' in contenu
    assert client.get(reverse("creer_compte")).status_code == 200


def test_le_parcours_entier_jusqu_a_la_validation_par_le_service(client, db, agent):
    reponse = client.post(reverse("creer_compte"), formulaire())

    assert reponse.status_code == 302
    assert reponse.url == reverse("creer_compte_envoye")
    assert not Famille.objects.exists() and not Utilisateur.objects.filter(email=ADRESSE)
    (courriel,) = mail.outbox
    assert courriel.to == [ADRESSE]
    assert "confirmez votre adresse" in courriel.subject
    lien = chemin(lien_du_courriel(courriel))

    page = client.get(lien)
    assert "Confirmer mon adresse" in texte(page)
    assert not Utilisateur.objects.filter(email=ADRESSE).exists()  # rien sur un simple GET

    reponse = client.post(lien)
    assert reponse.url == reverse("connexion")
    famille = Famille.objects.get()
    assert famille.etat == Famille.Etat.EN_VALIDATION
    assert famille.numero.startswith("9") and len(famille.numero) == 13
    titulaire = famille.titulaire
    assert (titulaire.nom, titulaire.prenom, titulaire.email) == ("FONTAINE", "Claire", ADRESSE)
    assert titulaire.date_naissance == datetime.date(1988, 4, 12)

    assert se_connecter(client)
    accueil = client.get(reverse("accueil"))
    assert accueil.url == reverse("compte_en_validation")
    page = client.get(reverse("compte_en_validation"))
    assert "Dossier en cours de validation" in texte(page)
    assert f'href="{reverse("mes_enfants")}"' not in page.content.decode()  # pas d'onglets

    client.force_login(agent)
    client.post(
        reverse("admin:familles_famille_changelist"),
        {"action": "valider_comptes", ACTION_CHECKBOX_NAME: [famille.pk]},
    )
    famille.refresh_from_db()
    assert famille.etat == Famille.Etat.ACTIVE
    assert Message.objects.get(famille=famille).sujet == "Votre compte famille est validé"
    assert mail.outbox[-1].to == [ADRESSE]
    assert "validé" in mail.outbox[-1].body

    client.logout()
    assert se_connecter(client)
    assert client.get(reverse("accueil")).status_code == 200
    assert client.get(reverse("compte_en_validation")).url == reverse("accueil")


def test_une_adresse_qui_a_deja_un_compte_recoit_la_meme_reponse(client, dupont):
    nouvelle = client.post(reverse("creer_compte"), formulaire(), follow=True)
    existante = client.post(
        reverse("creer_compte"), formulaire(email="jean.dupont@wanadoo.fr"), follow=True
    )

    assert existante.redirect_chain == nouvelle.redirect_chain
    assert texte(existante) == texte(nouvelle)
    assert CreationDeCompte.objects.filter(email="jean.dupont@wanadoo.fr").count() == 0
    courriel = mail.outbox[-1]
    assert courriel.to == ["jean.dupont@wanadoo.fr"]
    assert "déjà un compte" in courriel.subject
    assert "/creer-mon-compte/confirmer/" not in courriel.body
    assert "/mot-de-passe/oublie/" in courriel.body


def test_le_piege_a_robots_rempli_ne_cree_rien(client, db):
    reponse = client.post(reverse("creer_compte"), formulaire(site_web="http://spam.exemple"))

    assert reponse.url == reverse("creer_compte_envoye")
    assert not mail.outbox
    assert not CreationDeCompte.objects.exists()


def test_le_mot_de_passe_suit_la_regle_du_portail(client, db):
    reponse = client.post(
        reverse("creer_compte"), formulaire(mot_de_passe1="montagne", mot_de_passe2="montagne")
    )

    assert reponse.status_code == 200
    assert "au moins une majuscule" in texte(reponse)
    assert not mail.outbox


@pytest.mark.parametrize(
    "date, erreur",
    [
        ("2099-01-01", "ne peut pas être dans le futur"),
        ("2020-01-01", "Vérifiez la date de naissance"),
        ("31/02/1990", "date de naissance valide"),
    ],
)
def test_une_date_de_naissance_impossible_est_refusee(client, db, date, erreur):
    reponse = client.post(reverse("creer_compte"), formulaire(date_naissance=date))

    assert reponse.status_code == 200
    assert erreur in texte(reponse)
    assert not mail.outbox


def test_au_plus_trois_demandes_par_heure_pour_une_adresse(client, db):
    for _ in range(5):
        reponse = client.post(reverse("creer_compte"), formulaire())
        assert reponse.url == reverse("creer_compte_envoye")

    assert len(mail.outbox) == 3


def test_au_plus_dix_demandes_par_heure_depuis_une_adresse_ip(client, db):
    for rang in range(12):
        client.post(reverse("creer_compte"), formulaire(email=f"parent{rang}@exemple.fr"))

    assert len(mail.outbox) == 10


def test_un_lien_expire_est_refuse_clairement(client, db):
    with freeze_time(datetime.datetime.now() - datetime.timedelta(hours=49)):
        client.post(reverse("creer_compte"), formulaire())
    lien = chemin(lien_du_courriel(mail.outbox[-1]))

    for reponse in (client.get(lien), client.post(lien)):
        assert reponse.status_code == 400
        assert "Ce lien a expiré" in texte(reponse)
    assert not Utilisateur.objects.filter(email=ADRESSE).exists()


def test_un_lien_ne_sert_qu_une_fois(client, db):
    client.post(reverse("creer_compte"), formulaire())
    lien = chemin(lien_du_courriel(mail.outbox[-1]))
    client.post(lien)

    deuxieme = client.post(lien)

    assert deuxieme.status_code == 400
    assert "Ce lien a déjà servi" in texte(deuxieme)
    assert Famille.objects.count() == 1


def test_un_lien_altere_est_refuse(client, db):
    client.post(reverse("creer_compte"), formulaire())
    lien = chemin(lien_du_courriel(mail.outbox[-1]))

    reponse = client.get(lien.replace("/confirmer/", "/confirmer/x"))

    assert reponse.status_code == 400
    assert "Ce lien n'est pas valide" in texte(reponse)


def test_les_doublons_sont_signales_au_service_jamais_fusionnes(client, db, agent):
    ancienne = FamilleFactory()
    ResponsableFactory(
        famille=ancienne, nom="FONTAINE", prenom="CLAIRE", date_naissance=datetime.date(1988, 4, 12)
    )
    utilisateur = creer_et_confirmer(client)
    nouvelle = utilisateur.responsable.famille
    client.force_login(agent)

    liste = client.get(reverse("admin:familles_famille_changelist") + "?etat__exact=en_validation")
    fiche = client.get(reverse("admin:familles_famille_change", args=[nouvelle.pk]))

    assert nouvelle.numero in texte(liste) and ancienne.numero not in texte(liste)
    assert 'alt="True"' in liste.content.decode()  # la colonne « doublon possible »
    assert ancienne.numero in texte(fiche)
    assert Famille.objects.count() == 2
    assert Responsable.objects.filter(nom="FONTAINE").count() == 2


def test_le_service_refuse_un_compte_avec_un_motif(client, db, agent):
    utilisateur = creer_et_confirmer(client)
    famille = utilisateur.responsable.famille
    client.force_login(agent)
    url = reverse("admin:familles_famille_changelist")

    page = client.post(url, {"action": "refuser_comptes", ACTION_CHECKBOX_NAME: [famille.pk]})
    assert "Motif du refus" in texte(page)
    client.post(
        url,
        {
            "action": "refuser_comptes",
            ACTION_CHECKBOX_NAME: [famille.pk],
            "motif": "Vous n'habitez pas la communauté de communes.",
        },
    )

    famille.refresh_from_db()
    utilisateur.refresh_from_db()
    assert famille.etat == Famille.Etat.FERMEE
    assert not utilisateur.is_active
    assert "Vous n'habitez pas la communauté de communes." in mail.outbox[-1].body
    client.logout()
    assert not se_connecter(client)


def test_la_page_en_validation_tient_en_douze_requetes(client, db, django_assert_max_num_queries):
    utilisateur = creer_et_confirmer(client)
    client.force_login(utilisateur)

    with django_assert_max_num_queries(12):
        reponse = client.get(reverse("compte_en_validation"))

    assert reponse.status_code == 200


def test_valider_un_compte_demande_le_droit_de_modifier_les_familles(client, db):
    from django.contrib.auth.models import Permission

    lecteur = UtilisateurFactory(username="lecteur", is_staff=True)
    lecteur.user_permissions.set(Permission.objects.filter(codename="view_famille"))
    client.force_login(lecteur)

    page = client.get(reverse("admin:familles_famille_changelist"))

    assert page.status_code == 200
    assert "valider_comptes" not in page.content.decode()
