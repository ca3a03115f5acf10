"""« Mes enfants » n'ouvre à une famille que ses propres enfants, personnes et vaccins : les
identifiants d'une autre famille donnent 404, en lecture comme en envoi, et rien n'est
enregistré ; un visiteur anonyme est renvoyé à la connexion."""

import pytest
from django.urls import reverse

from demandes.models import Demande
from tests.factories import PersonneAutoriseeFactory, VaccinationFactory


@pytest.fixture
def cibles(dupont):
    lucas = dupont.enfants.get()
    personne = PersonneAutoriseeFactory(enfant=lucas)
    vaccination = VaccinationFactory(enfant=lucas)
    return lucas, personne, vaccination


def urls_de(lucas, personne, vaccination):
    return [
        reverse("enfant_identite", args=[lucas.pk]),
        reverse("enfant_personnes", args=[lucas.pk]),
        reverse("enfant_personne_modifier", args=[lucas.pk, personne.pk]),
        reverse("enfant_personne_retirer", args=[lucas.pk, personne.pk]),
        reverse("enfant_sanitaire", args=[lucas.pk]),
        reverse("enfant_vaccin_ajouter", args=[lucas.pk]),
        reverse("enfant_vaccin_modifier", args=[lucas.pk, vaccination.pk]),
        reverse("enfant_vaccin_retirer", args=[lucas.pk, vaccination.pk]),
        reverse("enfant_autorisations", args=[lucas.pk]),
    ]


# Ce qu'un formulaire forgé enverrait : des valeurs valables pour chacune des pages.
ENVOI_FORGE = {
    "nom": "PIRATE",
    "prenom": "Pirate",
    "sexe": "M",
    "date_naissance": "2018-01-01",
    "lien": "Aucun",
    "telephone_mobile": "0612345678",
    "allergies": "Aucune",
    "regime_alimentaire": "aucun",
    "vaccin": "BCG",
    "date": "2019-01-01",
    "autorisation_photo": "on",
    "autorisation_sortie_seul": "on",
}


def test_la_famille_martin_recoit_404_sur_chaque_page_des_enfants_dupont(client_martin, cibles):
    for url in urls_de(*cibles):
        assert client_martin.get(url).status_code == 404, url


def test_un_envoi_forge_par_la_famille_martin_donne_404_et_n_enregistre_rien(client_martin, cibles):
    for url in urls_de(*cibles):
        assert client_martin.post(url, ENVOI_FORGE).status_code == 404, url
    assert not Demande.objects.exists()


def test_la_personne_ou_le_vaccin_d_un_autre_enfant_donne_404(client_dupont, dupont, martin):
    lucas = dupont.enfants.get()
    emma = martin.enfants.get()
    personne_martin = PersonneAutoriseeFactory(enfant=emma)
    vaccin_martin = VaccinationFactory(enfant=emma)

    for url in [
        reverse("enfant_personne_modifier", args=[lucas.pk, personne_martin.pk]),
        reverse("enfant_personne_retirer", args=[lucas.pk, personne_martin.pk]),
        reverse("enfant_vaccin_modifier", args=[lucas.pk, vaccin_martin.pk]),
        reverse("enfant_vaccin_retirer", args=[lucas.pk, vaccin_martin.pk]),
    ]:
        assert client_dupont.get(url).status_code == 404, url
        assert client_dupont.post(url, ENVOI_FORGE).status_code == 404, url
    assert not Demande.objects.exists()


def test_un_enfant_inexistant_donne_404(client_dupont):
    assert client_dupont.get(reverse("enfant_identite", args=[999_999])).status_code == 404


def test_un_visiteur_anonyme_est_renvoye_a_la_connexion(client, cibles):
    for url in [reverse("mes_enfants"), reverse("nouvel_enfant"), *urls_de(*cibles)]:
        reponse = client.get(url)
        assert reponse.status_code == 302, url
        assert reponse.url.startswith(reverse("connexion")), url
        assert client.post(url, ENVOI_FORGE).status_code == 302, url
    assert not Demande.objects.exists()


def test_un_agent_sans_famille_n_a_pas_de_mes_enfants(client_agent, cibles):
    assert client_agent.get(reverse("mes_enfants")).status_code == 403
    assert client_agent.get(reverse("enfant_identite", args=[cibles[0].pk])).status_code == 403
