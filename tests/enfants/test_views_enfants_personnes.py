"""Les personnes autorisées à venir chercher un enfant : ajouter, modifier, retirer — chaque
fois une demande que le service valide."""

import pytest
from django.urls import reverse

from demandes.decisions import refuser_demande, valider_demande
from demandes.models import Demande
from enfants.models import PersonneAutorisee
from tests.factories import PersonneAutoriseeFactory
from tests.outils import texte

ODETTE = {
    "nom": "DUPONT",
    "prenom": "Odette",
    "lien": "Grand-mère",
    "telephone": "",
    "telephone_mobile": "0612345678",
}


@pytest.fixture
def lucas(dupont):
    return dupont.enfants.get()


@pytest.fixture
def monique(lucas):
    return PersonneAutoriseeFactory(enfant=lucas)


def valeurs_de(personne, **changements):
    return {
        "nom": personne.nom,
        "prenom": personne.prenom,
        "lien": personne.lien,
        "telephone": personne.telephone,
        "telephone_mobile": personne.telephone_mobile,
        **changements,
    }


def test_la_section_liste_les_personnes_autorisees(client_dupont, lucas, monique):
    page = texte(client_dupont.get(reverse("enfant_personnes", args=[lucas.pk])))

    assert "Monique DURAND" in page
    assert "Lien avec l'enfant Grand-mère" in page
    assert "Mobile 06 12 34 56 78" in page


def test_ajouter_une_personne_est_une_demande_au_numero_mis_en_forme(client_dupont, lucas):
    url = reverse("enfant_personnes", args=[lucas.pk])

    reponse = client_dupont.post(url, ODETTE)

    assert reponse.url == url
    demande = Demande.objects.get()
    assert demande.type == Demande.Type.PERSONNES_AUTORISEES
    assert demande.enfant == lucas
    assert demande.cible_id is None
    assert demande.valeurs_demandees == {
        "nom": "DUPONT",
        "prenom": "Odette",
        "lien": "Grand-mère",
        "telephone_mobile": "06 12 34 56 78",
    }
    assert not PersonneAutorisee.objects.exists()


def test_une_personne_ajoutee_apparait_en_attente(client_dupont, lucas):
    url = reverse("enfant_personnes", args=[lucas.pk])

    page = texte(client_dupont.post(url, ODETTE, follow=True))

    assert "Votre demande a été transmise au service enfance." in page
    assert "Odette DUPONT Demande en attente" in page
    assert "Mobile 06 12 34 56 78" in page


def test_une_personne_acceptee_rejoint_la_liste_de_l_enfant(client_dupont, lucas, agent):
    client_dupont.post(reverse("enfant_personnes", args=[lucas.pk]), ODETTE)

    valider_demande(demande=Demande.objects.get(), agent=agent)

    odette = PersonneAutorisee.objects.get()
    assert odette.enfant == lucas
    assert odette.telephone_mobile == "06 12 34 56 78"
    page = texte(client_dupont.get(reverse("enfant_personnes", args=[lucas.pk])))
    assert "Odette DUPONT" in page
    assert "Demande en attente" not in page


def test_une_personne_refusee_n_est_pas_ajoutee(client_dupont, lucas, agent):
    client_dupont.post(reverse("enfant_personnes", args=[lucas.pk]), ODETTE)

    refuser_demande(demande=Demande.objects.get(), agent=agent, motif="Pièce d'identité ?")

    assert not PersonneAutorisee.objects.exists()


def test_deux_personnes_peuvent_attendre_ensemble(client_dupont, lucas):
    url = reverse("enfant_personnes", args=[lucas.pk])

    client_dupont.post(url, ODETTE)
    client_dupont.post(url, {**ODETTE, "prenom": "Marcel", "lien": "Grand-père"})

    assert Demande.objects.count() == 2


@pytest.mark.parametrize(
    "champ, valeur, erreur",
    [
        ("nom", "", "Nom : Ce champ est obligatoire."),
        ("lien", "", "Lien avec l'enfant : Ce champ est obligatoire."),
        ("telephone_mobile", "06 12", "Saisissez un numéro de téléphone français valide"),
        ("telephone_mobile", "+41 21 123 45 67", "Saisissez un numéro de téléphone français"),
        ("telephone_mobile", "", "Indiquez au moins un numéro de téléphone"),
    ],
)
def test_une_saisie_invalide_est_expliquee_et_rien_n_est_enregistre(
    client_dupont, lucas, champ, valeur, erreur
):
    reponse = client_dupont.post(
        reverse("enfant_personnes", args=[lucas.pk]), {**ODETTE, champ: valeur}
    )

    assert reponse.status_code == 200
    assert erreur in texte(reponse)
    assert not Demande.objects.exists()


def test_un_numero_international_francais_est_accepte_et_mis_en_forme(client_dupont, lucas):
    client_dupont.post(
        reverse("enfant_personnes", args=[lucas.pk]),
        {**ODETTE, "telephone": "+33 4 79 55 02 59", "telephone_mobile": ""},
    )

    assert Demande.objects.get().valeurs_demandees["telephone"] == "04 79 55 02 59"


def test_modifier_une_personne_ne_garde_que_ce_qui_change(client_dupont, lucas, monique, agent):
    url = reverse("enfant_personne_modifier", args=[lucas.pk, monique.pk])
    assert client_dupont.get(url).context["form"].initial["prenom"] == "Monique"

    reponse = client_dupont.post(url, valeurs_de(monique, telephone="04.79.55.02.59"))

    assert reponse.url == reverse("enfant_personnes", args=[lucas.pk])
    demande = Demande.objects.get()
    assert demande.cible == monique
    assert demande.valeurs_demandees == {"telephone": "04 79 55 02 59"}
    assert demande.valeurs_actuelles == {"telephone": ""}
    page = texte(client_dupont.get(reponse.url))
    assert "Monique DURAND Modification en attente" in page
    assert "Téléphone —non renseigné Demandé 04 79 55 02 59" in page
    valider_demande(demande=demande, agent=agent)
    monique.refresh_from_db()
    assert monique.telephone == "04 79 55 02 59"


def test_une_modification_refusee_ne_change_pas_la_personne(client_dupont, lucas, monique, agent):
    client_dupont.post(
        reverse("enfant_personne_modifier", args=[lucas.pk, monique.pk]),
        valeurs_de(monique, lien="Nounou"),
    )

    refuser_demande(demande=Demande.objects.get(), agent=agent, motif="Inconnu.")

    monique.refresh_from_db()
    assert monique.lien == "Grand-mère"


def test_modifier_sans_rien_changer_n_envoie_rien(client_dupont, lucas, monique):
    reponse = client_dupont.post(
        reverse("enfant_personne_modifier", args=[lucas.pk, monique.pk]), valeurs_de(monique)
    )

    assert "Vous n'avez modifié aucune information" in texte(reponse)
    assert not Demande.objects.exists()


def test_retirer_une_personne_demande_confirmation_puis_s_applique(
    client_dupont, lucas, monique, agent
):
    url = reverse("enfant_personne_retirer", args=[lucas.pk, monique.pk])
    assert "Retirer Monique DURAND des personnes autorisées" in texte(client_dupont.get(url))
    assert PersonneAutorisee.objects.filter(pk=monique.pk).exists()

    client_dupont.post(url, {"commentaire": "Déménagement."})

    demande = Demande.objects.get()
    assert demande.valeurs_demandees == {"_supprimer": True}
    assert demande.valeurs_actuelles["prenom"] == "Monique"
    assert "Retrait en attente" in texte(
        client_dupont.get(reverse("enfant_personnes", args=[lucas.pk]))
    )
    valider_demande(demande=demande, agent=agent)
    assert not PersonneAutorisee.objects.filter(pk=monique.pk).exists()


def test_un_retrait_refuse_garde_la_personne(client_dupont, lucas, monique, agent):
    client_dupont.post(reverse("enfant_personne_retirer", args=[lucas.pk, monique.pk]), {})

    refuser_demande(demande=Demande.objects.get(), agent=agent, motif="Gardons-la.")

    assert PersonneAutorisee.objects.filter(pk=monique.pk).exists()


def test_un_retrait_en_attente_empeche_une_modification(client_dupont, lucas, monique):
    client_dupont.post(reverse("enfant_personne_retirer", args=[lucas.pk, monique.pk]), {})
    url = reverse("enfant_personne_modifier", args=[lucas.pk, monique.pk])
    assert "Demander une modification" not in texte(client_dupont.get(url))

    reponse = client_dupont.post(url, valeurs_de(monique, lien="Tante"), follow=True)

    assert "Une demande sur ces informations est déjà en attente" in texte(reponse)
    assert Demande.objects.count() == 1
