"""« Mes enfants » : la liste des enfants de la famille, et « Ajouter un enfant » (une demande
de pré-inscription que le service transforme en enfant de la famille)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from demandes.decisions import refuser_demande, valider_demande
from demandes.models import Demande
from enfants.models import Enfant
from tests.factories import DemandeFactory, EnfantFactory
from tests.outils import texte

INSCRIPTION = {
    "nom": "DUPONT",
    "prenom": "Léa",
    "sexe": "F",
    "date_naissance": "2021-06-02",
    "ecole": "",
    "classe": "",
    "commentaire": "Accueil du mercredi à la rentrée.",
}


def inscrire(client, **valeurs):
    return client.post(reverse("nouvel_enfant"), {**INSCRIPTION, **valeurs})


def test_mes_enfants_liste_les_enfants_de_la_famille(client_dupont, dupont):
    EnfantFactory(
        famille=dupont,
        nom="DUPONT",
        prenom="Léa",
        date_naissance=datetime.date(2016, 2, 29),
        ecole="École de Bozel",
        classe="CM2",
    )

    page = texte(client_dupont.get(reverse("mes_enfants")))

    assert "Léa DUPONT 29/02/2016 École de Bozel CM2" in page
    assert "Lucas DUPONT 14/05/2018 —non renseigné —non renseigné" in page
    assert page.index("Léa") < page.index("Lucas")


def test_chaque_prenom_mene_a_la_fiche_de_l_enfant(client_dupont, dupont):
    lucas = dupont.enfants.get()

    reponse = client_dupont.get(reverse("mes_enfants"))

    assert f'href="{reverse("enfant_identite", args=[lucas.pk])}">Lucas</a>' in (
        reponse.content.decode()
    )


def test_les_enfants_des_autres_familles_n_apparaissent_pas(client_dupont, martin):
    page = texte(client_dupont.get(reverse("mes_enfants")))

    assert "Emma" not in page
    assert "MARTIN" not in page


def test_une_famille_sans_enfant_le_lit(client_dupont, dupont):
    dupont.enfants.all().delete()

    page = texte(client_dupont.get(reverse("mes_enfants")))

    assert "Aucun enfant enregistré." in page


def test_la_liste_signale_les_demandes_en_attente_d_un_enfant(client_dupont, dupont):
    lucas = dupont.enfants.get()
    DemandeFactory(famille=dupont, enfant=lucas, type=Demande.Type.AUTORISATIONS)
    DemandeFactory(
        famille=dupont,
        enfant=lucas,
        type=Demande.Type.ENFANT,
        statut=Demande.Statut.REFUSEE,
        motif_refus="Non.",
        decidee_le=timezone.now(),
    )

    page = texte(client_dupont.get(reverse("mes_enfants")))

    assert "Lucas DUPONT 14/05/2018 —non renseigné —non renseigné 1 demande en attente" in page


def test_mes_enfants_tient_en_douze_requetes(client_dupont, dupont, django_assert_max_num_queries):
    EnfantFactory.create_batch(20, famille=dupont, nom="DUPONT")
    for _ in range(5):
        inscrire(client_dupont)

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("mes_enfants"))

    assert texte(reponse).count("Léa DUPONT 02/06/2021") == 5
    assert texte(reponse).count("DUPONT") >= 21


def test_ajouter_un_enfant_dit_que_le_service_reprendra_contact(client_dupont):
    page = texte(client_dupont.get(reverse("nouvel_enfant")))

    assert (
        "Nous prendrons alors contact avec vous pour compléter la totalité du dossier "
        "d'inscription." in page
    )


def test_ajouter_un_enfant_envoie_une_demande_de_pre_inscription(client_dupont, dupont):
    reponse = inscrire(client_dupont)

    assert reponse.status_code == 302
    demande = Demande.objects.get(type=Demande.Type.NOUVEL_ENFANT)
    assert demande.famille == dupont
    assert demande.cible_id is None
    assert demande.valeurs_demandees == {
        "nom": "DUPONT",
        "prenom": "Léa",
        "sexe": "F",
        "date_naissance": "2021-06-02",
    }
    assert demande.commentaire == "Accueil du mercredi à la rentrée."
    assert demande.demandeur == dupont.titulaire.utilisateur
    assert dupont.enfants.count() == 1


def test_une_pre_inscription_envoyee_apparait_en_attente(client_dupont):
    reponse = inscrire(client_dupont)
    page = texte(client_dupont.get(reponse.url))

    assert "Votre demande a été transmise au service enfance." in page
    assert "Inscription en attente" in page
    assert "Léa DUPONT 02/06/2021" in page
    assert "En attente" in page


def test_une_pre_inscription_acceptee_devient_un_enfant_de_la_famille(client_dupont, dupont, agent):
    inscrire(client_dupont)

    valider_demande(demande=Demande.objects.get(), agent=agent)

    lea = Enfant.objects.get(prenom="Léa")
    assert lea.famille == dupont
    assert lea.date_naissance == datetime.date(2021, 6, 2)
    page = texte(client_dupont.get(reverse("mes_enfants")))
    assert "Léa DUPONT 02/06/2021" in page
    assert "Inscription en attente" not in page


def test_une_pre_inscription_refusee_ne_cree_aucun_enfant(client_dupont, dupont, agent):
    inscrire(client_dupont)

    refuser_demande(demande=Demande.objects.get(), agent=agent, motif="Hors commune.")

    assert not Enfant.objects.filter(prenom="Léa").exists()
    assert "Inscription en attente" not in texte(client_dupont.get(reverse("mes_enfants")))


def test_une_date_de_naissance_future_est_refusee(client_dupont):
    demain = timezone.localdate() + datetime.timedelta(days=1)

    page = texte(inscrire(client_dupont, date_naissance=demain.isoformat()))

    assert "La date de naissance ne peut pas être dans le futur." in page
    assert not Demande.objects.exists()


def test_une_date_de_naissance_d_adulte_est_refusee(client_dupont):
    page = texte(inscrire(client_dupont, date_naissance="1990-01-01"))

    assert "le service enfance accueille les enfants de moins de 18 ans" in page
    assert not Demande.objects.exists()


def test_le_prenom_et_le_sexe_sont_obligatoires(client_dupont):
    page = texte(inscrire(client_dupont, prenom="  ", sexe=""))

    assert "Prénom : Ce champ est obligatoire." in page
    assert "Sexe : Ce champ est obligatoire." in page
    assert not Demande.objects.exists()


def test_une_date_mal_saisie_est_signalee_en_francais(client_dupont):
    page = texte(inscrire(client_dupont, date_naissance="31/02/2020"))

    assert "Saisissez une date valide." in page
    assert not Demande.objects.exists()


def test_chaque_erreur_du_resume_mene_a_son_champ(client_dupont):
    contenu = inscrire(client_dupont, sexe="", date_naissance="").content.decode()

    assert 'href="#id_sexe_0">Sexe : Ce champ est obligatoire.</a>' in contenu
    assert 'href="#id_date_naissance">Date de naissance : Ce champ est obligatoire.</a>' in contenu
    assert '<fieldset aria-describedby="id_sexe_error">' in contenu
