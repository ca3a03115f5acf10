"""Le gabarit de chaque page : bandeau de bienvenue, date, onglets, repères d'accessibilité."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from familles.models import Message
from portail.templatetags.portail import date_longue
from tests.factories import MessageFactory
from tests.outils import texte

ONGLETS = [
    ("accueil", "Accueil"),
    ("mon_compte", "Mon compte"),
    ("mes_enfants", "Mes enfants"),
    ("releve", "Relevé de compte"),
    ("boite", "Boîte de réception"),
    ("demandes", "Liste des demandes"),
]


def test_le_bandeau_salue_le_parent_et_compte_ses_seuls_messages_non_lus(
    client_dupont, dupont, martin
):
    MessageFactory.create_batch(2, famille=dupont)
    MessageFactory(famille=dupont, lu_le=timezone.now())
    MessageFactory(famille=dupont, sens=Message.Sens.VERS_SERVICE)
    MessageFactory(famille=martin)

    reponse = client_dupont.get(reverse("accueil"))

    assert "Bienvenue JEAN DUPONT, vous avez 2 nouveau(x) message(s)" in texte(reponse)


def test_le_bandeau_affiche_zero_message_quand_tout_est_lu(client_dupont, dupont):
    MessageFactory(famille=dupont, lu_le=timezone.now())

    reponse = client_dupont.get(reverse("mon_compte"))

    assert "Bienvenue JEAN DUPONT, vous avez 0 nouveau(x) message(s)" in texte(reponse)


def test_le_bandeau_donne_la_date_du_jour_en_francais(client_dupont):
    reponse = client_dupont.get(reverse("accueil"))

    assert date_longue(timezone.localdate()) in texte(reponse)


@pytest.mark.parametrize(
    ("jour", "attendu"),
    [
        (datetime.date(2026, 11, 26), "Jeudi 26 novembre 2026"),
        (datetime.date(2015, 5, 4), "Lundi 4 mai 2015"),
        (datetime.date(2026, 11, 1), "Dimanche 1er novembre 2026"),
        (datetime.date(2027, 8, 15), "Dimanche 15 août 2027"),
    ],
)
def test_la_date_longue_s_ecrit_a_la_francaise_avec_une_majuscule(jour, attendu):
    assert date_longue(jour) == attendu


@pytest.mark.parametrize(("page", "libelle"), ONGLETS)
def test_les_sept_onglets_sont_la_et_seul_le_courant_est_marque(client_dupont, page, libelle):
    reponse = client_dupont.get(reverse(page))

    source = reponse.content.decode()
    for nom, autre in ONGLETS:
        assert f'href="{reverse(nom)}"' in source
        assert autre in source
    assert re.search(r'<button type="submit" class="onglet[^"]*">Déconnexion</button>', source)
    courants = re.findall(r'<a class="onglet[^"]*" href="([^"]+)" aria-current="page">', source)
    assert courants == [reverse(page)]


def test_le_changement_de_mot_de_passe_se_rattache_a_l_onglet_accueil(client_dupont):
    source = client_dupont.get(reverse("mot_de_passe_changer")).content.decode()

    courants = re.findall(r'<a class="onglet[^"]*" href="([^"]+)" aria-current="page">', source)
    assert courants == [reverse("accueil")]


def test_la_page_est_en_francais_avec_lien_d_evitement_et_reperes(client_dupont):
    source = client_dupont.get(reverse("accueil")).content.decode()

    assert '<html lang="fr">' in source
    assert '<a class="lien-evitement" href="#contenu">Aller au contenu</a>' in source
    assert "<header" in source
    assert '<nav class="onglets" aria-label="Menu principal">' in source
    assert '<main id="contenu"' in source
    assert "<footer" in source
    assert "/static/vendor/bootstrap/bootstrap.min.css" in source
    assert "/static/css/portail.css" in source


def test_aucune_page_n_a_de_style_ni_de_script_en_ligne(client_dupont):
    for page, _ in ONGLETS:
        source = client_dupont.get(reverse(page)).content.decode()
        assert "style=" not in source
        assert "<style" not in source
        assert re.findall(r"<script(?![^>]*\ssrc=)", source) == []


def test_le_pied_de_page_donne_le_contact_de_la_collectivite(client_dupont):
    page = texte(client_dupont.get(reverse("accueil")))

    assert "Votre contact Eloïse Dupé" in page
    assert "04 79 55 02 59" in page
    assert "adminenfance@valvanoise.fr" in page
    assert "le vendredi de 8h30 à 11h30" in page
    assert "Communauté de communes Val Vanoise" in page


def test_un_visiteur_anonyme_n_a_ni_bandeau_ni_onglets(client, db):
    reponse = client.get(reverse("connexion"))

    assert "Bienvenue" not in texte(reponse)
    assert "aria-current" not in reponse.content.decode()


def test_la_date_reste_en_francais_meme_pour_un_navigateur_anglais(client_dupont):
    reponse = client_dupont.get(reverse("accueil"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert date_longue(timezone.localdate()) in texte(reponse)
    assert timezone.localdate().strftime("%A") not in texte(reponse)


def test_les_onglets_suivent_le_prefixe_du_portail(client_dupont):
    # Servi sous /portail (le SCRIPT_NAME d'un proxy, que le gestionnaire WSGI pose ainsi) :
    # les adresses des onglets, écrites une fois par configuration, portent le préfixe ; sans
    # préfixe, elles redeviennent celles du site.
    accueil = reverse("accueil")
    set_script_prefix("/portail/")
    try:
        prefixee = client_dupont.get(accueil).content.decode()
    finally:
        set_script_prefix("/")
    assert 'href="/portail/mon-compte/"' in prefixee
    assert 'action="/portail/deconnexion/"' in prefixee
    simple = client_dupont.get(reverse("accueil")).content.decode()
    assert f'href="{reverse("mon_compte")}"' in simple
    assert "/portail/" not in simple


def test_le_bandeau_compte_sans_les_messages_que_la_page_vient_d_ouvrir(client_dupont, dupont):
    premier, _ = MessageFactory.create_batch(2, famille=dupont)

    reponse = client_dupont.get(reverse("message", args=[premier.pk]))

    assert "vous avez 1 nouveau(x) message(s)" in texte(reponse)
    assert "vous avez 1 nouveau(x) message(s)" in texte(client_dupont.get(reverse("accueil")))


def test_le_compteur_est_une_seule_requete_par_page(client_dupont, dupont):
    MessageFactory.create_batch(3, famille=dupont)

    with CaptureQueriesContext(connection) as requetes:
        reponse = client_dupont.get(reverse("infos"))

    assert "vous avez 3 nouveau(x) message(s)" in texte(reponse)
    comptes = [q["sql"] for q in requetes.captured_queries if q["sql"].startswith("SELECT COUNT")]
    # familles.services.nombre_de_messages_non_lus, une fois, au rendu du bandeau
    assert len(comptes) == 1 and "familles_message" in comptes[0]
