"""« Mon compte » : les informations de la famille, en lecture seule."""

from decimal import Decimal

from django.urls import reverse

from familles.models import Famille, Responsable
from tests.factories import UtilisateurFactory
from tests.outils import texte


def bloc(page, titre, suivant):
    """Le texte d'un bloc de la page, de son titre au titre suivant."""
    debut = page.index(titre)
    return page[debut : page.index(suivant, debut)]


def test_mon_compte_montre_les_valeurs_du_guide_pour_jean_dupont(client_dupont):
    page = texte(client_dupont.get(reverse("mon_compte")))

    assert "Informations famille" in page
    mon_compte = bloc(page, "Mon compte Civilité", "Mon conjoint")
    for paire in [
        "Civilité Monsieur",
        "Nom DUPONT",
        "Prénom JEAN",
        "N° Famille 1001001819331",
        "Qualité Père",
        "Situation Séparé",
        "Adresse 12 RUE DES BONBONS",
        "Code postal 31400",
        "Ville SAINT - JEAN",
        "Téléphone domicile 01 02 03 04 05",
        "Téléphone prof. —non renseigné",
        "Mobile —non renseigné",
        "Email jean.dupont@wanadoo.fr",
        "Nom banque —non renseigné",
        "CSP —non renseigné",
        "Profession —non renseigné",
        "Employeur —non renseigné",
        "Adresse employeur —non renseigné",
        "Autorisation SMS Non",
        "Autorisation courriel Oui",
        "Organisme rattachement Aucun",
    ]:
        assert paire in mon_compte, paire


def test_mon_compte_montre_le_conjoint_jeanne(client_dupont):
    page = texte(client_dupont.get(reverse("mon_compte")))

    conjoint = bloc(page, "Mon conjoint", "Informations fiscales et CAF")
    for paire in [
        "Nom DUPONT",
        "Prénom JEANNE",
        "Qualité Mère",
        "Adresse Lotissement les bons bonbons",
        "Code postal 31400",
        "Ville SAINT - JEAN",
        "Email —non renseigné",
        "Autorisation SMS Non",
        "Autorisation courriel Oui",
    ]:
        assert paire in conjoint, paire
    # Les informations de la famille ne se répètent pas dans le bloc du conjoint.
    assert "N° Famille" not in conjoint
    assert "Prénom JEAN " not in conjoint


def test_la_banque_et_les_informations_fiscales_et_caf_de_la_famille(client_dupont, dupont):
    Famille.objects.filter(pk=dupont.pk).update(
        nom_banque="Crédit Savoyard",
        titulaire_compte="DUPONT JEAN",
        revenu_fiscal=Decimal("31250.00"),
        nombre_parts=Decimal("2.50"),
        quotient_familial=812,
        organisme_rattachement=Famille.Organisme.CAF,
        numero_allocataire="7312345",
    )

    page = texte(client_dupont.get(reverse("mon_compte")))

    assert "Nom banque Crédit Savoyard" in page
    assert "Titulaire du compte DUPONT JEAN" in page
    assert "Organisme rattachement CAF" in page
    assert "Revenu fiscal de référence 31 250,00 €" in page
    assert "Nombre de parts 2,5" in page
    assert "Quotient familial 812" in page
    assert "N° allocataire 7312345" in page


def test_une_famille_sans_conjoint_le_dit(client_martin):
    page = texte(client_martin.get(reverse("mon_compte")))

    assert "Mon conjoint Aucun conjoint enregistré." in page


def test_le_conjoint_connecte_voit_sa_propre_fiche_en_premier(client, dupont):
    jeanne = dupont.conjoint
    jeanne.utilisateur = UtilisateurFactory(username="jeanne.dupont")
    jeanne.save()
    client.force_login(jeanne.utilisateur)

    page = texte(client.get(reverse("mon_compte")))

    assert "Prénom JEANNE" in bloc(page, "Mon compte Civilité", "Mon conjoint")
    assert "Prénom JEAN " in bloc(page, "Mon conjoint", "Informations fiscales")


def test_martin_ne_voit_rien_des_dupont(client_martin, dupont):
    page = texte(client_martin.get(reverse("mon_compte")))

    assert "MARIE" in page
    assert "DUPONT" not in page
    assert "1001001819331" not in page
    assert "BONBONS" not in page.upper()


def test_une_valeur_vide_est_lisible_par_un_lecteur_d_ecran(client_dupont):
    source = client_dupont.get(reverse("mon_compte")).content.decode()

    assert (
        '<dt>Mobile</dt> <dd><span aria-hidden="true">—</span>'
        '<span class="visually-hidden">non renseigné</span></dd>'
    ) in source


def test_mon_compte_tient_en_douze_requetes(client_dupont, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("mon_compte"))

    assert reponse.status_code == 200
    assert Responsable.objects.count() == 2
