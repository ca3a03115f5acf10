"""La certification annuelle de la fiche : une suite de pages, chacune « Je confirme ces
informations », avec le lien « Demander une modification » vers les pages habituelles."""

import pytest
from django.urls import reverse
from django.utils import timezone

from demandes.models import Demande
from dossiers.models import CertificationAnnuelle, annee_scolaire
from tests.factories import (
    DemandeFactory,
    FicheSanitaireFactory,
    PersonneAutoriseeFactory,
    VaccinationFactory,
)
from tests.outils import texte


def pages(famille):
    enfant = famille.enfants.get()
    return [
        "famille",
        f"enfant-{enfant.pk}-identite",
        f"enfant-{enfant.pk}-sanitaire",
        f"enfant-{enfant.pk}-personnes",
    ]


def confirmer(client, cle):
    return client.post(reverse("certification_confirmer", args=[cle]), follow=True)


def test_the_certification_lists_the_pages_to_confirm(client_dupont, dupont):
    page = texte(client_dupont.get(reverse("certification")))

    assert "Fiche de la famille 20" in page
    assert "Ma famille : responsables et informations À confirmer" in page
    assert "Lucas : identité et autorisations À confirmer" in page
    assert "Lucas : données sanitaires À confirmer" in page
    assert "Lucas : personnes autorisées À confirmer" in page
    assert "Commencer" in page


def test_each_page_shows_the_record_and_how_to_ask_for_a_change(client_dupont, dupont):
    lucas = dupont.enfants.get()
    FicheSanitaireFactory(enfant=lucas, allergies="Arachides")
    VaccinationFactory(enfant=lucas, vaccin="ROR")
    PersonneAutoriseeFactory(enfant=lucas, prenom="Monique", nom="DURAND")
    famille, identite, sanitaire, personnes = (
        client_dupont.get(reverse("certification_etape", args=[cle])) for cle in pages(dupont)
    )

    assert "12 RUE DES BONBONS" in texte(famille)
    assert reverse("demande_bloc", args=["adresse", "titulaire"]) in famille.content.decode()
    assert "Page 2 sur 4" in texte(identite)
    assert "Prénom Lucas" in texte(identite)
    assert reverse("enfant_identite", args=[lucas.pk]) in identite.content.decode()
    assert "Allergies Arachides" in texte(sanitaire)
    assert "ROR —" in texte(sanitaire)
    assert reverse("enfant_sanitaire", args=[lucas.pk]) in sanitaire.content.decode()
    assert "Monique DURAND" in texte(personnes)
    assert "Je confirme ces informations" in texte(personnes)


def test_a_pending_request_shows_on_the_page_being_confirmed(client_dupont, dupont):
    DemandeFactory(
        famille=dupont,
        cible=dupont.titulaire,
        valeurs_demandees={"ville": "BOZEL"},
        valeurs_actuelles={"ville": "SAINT - JEAN"},
    )

    page = texte(client_dupont.get(reverse("certification_etape", args=["famille"])))

    assert "Demande en attente envoyée le" in page
    assert "Ville BOZEL" in page


def test_confirming_every_page_in_turn_certifies_the_year(client_dupont, dupont):
    cles = pages(dupont)

    reponses = [confirmer(client_dupont, cle) for cle in cles]

    assert reponses[0].redirect_chain[-1][0] == reverse("certification_etape", args=[cles[1]])
    assert "Page confirmée : Ma famille : responsables et informations." in texte(reponses[0])
    assert reponses[-1].redirect_chain[-1][0] == reverse("certification")
    assert "la fiche de votre famille est certifiée pour l'année scolaire" in texte(reponses[-1])
    certification = CertificationAnnuelle.objects.get()
    assert certification.famille == dupont
    assert certification.annee == annee_scolaire(timezone.localdate())
    assert certification.certifiee_par == dupont.titulaire.utilisateur
    assert certification.pages_confirmees == cles
    assert "Fiche certifiée" in texte(client_dupont.get(reverse("mon_dossier")))


def test_the_banner_of_accueil_leads_to_the_certification(client_dupont, dupont):
    page = client_dupont.get(reverse("accueil")).content.decode()

    assert f'href="{reverse("certification")}"' in page


def test_a_page_of_another_family_child_is_a_404(client_dupont, martin):
    emma = martin.enfants.get()
    cle = f"enfant-{emma.pk}-identite"

    assert client_dupont.get(reverse("certification_etape", args=[cle])).status_code == 404
    assert confirmer(client_dupont, cle).status_code == 404
    assert not CertificationAnnuelle.objects.exists()


def test_an_unknown_page_is_a_404(client_dupont, dupont):
    assert client_dupont.get(reverse("certification_etape", args=["banque"])).status_code == 404


def test_confirming_needs_a_post(client_dupont, dupont):
    reponse = client_dupont.get(reverse("certification_confirmer", args=["famille"]))

    assert reponse.status_code == 405
    assert not CertificationAnnuelle.objects.exists()


@pytest.mark.parametrize("nom", ["certification", "certification_etape"])
def test_an_anonymous_visitor_is_asked_to_log_in(client, dupont, nom):
    args = ["famille"] if nom == "certification_etape" else []

    reponse = client.get(reverse(nom, args=args))

    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("connexion"))


@pytest.mark.parametrize("etape", range(4))
def test_each_certification_page_holds_in_twelve_queries(
    client_dupont, dupont, django_assert_max_num_queries, etape
):
    lucas = dupont.enfants.get()
    FicheSanitaireFactory(enfant=lucas)
    for numero in range(5):
        VaccinationFactory(enfant=lucas, vaccin=f"Vaccin {numero}")
        PersonneAutoriseeFactory(enfant=lucas, prenom=f"Personne {numero}")
        DemandeFactory(famille=dupont, type=Demande.Type.PERSONNES_AUTORISEES, enfant=lucas)
    cle = pages(dupont)[etape]

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("certification_etape", args=[cle]))

    assert "Je confirme ces informations" in texte(reponse)


def test_the_list_of_pages_holds_in_twelve_queries(
    client_dupont, dupont, django_assert_max_num_queries
):
    from tests.factories import EnfantFactory

    for prenom in ("Léa", "Hugo", "Zoé"):
        EnfantFactory(famille=dupont, prenom=prenom)
    confirmer(client_dupont, "famille")

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("certification"))

    assert "Zoé : personnes autorisées À confirmer" in texte(reponse)
    assert "Ma famille : responsables et informations Confirmée" in texte(reponse)
