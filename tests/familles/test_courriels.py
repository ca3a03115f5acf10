"""Les courriels du portail : en français, en texte et en HTML, signés du service, et
seulement aux responsables qui les acceptent (sauf la réinitialisation du mot de passe)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse

from facturation.models import Facture
from facturation.notifications import annoncer_facture
from familles import services
from familles.models import Message, Responsable
from familles.notifications import envoyer_confirmation_reservations
from tests.factories import FactureFactory, MessageFactory


@pytest.fixture(autouse=True)
def adresse_du_portail(settings):
    settings.PORTAIL_URL = "https://portail.valvanoise.fr"


@pytest.fixture
def envoyer(django_capture_on_commit_callbacks):
    """Appelle une fonction qui écrit aux familles et valide sa transaction : les courriels
    ne partent qu'après."""

    def envoyer(fonction, **arguments):
        with django_capture_on_commit_callbacks(execute=True):
            return fonction(**arguments)

    return envoyer


def html(courriel):
    contenu, type_mime = courriel.alternatives[0]
    assert type_mime == "text/html"
    return contenu


def signe_par_le_service(courriel):
    corps = courriel.body
    return (
        "Service enfance — Communauté de communes Val Vanoise" in corps
        and "04 79 55 02 59" in corps
        and "adminenfance@valvanoise.fr" in corps
        and "Communauté de communes Val Vanoise" in html(courriel)
        and "04 79 55 02 59" in html(courriel)
    )


def test_un_nouveau_message_est_annonce_sans_son_contenu_avec_un_lien(dupont, agent, envoyer):
    message = envoyer(
        services.ecrire_a_la_famille,
        famille=dupont,
        par=agent,
        sujet="Sortie au lac",
        corps="Rendez-vous à 9 h au lac.",
    )

    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == ["jean.dupont@wanadoo.fr"]
    assert courriel.subject == "Portail Familles : vous avez un nouveau message"
    assert "Vous avez un nouveau message du service enfance" in courriel.body
    assert "« Sortie au lac »" in courriel.body
    assert "Rendez-vous à 9 h" not in courriel.body
    assert "Rendez-vous à 9 h" not in html(courriel)
    lien = f"https://portail.valvanoise.fr{reverse('message', args=[message.pk])}"
    assert lien in courriel.body
    assert f'href="{lien}"' in html(courriel)
    assert '<html lang="fr">' in html(courriel)
    assert signe_par_le_service(courriel)


def test_une_reponse_du_service_est_annoncee_comme_telle(dupont, agent, envoyer):
    question = MessageFactory(famille=dupont, sens=Message.Sens.VERS_SERVICE, sujet="Question")

    envoyer(services.repondre_a_la_famille, message=question, par=agent, corps="Voici la réponse.")

    assert "Le service enfance a répondu à votre message « Question »" in mail.outbox[0].body


def test_chaque_responsable_qui_accepte_recoit_son_propre_courriel(dupont, agent, envoyer):
    jeanne = dupont.conjoint
    jeanne.email = "jeanne.dupont@exemple.fr"
    jeanne.save()

    envoyer(services.ecrire_a_la_famille, famille=dupont, par=agent, sujet="Sujet", corps="Texte")

    assert sorted(courriel.to[0] for courriel in mail.outbox) == [
        "jean.dupont@wanadoo.fr",
        "jeanne.dupont@exemple.fr",
    ]
    assert all(len(courriel.to) == 1 for courriel in mail.outbox)


def test_sans_autorisation_courriel_le_message_arrive_mais_aucun_courriel(dupont, agent, envoyer):
    Responsable.objects.filter(famille=dupont).update(autorisation_courriel=False)

    envoyer(services.ecrire_a_la_famille, famille=dupont, par=agent, sujet="Sujet", corps="Texte")

    assert Message.objects.filter(famille=dupont).count() == 1
    assert mail.outbox == []


def test_ecrire_aux_familles_envoie_un_courriel_par_responsable_qui_accepte(
    dupont, martin, agent, envoyer
):
    Responsable.objects.filter(famille=martin).update(autorisation_courriel=False)

    envoyer(
        services.ecrire_aux_familles,
        familles=[dupont, martin],
        par=agent,
        sujet="Fermeture",
        corps="Le 11 novembre.",
    )

    assert Message.objects.count() == 2
    assert [courriel.to for courriel in mail.outbox] == [["jean.dupont@wanadoo.fr"]]


def test_un_message_de_la_famille_n_envoie_pas_de_courriel_a_la_famille(dupont, envoyer):
    envoyer(
        services.envoyer_message_au_service,
        famille=dupont,
        par=dupont.titulaire.utilisateur,
        sujet="Question",
        corps="Texte",
    )

    assert mail.outbox == []


def test_la_confirmation_des_reservations_liste_les_journees(dupont, envoyer):
    lignes = [
        SimpleNamespace(
            enfant="Lucas DUPONT",
            prestation="Accueil de Loisirs ALSH Mercredi après-midi",
            date=datetime.date(2026, 12, 2),
            etat="Réservé",
        ),
        {
            "enfant": "Lucas DUPONT",
            "prestation": "Garderie périscolaire Restauration scolaire",
            "date": datetime.date(2026, 12, 3),
            "etat": "Demande en attente",
        },
    ]

    envoyer(envoyer_confirmation_reservations, famille=dupont, lignes=lignes)

    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == ["jean.dupont@wanadoo.fr"]
    assert courriel.subject == "Portail Familles : vos réservations"
    assert (
        "Lucas DUPONT — Accueil de Loisirs ALSH Mercredi après-midi — mercredi 02/12/2026 : "
        "Réservé" in courriel.body
    )
    assert "jeudi 03/12/2026 : Demande en attente" in courriel.body
    assert "https://portail.valvanoise.fr/mes-enfants/" in courriel.body
    assert "Demande en attente" in html(courriel)
    assert signe_par_le_service(courriel)


def test_la_confirmation_des_reservations_respecte_l_autorisation_courriel(dupont, envoyer):
    Responsable.objects.filter(famille=dupont).update(autorisation_courriel=False)

    envoyer(
        envoyer_confirmation_reservations,
        famille=dupont,
        lignes=[{"enfant": "Lucas", "prestation": "ALSH", "date": datetime.date(2026, 12, 2)}],
    )

    assert mail.outbox == []


def test_une_nouvelle_facture_est_annoncee_avec_son_montant_et_son_echeance(dupont, envoyer):
    facture = FactureFactory(
        famille=dupont,
        numero="AL-36",
        date_facture=datetime.date(2026, 4, 8),
        date_echeance=datetime.date(2026, 4, 30),
        periode_debut=datetime.date(2026, 4, 1),
        periode_fin=datetime.date(2026, 4, 30),
        montant=Decimal("120.60"),
    )

    envoyer(annoncer_facture, facture=facture)

    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == ["jean.dupont@wanadoo.fr"]
    assert courriel.subject == "Portail Familles : facture AL-36"
    assert "Votre facture n° AL-36 du 08/04/2026 (Régie garderie ALSH)" in courriel.body
    assert "Montant : 120,60\u00a0€" in courriel.body
    assert "À régler avant le : 30/04/2026" in courriel.body
    assert "https://portail.valvanoise.fr/releve/" in courriel.body
    assert "120,60\u00a0€" in html(courriel)
    assert signe_par_le_service(courriel)


def test_un_avoir_est_annonce_comme_un_avoir(dupont, envoyer):
    facture = FactureFactory(famille=dupont, numero="AL-40")
    avoir = FactureFactory(
        famille=dupont,
        numero="AL-41",
        genre=Facture.Genre.AVOIR,
        facture_corrigee=facture,
        montant=Decimal("-25.00"),
    )

    envoyer(annoncer_facture, facture=avoir)

    assert mail.outbox[0].subject == "Portail Familles : avoir AL-41"
    assert "Un avoir n° AL-41 de -25,00\u00a0€" in mail.outbox[0].body


def test_une_facture_n_est_pas_annoncee_sans_autorisation_courriel(dupont, envoyer):
    Responsable.objects.filter(famille=dupont).update(autorisation_courriel=False)

    envoyer(annoncer_facture, facture=FactureFactory(famille=dupont))

    assert mail.outbox == []


def test_la_reinitialisation_part_meme_sans_autorisation_courriel_avec_la_mise_en_page(
    client, dupont
):
    Responsable.objects.filter(famille=dupont).update(autorisation_courriel=False)

    client.post(reverse("mot_de_passe_oublie"), {"email": "jean.dupont@wanadoo.fr"})

    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert "Portail Familles" in html(courriel)
    assert "Ce courriel répond à une demande de nouveau mot de passe" in html(courriel)
    assert signe_par_le_service(courriel)
