"""« Mon compte » : les informations de la famille, bloc par bloc, et ce qui est en attente."""

from decimal import Decimal

from django.urls import reverse

from demandes.models import Demande
from demandes.services import creer_demande
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
        "N° famille 1001001819331",
        "Qualité Père",
        "Adresse 12 RUE DES BONBONS",
        "Code postal 31400",
        "Ville SAINT - JEAN",
        "Téléphone domicile 01 02 03 04 05",
        "Téléphone prof. —non renseigné",
        "Mobile —non renseigné",
        "E-mail jean.dupont@wanadoo.fr",
        "Situation familiale Séparé",
        "CSP —non renseigné",
        "Profession —non renseigné",
        "Employeur —non renseigné",
        "Adresse employeur —non renseigné",
        "Autorisation SMS Non",
        "Autorisation courriel Oui",
    ]:
        assert paire in mon_compte, paire


def test_chaque_bloc_a_son_lien_pour_demander_une_modification(client_dupont):
    source = client_dupont.get(reverse("mon_compte")).content.decode()

    for url in [
        "/mon-compte/demande/adresse/titulaire/",
        "/mon-compte/demande/telephones/titulaire/",
        "/mon-compte/demande/situation/titulaire/",
        "/mon-compte/demande/profession/titulaire/",
        "/mon-compte/demande/autorisations/titulaire/",
        "/mon-compte/demande/adresse/conjoint/",
        "/mon-compte/demande/fiscales/",
        "/mon-compte/demande/caf/",
        "/mon-compte/demande/bancaires/",
        "/mon-compte/demande/prelevement/",
    ]:
        assert f'href="{url}"' in source, url
    assert (
        'Demander une modification<span class="visually-hidden"> : adresse de JEAN DUPONT</span>'
        in source
    )


def test_mon_compte_montre_le_conjoint_jeanne(client_dupont):
    page = texte(client_dupont.get(reverse("mon_compte")))

    conjoint = bloc(page, "Mon conjoint", "Informations de la famille")
    for paire in [
        "Nom DUPONT",
        "Prénom JEANNE",
        "Qualité Mère",
        "Adresse Lotissement les bons bonbons",
        "Code postal 31400",
        "Ville SAINT - JEAN",
        "E-mail —non renseigné",
        "Autorisation SMS Non",
        "Autorisation courriel Oui",
    ]:
        assert paire in conjoint, paire
    # Les informations de la famille ne se répètent pas dans le bloc du conjoint.
    assert "N° famille" not in conjoint
    assert "Prénom JEAN " not in conjoint


def test_la_banque_et_les_informations_fiscales_et_caf_de_la_famille(client_dupont, dupont):
    Famille.objects.filter(pk=dupont.pk).update(
        nom_banque="Crédit Savoyard",
        titulaire_compte="DUPONT JEAN",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPPXXX",
        revenu_fiscal=Decimal("31250.00"),
        nombre_parts=Decimal("2.50"),
        quotient_familial=812,
        organisme_rattachement=Famille.Organisme.CAF,
        numero_allocataire="7312345",
    )

    page = texte(client_dupont.get(reverse("mon_compte")))

    famille = page[page.index("Informations de la famille") :]
    for paire in [
        "Revenu fiscal de référence 31 250,00 €",
        "Nombre de parts fiscales 2,50",
        "Quotient familial calculé 1 042",  # 31 250 ÷ 12 ÷ 2,5
        "Organisme de rattachement CAF",
        "N° allocataire 7312345",
        "Quotient familial 812",
        "Nom de la banque Crédit Savoyard",
        "Titulaire du compte DUPONT JEAN",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "BIC AGRIFRPPXXX",
        "Prélèvement automatique Non",
    ]:
        assert paire in famille, paire


def test_une_demande_en_attente_s_affiche_a_cote_de_son_bloc(client_dupont, dupont):
    jean = dupont.titulaire
    creer_demande(
        famille=dupont,
        type=Demande.Type.RESPONSABLE,
        par=jean.utilisateur,
        cible=jean,
        valeurs={"adresse": "5 RUE DES ÉCOLES", "telephone_mobile": "06 11 22 33 44"},
    )

    page = texte(client_dupont.get(reverse("mon_compte")))

    adresse = bloc(page, "Adresse Adresse 12 RUE", "Téléphone domicile")
    assert "Demande en attente envoyée le" in adresse
    assert "valeurs demandées : Adresse 5 RUE DES ÉCOLES Cette demande porte aussi sur" in adresse
    assert "porte aussi sur : Téléphones et e-mail. Retirer cette demande" in adresse
    assert "Demander une modification" not in adresse  # d'abord la réponse, ou le retrait
    telephones = bloc(page, "Téléphones et e-mail Téléphone domicile", "Situation familiale")
    assert "valeurs demandées : Mobile 06 11 22 33 44" in telephones
    assert "Cette demande porte aussi sur : Adresse." in telephones
    situation = bloc(page, "Situation familiale", "Profession")
    assert "Demande en attente" not in situation
    assert "Demande en attente" not in bloc(page, "Mon conjoint", "Informations de la famille")


def test_une_famille_sans_conjoint_le_dit_et_peut_le_declarer(client_martin):
    page = texte(client_martin.get(reverse("mon_compte")))

    assert "Mon conjoint Aucun conjoint enregistré. Déclarer un conjoint" in page


def test_le_conjoint_connecte_voit_sa_propre_fiche_en_premier(client, dupont):
    jeanne = dupont.conjoint
    jeanne.utilisateur = UtilisateurFactory(username="jeanne.dupont")
    jeanne.save()
    client.force_login(jeanne.utilisateur)

    reponse = client.get(reverse("mon_compte"))
    page = texte(reponse)

    assert "Prénom JEANNE" in bloc(page, "Mon compte Civilité", "Mon conjoint")
    assert "Prénom JEAN " in bloc(page, "Mon conjoint", "Informations de la famille")
    # Ses liens à elle modifient sa propre fiche (le conjoint de la famille).
    assert 'href="/mon-compte/demande/adresse/conjoint/"' in reponse.content.decode()


def test_martin_ne_voit_rien_des_dupont(client_martin, dupont):
    page = texte(client_martin.get(reverse("mon_compte")))

    assert "MARIE" in page
    assert "DUPONT" not in page
    assert "1001001819331" not in page
    assert "BONBONS" not in page.upper()


def test_un_anonyme_est_renvoye_a_la_connexion(client, dupont):
    reponse = client.get(reverse("mon_compte"))

    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("connexion"))


def test_une_valeur_vide_est_lisible_par_un_lecteur_d_ecran(client_dupont):
    source = client_dupont.get(reverse("mon_compte")).content.decode()

    assert (
        '<dt>Mobile</dt> <dd><span aria-hidden="true">—</span>'
        '<span class="visually-hidden">non renseigné</span></dd>'
    ) in source


def test_mon_compte_tient_en_douze_requetes(client_dupont, dupont, django_assert_max_num_queries):
    jean = dupont.titulaire
    for champ, valeur in [
        ("adresse", "1 RUE A"),
        ("telephone_mobile", "06 11 22 33 44"),
        ("profession", "Guide"),
    ]:
        creer_demande(
            famille=dupont,
            type=Demande.Type.RESPONSABLE,
            par=jean.utilisateur,
            cible=jean,
            valeurs={champ: valeur},
        )

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("mon_compte"))

    assert reponse.status_code == 200
    assert texte(reponse).count("Demande en attente") == 3
    assert Responsable.objects.count() == 2
