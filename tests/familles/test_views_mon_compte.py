"""Les demandes de « Mon compte » : un formulaire par bloc, qui devient une demande au service ;
rien ne change avant la validation, rien n'est appliqué après un refus."""

from decimal import Decimal

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demandes.decisions import refuser_demande, valider_demande
from demandes.models import Demande
from demandes.services import DemandeImpossible, en_json
from familles.forms.mon_compte import libeller_le_choix_vide
from familles.models import Famille, Responsable
from tests.factories import DemandeFactory
from tests.outils import texte

TRANSMISE = "Votre demande a été transmise au service enfance"


def url_bloc(bloc, role=None):
    if role is None:
        return reverse("demande_bloc_famille", args=[bloc])
    return reverse("demande_bloc", args=[bloc, role])


def fiche_de(famille, role):
    if role is None:
        return Famille.objects.get(pk=famille.pk)
    return Responsable.objects.get(famille=famille, role=role)


# (bloc, rôle, données envoyées, type attendu, valeurs demandées attendues)
DEMANDES = [
    pytest.param(
        "adresse",
        "titulaire",
        {"adresse": "5 RUE DES ÉCOLES", "code_postal": "73 350", "ville": "BOZEL"},
        Demande.Type.RESPONSABLE,
        {"adresse": "5 RUE DES ÉCOLES", "code_postal": "73350", "ville": "BOZEL"},
        id="adresse",
    ),
    pytest.param(
        "telephones",
        "conjoint",
        {
            "telephone_domicile": "",
            "telephone_professionnel": "0479550259",
            "telephone_mobile": "+33 6 12 34 56 78",
            "email": "jeanne.dupont@exemple.fr",
        },
        Demande.Type.CONJOINT,
        {
            "telephone_professionnel": "04 79 55 02 59",
            "telephone_mobile": "06 12 34 56 78",
            "email": "jeanne.dupont@exemple.fr",
        },
        id="telephones-du-conjoint",
    ),
    pytest.param(
        "situation",
        "titulaire",
        {"situation": "divorce"},
        Demande.Type.RESPONSABLE,
        {"situation": "divorce"},
        id="situation",
    ),
    pytest.param(
        "profession",
        "titulaire",
        {
            "csp": "Employé",
            "profession": "Moniteur de ski",
            "employeur": "ESF Bozel",
            "adresse_employeur": "Place du village, 73350 BOZEL",
        },
        Demande.Type.RESPONSABLE,
        {
            "csp": "Employé",
            "profession": "Moniteur de ski",
            "employeur": "ESF Bozel",
            "adresse_employeur": "Place du village, 73350 BOZEL",
        },
        id="profession",
    ),
    pytest.param(
        "autorisations",
        "titulaire",
        {"autorisation_sms": "on"},
        Demande.Type.RESPONSABLE,
        {"autorisation_sms": True, "autorisation_courriel": False},
        id="autorisations",
    ),
    pytest.param(
        "fiscales",
        None,
        {"revenu_fiscal": "31 250", "nombre_parts": "2,5"},
        Demande.Type.FISCALES,
        {"revenu_fiscal": "31250.00", "nombre_parts": "2.50"},
        id="fiscales",
    ),
    pytest.param(
        "caf",
        None,
        {
            "organisme_rattachement": "CAF",
            "numero_allocataire": "731 2345",
            "quotient_familial": "812",
        },
        Demande.Type.CAF,
        {
            "organisme_rattachement": "CAF",
            "numero_allocataire": "7312345",
            "quotient_familial": 812,
        },
        id="caf",
    ),
    pytest.param(
        "bancaires",
        None,
        {
            "nom_banque": "Crédit Savoyard",
            "titulaire_compte": "DUPONT JEAN",
            "iban": "fr76 3000 6000 0112 3456 7890 189",
            "bic": "",
        },
        Demande.Type.BANCAIRES,
        {
            "nom_banque": "Crédit Savoyard",
            "titulaire_compte": "DUPONT JEAN",
            "iban": "FR7630006000011234567890189",
            "bic": "AGRIFRPPXXX",  # déduit de l'IBAN
        },
        id="bancaires",
    ),
    pytest.param(
        "prelevement",
        None,
        {
            "prelevement_automatique": "on",
            "iban": "FR76 3000 6000 0112 3456 7890 189",
            "bic": "agrifrpp 881",
        },
        Demande.Type.PRELEVEMENT,
        {
            "prelevement_automatique": True,
            "iban": "FR7630006000011234567890189",
            "bic": "AGRIFRPP881",
        },
        id="prelevement-avec-son-iban",
    ),
]


@pytest.mark.parametrize(("bloc", "role", "donnees", "type", "attendues"), DEMANDES)
def test_une_demande_acceptee_modifie_la_fiche(
    client_dupont, dupont, agent, bloc, role, donnees, type, attendues
):
    avant = {champ: en_json(getattr(fiche_de(dupont, role), champ)) for champ in attendues}

    reponse = client_dupont.post(url_bloc(bloc, role), donnees, follow=True)

    assert reponse.redirect_chain == [(reverse("mon_compte"), 302)]
    assert TRANSMISE in texte(reponse)
    demande = Demande.objects.get()
    assert demande.type == type
    assert demande.famille == dupont
    assert demande.cible == fiche_de(dupont, role)
    assert demande.valeurs_demandees == attendues
    assert demande.valeurs_actuelles == avant
    # Rien ne change tant que le service n'a pas validé.
    fiche = fiche_de(dupont, role)
    assert {champ: en_json(getattr(fiche, champ)) for champ in attendues} == avant

    valider_demande(demande=demande, agent=agent)

    fiche = fiche_de(dupont, role)
    assert {champ: en_json(getattr(fiche, champ)) for champ in attendues} == attendues


@pytest.mark.parametrize(("bloc", "role", "donnees", "type", "attendues"), DEMANDES)
def test_une_demande_refusee_ne_change_rien(
    client_dupont, dupont, agent, bloc, role, donnees, type, attendues
):
    avant = {champ: en_json(getattr(fiche_de(dupont, role), champ)) for champ in attendues}
    client_dupont.post(url_bloc(bloc, role), donnees)

    refuser_demande(demande=Demande.objects.get(), agent=agent, motif="Justificatif manquant.")

    fiche = fiche_de(dupont, role)
    assert {champ: en_json(getattr(fiche, champ)) for champ in attendues} == avant


def test_le_formulaire_part_des_valeurs_actuelles(client_dupont):
    reponse = client_dupont.get(url_bloc("adresse", "titulaire"))

    source = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Adresse — JEAN DUPONT" in texte(reponse)
    assert 'value="12 RUE DES BONBONS"' in source
    assert 'value="31400"' in source
    assert 'autocomplete="postal-code"' in source  # le parent remplit sa propre fiche


def test_l_iban_actuel_se_lit_par_groupes_de_quatre(client_dupont, dupont):
    Famille.objects.filter(pk=dupont.pk).update(iban="FR7630006000011234567890189")

    source = client_dupont.get(url_bloc("bancaires")).content.decode()

    assert 'value="FR76 3000 6000 0112 3456 7890 189"' in source


def test_le_formulaire_fiscal_montre_le_quotient_calcule(client_dupont, dupont):
    Famille.objects.filter(pk=dupont.pk).update(
        revenu_fiscal=Decimal("31250.00"), nombre_parts=Decimal("2.50")
    )

    reponse = client_dupont.get(url_bloc("fiscales"))

    assert 'value="31250,00"' in reponse.content.decode()
    assert "Quotient familial calculé (revenu ÷ 12 ÷ nombre de parts) : 1 042" in texte(reponse)


def test_une_demande_sans_changement_n_est_pas_envoyee(client_dupont):
    reponse = client_dupont.post(
        url_bloc("adresse", "titulaire"),
        {"adresse": "12 RUE DES BONBONS", "code_postal": "31400", "ville": "SAINT - JEAN"},
    )

    assert reponse.status_code == 200
    assert "Vous n'avez modifié aucune information" in texte(reponse)
    assert not Demande.objects.exists()


def test_un_numero_recopie_tel_quel_n_est_pas_un_changement(client_dupont, dupont):
    Responsable.objects.filter(pk=dupont.titulaire.pk).update(telephone_domicile="01.02.03.04.05")

    reponse = client_dupont.post(
        url_bloc("telephones", "titulaire"),
        {"telephone_domicile": "01.02.03.04.05", "email": "jean.dupont@wanadoo.fr"},
    )

    assert "Vous n'avez modifié aucune information" in texte(reponse)
    assert not Demande.objects.exists()


@pytest.mark.parametrize(
    ("bloc", "role", "donnees", "erreur"),
    [
        (
            "adresse",
            "titulaire",
            {"adresse": "1 RUE", "code_postal": "ABCDE", "ville": "BOZEL"},
            "Le code postal comporte 5 chiffres.",
        ),
        (
            "adresse",
            "titulaire",
            {"adresse": "1 RUE", "code_postal": "7335", "ville": "BOZEL"},
            "Le code postal comporte 5 chiffres.",
        ),
        (
            "adresse",
            "titulaire",
            {"adresse": "", "code_postal": "73350", "ville": "BOZEL"},
            "Ce champ est obligatoire.",
        ),
        (
            "telephones",
            "titulaire",
            {"telephone_mobile": "12345"},
            "Saisissez un numéro de téléphone français valide",
        ),
        (
            "telephones",
            "titulaire",
            {"telephone_mobile": "+41 22 123 45 67"},  # un numéro suisse
            "Saisissez un numéro de téléphone français valide",
        ),
        (
            "telephones",
            "conjoint",
            {"email": "jeanne@"},
            "Saisissez une adresse de courriel valide.",
        ),
        (
            "bancaires",
            None,
            {"iban": "FR76 3000 6000 0112 3456 7890 188"},
            "Cet IBAN n'est pas valable",
        ),
        ("bancaires", None, {"bic": "XXXX"}, "Ce BIC n'est pas valable"),
        (
            "prelevement",
            None,
            {"prelevement_automatique": "on", "iban": ""},
            "Pour le prélèvement automatique, indiquez l'IBAN du compte à débiter.",
        ),
        (
            "fiscales",
            None,
            {"revenu_fiscal": "beaucoup", "nombre_parts": "2"},
            "Saisissez un nombre.",
        ),
        (
            "fiscales",
            None,
            {"revenu_fiscal": "31250", "nombre_parts": "2,3"},
            "Le nombre de parts va de quart en quart",
        ),
        (
            "fiscales",
            None,
            {"revenu_fiscal": "31250", "nombre_parts": "0"},
            "supérieure ou égale à 1",
        ),
        (
            "caf",
            None,
            {"organisme_rattachement": "CAF", "numero_allocataire": "12AB"},
            "Le N° allocataire ne comporte que des chiffres.",
        ),
        (
            "situation",
            "titulaire",
            {"situation": "polygame"},
            "Sélectionnez un choix valide.",
        ),
    ],
)
def test_une_saisie_invalide_donne_une_erreur_en_francais_et_rien_n_est_enregistre(
    client_dupont, bloc, role, donnees, erreur
):
    reponse = client_dupont.post(url_bloc(bloc, role), donnees)

    assert reponse.status_code == 200
    page = texte(reponse)
    assert page.startswith("Erreur :")
    assert erreur in page
    assert not Demande.objects.exists()


def test_l_iban_ne_se_retire_pas_d_un_compte_preleve(client_dupont, dupont):
    Famille.objects.filter(pk=dupont.pk).update(
        iban="FR7630006000011234567890189", prelevement_automatique=True
    )

    reponse = client_dupont.post(url_bloc("bancaires"), {"nom_banque": "", "iban": ""})

    assert "l'IBAN ne peut pas être retiré" in texte(reponse)
    assert not Demande.objects.exists()


def test_le_prelevement_se_demande_avec_l_iban_deja_connu(client_dupont, dupont, agent):
    Famille.objects.filter(pk=dupont.pk).update(
        iban="FR7630006000011234567890189", bic="AGRIFRPPXXX"
    )

    client_dupont.post(
        url_bloc("prelevement"),
        {
            "prelevement_automatique": "on",
            "iban": "FR76 3000 6000 0112 3456 7890 189",
            "bic": "AGRIFRPPXXX",
        },
    )

    demande = Demande.objects.get()
    assert demande.valeurs_demandees == {"prelevement_automatique": True}
    valider_demande(demande=demande, agent=agent)
    assert Famille.objects.get(pk=dupont.pk).prelevement_automatique is True


def test_une_demande_en_attente_du_meme_bloc_ne_se_double_pas(client_dupont):
    donnees = {"adresse": "5 RUE DES ÉCOLES", "code_postal": "31400", "ville": "SAINT - JEAN"}
    client_dupont.post(url_bloc("adresse", "titulaire"), donnees)

    page = texte(client_dupont.get(url_bloc("adresse", "titulaire")))
    assert "Une demande est déjà en attente pour ces informations" in page
    assert "5 RUE DES ÉCOLES Retirer cette demande" in page
    assert "Envoyer la demande" not in page

    reponse = client_dupont.post(url_bloc("adresse", "titulaire"), {**donnees, "ville": "BOZEL"})
    assert "est déjà en attente pour ces informations" in texte(reponse)
    assert Demande.objects.count() == 1


def test_un_autre_bloc_reste_ouvert_pendant_qu_une_demande_attend(client_dupont):
    client_dupont.post(
        url_bloc("adresse", "titulaire"),
        {"adresse": "5 RUE DES ÉCOLES", "code_postal": "31400", "ville": "SAINT - JEAN"},
    )

    client_dupont.post(url_bloc("situation", "titulaire"), {"situation": "divorce"})
    client_dupont.post(
        url_bloc("adresse", "conjoint"),
        {"adresse": "5 RUE DES ÉCOLES", "code_postal": "31400", "ville": "SAINT - JEAN"},
    )

    assert sorted(Demande.objects.values_list("type", flat=True)) == [
        "conjoint",
        "responsable",
        "responsable",
    ]


def test_les_formulaires_n_agissent_que_sur_la_famille_connectee(client_martin, martin, dupont):
    client_martin.post(
        url_bloc("adresse", "titulaire"),
        {"adresse": "1 CHEMIN DES PRÉS", "code_postal": "73350", "ville": "BOZEL"},
    )

    demande = Demande.objects.get()
    assert demande.famille == martin
    assert demande.cible == martin.titulaire
    assert "DUPONT" not in texte(client_martin.get(url_bloc("adresse", "titulaire")))


def test_une_famille_sans_conjoint_n_a_pas_de_formulaire_pour_lui(client_martin):
    for bloc in ["adresse", "telephones", "situation", "profession", "autorisations"]:
        assert client_martin.get(url_bloc(bloc, "conjoint")).status_code == 404
        assert client_martin.post(url_bloc(bloc, "conjoint"), {}).status_code == 404
    assert not Demande.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/mon-compte/demande/inconnu/",
        "/mon-compte/demande/inconnu/titulaire/",
        "/mon-compte/demande/adresse/",  # un bloc d'un responsable, sans rôle
        "/mon-compte/demande/adresse/voisin/",
        "/mon-compte/demande/fiscales/titulaire/",  # un bloc de la famille, avec un rôle
    ],
)
def test_une_adresse_inconnue_donne_404(client_dupont, url):
    assert client_dupont.get(url).status_code == 404


def test_un_anonyme_est_renvoye_a_la_connexion(client, dupont):
    for url in [url_bloc("adresse", "titulaire"), url_bloc("caf"), reverse("declarer_conjoint")]:
        reponse = client.get(url)
        assert reponse.status_code == 302
        assert reponse.url.startswith(reverse("connexion"))


def test_un_agent_sans_famille_n_a_pas_de_formulaire(client_agent):
    assert client_agent.get(url_bloc("adresse", "titulaire")).status_code == 403


def test_une_famille_sans_conjoint_le_declare_et_le_service_cree_sa_fiche(
    client_martin, martin, agent
):
    reponse = client_martin.post(
        reverse("declarer_conjoint"),
        {
            "civilite": "M",
            "nom": "MARTIN",
            "prenom": "Paul",
            "qualite": "pere",
            "telephone_mobile": "0612345678",
        },
        follow=True,
    )

    assert TRANSMISE in texte(reponse)
    assert "Demande en attente" in texte(reponse)
    demande = Demande.objects.get()
    assert demande.type == Demande.Type.CONJOINT
    assert demande.cible_id is None
    assert (
        client_martin.get(reverse("declarer_conjoint"))
        .content.decode()
        .count("Retirer cette demande")
    )
    valider_demande(demande=demande, agent=agent)
    paul = Responsable.objects.get(famille=martin, role=Responsable.Role.CONJOINT)
    assert (paul.prenom, paul.telephone_mobile) == ("Paul", "06 12 34 56 78")


def test_une_famille_qui_a_un_conjoint_ne_le_declare_pas(client_dupont):
    assert client_dupont.get(reverse("declarer_conjoint")).status_code == 404


def test_un_prelevement_sans_iban_n_est_pas_applique(client_dupont, dupont, agent):
    Famille.objects.filter(pk=dupont.pk).update(iban="FR7630006000011234567890189")
    client_dupont.post(
        url_bloc("prelevement"),
        {"prelevement_automatique": "on", "iban": "FR7630006000011234567890189"},
    )
    demande = Demande.objects.get()
    # Entre-temps, le service a effacé l'IBAN de la famille.
    Famille.objects.filter(pk=dupont.pk).update(iban="")

    with pytest.raises(DemandeImpossible, match="Le prélèvement automatique demande un IBAN"):
        valider_demande(demande=demande, agent=agent)

    demande.refresh_from_db()
    assert demande.statut == Demande.Statut.EN_ATTENTE
    assert Famille.objects.get(pk=dupont.pk).prelevement_automatique is False


def test_mon_compte_ne_fait_pas_une_requete_par_demande_en_attente(client_dupont, dupont):
    titulaire = Responsable.objects.get(famille=dupont, role=Responsable.Role.TITULAIRE)
    sur_le_titulaire = {
        "famille": dupont,
        "cible_type": ContentType.objects.get_for_model(Responsable),
        "cible_id": titulaire.pk,
    }
    client_dupont.get(reverse("mon_compte"))  # les caches du processus (types de contenu)
    DemandeFactory(**sur_le_titulaire)
    with CaptureQueriesContext(connection) as avec_une:
        client_dupont.get(reverse("mon_compte"))
    DemandeFactory.create_batch(4, **sur_le_titulaire)
    with CaptureQueriesContext(connection) as avec_cinq:
        reponse = client_dupont.get(reverse("mon_compte"))

    assert reponse.status_code == 200
    assert texte(reponse).count("06 11 22 33 44") >= 1
    assert len(avec_cinq) == len(avec_une)


def test_le_choix_vide_des_listes_du_conjoint_est_en_francais(client_dupont, martin):
    """La situation de Jeanne (conjoint) n'est pas renseignée : sa liste ne montre pas les
    tirets de Django ; ni les listes du conjoint que Martin déclare."""
    situation = client_dupont.get(url_bloc("situation", "conjoint")).content.decode()
    assert "---------" not in situation
    assert '<option value="" selected>— Choisir —</option>' in situation

    client_dupont.force_login(martin.titulaire.utilisateur)
    nouveau = client_dupont.get(reverse("declarer_conjoint")).content.decode()
    assert "---------" not in nouveau
    assert nouveau.count('<option value="" selected>— Choisir —</option>') == 2


def test_une_liste_facultative_dit_non_renseigne():
    champ = forms.ChoiceField(choices=[("", "---------"), ("pere", "Père")], required=False)

    libeller_le_choix_vide(champ)

    assert list(champ.choices) == [("", "Non renseigné"), ("pere", "Père")]
