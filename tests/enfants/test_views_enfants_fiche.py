"""La fiche d'un enfant dans « Mes enfants » : Identité, Données sanitaires (et vaccins),
Autorisations. Chaque changement est une demande ; la fiche montre ce qui est en attente."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from demandes.decisions import refuser_demande, valider_demande
from demandes.models import Demande
from enfants.models import Enfant, FicheSanitaire, Vaccination
from tests.factories import (
    EnfantFactory,
    FicheSanitaireFactory,
    PersonneAutoriseeFactory,
    VaccinationFactory,
)
from tests.outils import texte


@pytest.fixture
def lucas(dupont):
    return dupont.enfants.get()


def identite(lucas, **changements):
    valeurs = {
        "nom": lucas.nom,
        "prenom": lucas.prenom,
        "sexe": lucas.sexe,
        "date_naissance": lucas.date_naissance.isoformat(),
        "lieu_naissance": lucas.lieu_naissance,
        "ecole": lucas.ecole,
        "classe": lucas.classe,
    }
    if lucas.porte_lunettes:
        valeurs["porte_lunettes"] = "on"
    valeurs.update(changements)
    return {cle: valeur for cle, valeur in valeurs.items() if valeur is not None}


def sanitaire(fiche=None, **changements):
    valeurs = {
        "medecin_nom": getattr(fiche, "medecin_nom", ""),
        "medecin_telephone": getattr(fiche, "medecin_telephone", ""),
        "allergies": getattr(fiche, "allergies", ""),
        "maladies": getattr(fiche, "maladies", ""),
        "regime_alimentaire": getattr(fiche, "regime_alimentaire", "aucun"),
        "regime_precisions": getattr(fiche, "regime_precisions", ""),
        "pai_details": getattr(fiche, "pai_details", ""),
        "observations": getattr(fiche, "observations", ""),
    }
    if getattr(fiche, "pai", False):
        valeurs["pai"] = "on"
    valeurs.update(changements)
    return {cle: valeur for cle, valeur in valeurs.items() if valeur is not None}


# --- Identité --------------------------------------------------------------------------------


def test_l_identite_montre_les_informations_de_l_enfant(client_dupont, lucas):
    page = texte(client_dupont.get(reverse("enfant_identite", args=[lucas.pk])))

    assert "Lucas DUPONT" in page
    assert "Prénom Lucas" in page
    assert "Sexe Garçon" in page
    assert "Date de naissance 14/05/2018" in page
    assert "Porte des lunettes Non" in page


def test_le_menu_de_la_fiche_mene_a_chaque_section(client_dupont, lucas):
    contenu = client_dupont.get(reverse("enfant_identite", args=[lucas.pk])).content.decode()

    for nom, libelle in (
        ("enfant_identite", "Identité"),
        ("enfant_personnes", "Personnes autorisées"),
        ("enfant_sanitaire", "Données sanitaires"),
        ("enfant_autorisations", "Autorisations"),
    ):
        assert f'href="{reverse(nom, args=[lucas.pk])}"' in contenu
        assert libelle in contenu
    assert 'aria-current="page">Identité</a>' in contenu


def test_le_formulaire_d_identite_part_des_valeurs_actuelles(client_dupont, lucas):
    reponse = client_dupont.get(reverse("enfant_identite", args=[lucas.pk]))

    form = reponse.context["form"]
    assert form.initial["prenom"] == "Lucas"
    assert form.initial["date_naissance"] == datetime.date(2018, 5, 14)


def test_demander_le_port_de_lunettes_ne_garde_que_ce_qui_change(client_dupont, dupont, lucas):
    url = reverse("enfant_identite", args=[lucas.pk])

    reponse = client_dupont.post(url, identite(lucas, porte_lunettes="on", classe="CP"))

    assert reponse.status_code == 302
    assert reponse.url == url
    demande = Demande.objects.get()
    assert demande.type == Demande.Type.ENFANT
    assert demande.famille == dupont
    assert demande.enfant == lucas
    assert demande.cible == lucas
    assert demande.valeurs_demandees == {"porte_lunettes": True, "classe": "CP"}
    assert demande.valeurs_actuelles == {"porte_lunettes": False, "classe": ""}
    lucas.refresh_from_db()
    assert lucas.porte_lunettes is False


def test_apres_l_envoi_la_section_montre_la_demande_en_attente(client_dupont, lucas):
    url = reverse("enfant_identite", args=[lucas.pk])

    reponse = client_dupont.post(url, identite(lucas, porte_lunettes="on"), follow=True)

    page = texte(reponse)
    assert "Votre demande a été transmise au service enfance." in page
    assert "Demande en attente" in page
    assert "Porte des lunettes Non Demandé Oui" in page
    assert "Demander une modification" not in page


def test_une_demande_d_identite_acceptee_change_la_fiche(client_dupont, lucas, agent):
    client_dupont.post(
        reverse("enfant_identite", args=[lucas.pk]),
        identite(lucas, porte_lunettes="on", lieu_naissance="Moûtiers"),
    )

    valider_demande(demande=Demande.objects.get(), agent=agent)

    lucas.refresh_from_db()
    assert lucas.porte_lunettes is True
    assert lucas.lieu_naissance == "Moûtiers"
    page = texte(client_dupont.get(reverse("enfant_identite", args=[lucas.pk])))
    assert "Porte des lunettes Oui" in page
    assert "Demande en attente" not in page


def test_une_demande_d_identite_refusee_ne_change_rien(client_dupont, lucas, agent):
    client_dupont.post(
        reverse("enfant_identite", args=[lucas.pk]), identite(lucas, porte_lunettes="on")
    )

    refuser_demande(demande=Demande.objects.get(), agent=agent, motif="Certificat manquant.")

    lucas.refresh_from_db()
    assert lucas.porte_lunettes is False


def test_un_formulaire_inchange_n_envoie_rien_et_le_dit(client_dupont, lucas):
    reponse = client_dupont.post(reverse("enfant_identite", args=[lucas.pk]), identite(lucas))

    assert reponse.status_code == 200
    assert "Vous n'avez modifié aucune information : aucune demande n'a été envoyée." in (
        texte(reponse)
    )
    assert not Demande.objects.exists()


def test_une_seconde_demande_sur_la_meme_section_attend_la_premiere(client_dupont, lucas):
    url = reverse("enfant_identite", args=[lucas.pk])
    client_dupont.post(url, identite(lucas, porte_lunettes="on"))

    reponse = client_dupont.post(url, identite(lucas, classe="CE1"), follow=True)

    assert "Une demande sur ces informations est déjà en attente" in texte(reponse)
    assert Demande.objects.count() == 1


def test_une_date_de_naissance_future_est_refusee_sans_rien_enregistrer(client_dupont, lucas):
    demain = timezone.localdate() + datetime.timedelta(days=1)

    reponse = client_dupont.post(
        reverse("enfant_identite", args=[lucas.pk]),
        identite(lucas, date_naissance=demain.isoformat()),
    )

    page = texte(reponse)
    assert "La date de naissance ne peut pas être dans le futur." in page
    assert not Demande.objects.exists()


def test_un_nom_vide_est_refuse(client_dupont, lucas):
    reponse = client_dupont.post(
        reverse("enfant_identite", args=[lucas.pk]), identite(lucas, nom="")
    )

    assert "Nom : Ce champ est obligatoire." in texte(reponse)
    assert not Demande.objects.exists()


def test_une_erreur_est_reliee_a_son_champ(client_dupont, lucas):
    reponse = client_dupont.post(
        reverse("enfant_identite", args=[lucas.pk]), identite(lucas, nom="")
    )

    contenu = reponse.content.decode()
    assert 'aria-describedby="id_nom_error"' in contenu
    assert 'id="id_nom_error"' in contenu
    assert 'href="#id_nom"' in contenu


# --- Autorisations ---------------------------------------------------------------------------


def test_les_autorisations_se_demandent_et_s_appliquent(client_dupont, lucas, agent):
    url = reverse("enfant_autorisations", args=[lucas.pk])
    assert "Autorisation photos Non" in texte(client_dupont.get(url))

    client_dupont.post(url, {"autorisation_photo": "on", "autorisation_soins": "on"})

    demande = Demande.objects.get()
    assert demande.type == Demande.Type.AUTORISATIONS
    assert demande.valeurs_demandees == {"autorisation_photo": True, "autorisation_soins": True}
    assert "Autorisation photos Non Demandé Oui" in texte(client_dupont.get(url))
    valider_demande(demande=demande, agent=agent)
    lucas.refresh_from_db()
    assert lucas.autorisation_photo is True
    assert lucas.autorisation_soins is True
    assert lucas.autorisation_transport is False


def test_des_autorisations_refusees_ne_changent_rien(client_dupont, lucas, agent):
    client_dupont.post(
        reverse("enfant_autorisations", args=[lucas.pk]), {"autorisation_sortie_seul": "on"}
    )

    refuser_demande(demande=Demande.objects.get(), agent=agent, motif="Trop jeune.")

    lucas.refresh_from_db()
    assert lucas.autorisation_sortie_seul is False


def test_retirer_une_autorisation_est_une_demande(client_dupont, lucas, agent):
    Enfant.objects.filter(pk=lucas.pk).update(autorisation_photo=True)

    client_dupont.post(reverse("enfant_autorisations", args=[lucas.pk]), {})

    demande = Demande.objects.get()
    assert demande.valeurs_demandees == {"autorisation_photo": False}
    valider_demande(demande=demande, agent=agent)
    assert Enfant.objects.get(pk=lucas.pk).autorisation_photo is False


# --- Données sanitaires ----------------------------------------------------------------------


def test_les_donnees_sanitaires_et_les_vaccins_s_affichent(client_dupont, lucas):
    FicheSanitaireFactory(enfant=lucas, medecin_telephone="04 79 55 01 23")
    VaccinationFactory(enfant=lucas, vaccin="DTPolio", date=datetime.date(2019, 5, 12))

    page = texte(client_dupont.get(reverse("enfant_sanitaire", args=[lucas.pk])))

    assert "Médecin traitant Dr Claire FAVRE" in page
    assert "Téléphone du médecin 04 79 55 01 23" in page
    assert "Allergies Arachides" in page
    assert "Régime alimentaire Aucun régime particulier" in page
    assert "DTPolio 12/05/2019" in page


def test_une_modification_sanitaire_ne_garde_que_ce_qui_change(client_dupont, lucas, agent):
    fiche = FicheSanitaireFactory(enfant=lucas)
    url = reverse("enfant_sanitaire", args=[lucas.pk])

    client_dupont.post(
        url,
        sanitaire(
            fiche,
            allergies="Arachides, kiwi",
            medecin_telephone="0479550123",
            regime_alimentaire="sans_porc",
        ),
    )

    demande = Demande.objects.get()
    assert demande.type == Demande.Type.DONNEES_SANITAIRES
    assert demande.cible == fiche
    assert demande.valeurs_demandees == {
        "allergies": "Arachides, kiwi",
        "medecin_telephone": "04 79 55 01 23",
        "regime_alimentaire": "sans_porc",
    }
    assert "Régime alimentaire Aucun régime particulier Demandé Sans porc" in texte(
        client_dupont.get(url)
    )
    valider_demande(demande=demande, agent=agent)
    fiche.refresh_from_db()
    assert fiche.allergies == "Arachides, kiwi"
    assert fiche.regime_alimentaire == FicheSanitaire.Regime.SANS_PORC


def test_une_modification_sanitaire_refusee_ne_change_rien(client_dupont, lucas, agent):
    fiche = FicheSanitaireFactory(enfant=lucas)
    client_dupont.post(
        reverse("enfant_sanitaire", args=[lucas.pk]), sanitaire(fiche, maladies="Asthme")
    )

    refuser_demande(demande=Demande.objects.get(), agent=agent, motif="À voir avec le médecin.")

    fiche.refresh_from_db()
    assert fiche.maladies == ""


def test_sans_fiche_sanitaire_la_demande_en_cree_une(client_dupont, lucas, agent):
    url = reverse("enfant_sanitaire", args=[lucas.pk])
    assert "Aucune fiche sanitaire n'est encore enregistrée pour Lucas." in texte(
        client_dupont.get(url)
    )

    client_dupont.post(url, sanitaire(allergies="Pollen", pai="on", pai_details="Ventoline"))

    demande = Demande.objects.get()
    assert demande.cible_id is None
    assert demande.enfant == lucas
    assert demande.valeurs_demandees == {
        "allergies": "Pollen",
        "pai": True,
        "pai_details": "Ventoline",
    }
    valider_demande(demande=demande, agent=agent)
    fiche = FicheSanitaire.objects.get(enfant=lucas)
    assert fiche.allergies == "Pollen"
    assert fiche.pai is True


def test_une_seconde_fiche_sanitaire_pour_le_meme_enfant_attend_la_premiere(client_dupont, lucas):
    url = reverse("enfant_sanitaire", args=[lucas.pk])
    client_dupont.post(url, sanitaire(allergies="Pollen"))

    reponse = client_dupont.post(url, sanitaire(maladies="Asthme"), follow=True)

    assert "Une demande sur ces informations est déjà en attente" in texte(reponse)
    assert Demande.objects.count() == 1


def test_la_fiche_en_attente_d_un_enfant_n_empeche_pas_celle_d_un_autre(
    client_dupont, dupont, lucas
):
    lea = EnfantFactory(famille=dupont, nom="DUPONT", prenom="Léa")
    client_dupont.post(reverse("enfant_sanitaire", args=[lucas.pk]), sanitaire(allergies="Pollen"))

    client_dupont.post(reverse("enfant_sanitaire", args=[lea.pk]), sanitaire(maladies="Asthme"))

    assert Demande.objects.filter(enfant=lea, valeurs_demandees={"maladies": "Asthme"}).exists()


def test_le_courriel_de_decision_ne_contient_aucune_donnee_de_sante(
    client_dupont, lucas, agent, django_capture_on_commit_callbacks
):
    fiche = FicheSanitaireFactory(enfant=lucas)
    client_dupont.post(
        reverse("enfant_sanitaire", args=[lucas.pk]),
        sanitaire(fiche, allergies="Allergie au kiwi", maladies="Épilepsie"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        valider_demande(demande=Demande.objects.get(), agent=agent)

    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    for contenu in (courriel.subject, courriel.body, courriel.alternatives[0].content):
        assert "kiwi" not in contenu
        assert "Épilepsie" not in contenu
    assert "Données sanitaires" in courriel.subject


def test_une_fiche_sanitaire_vierge_n_envoie_rien(client_dupont, lucas):
    reponse = client_dupont.post(reverse("enfant_sanitaire", args=[lucas.pk]), sanitaire())

    assert "Vous n'avez modifié aucune information" in texte(reponse)
    assert not Demande.objects.exists()


def test_un_texte_sur_plusieurs_lignes_renvoye_tel_quel_ne_demande_rien(client_dupont, lucas):
    fiche = FicheSanitaireFactory(enfant=lucas, allergies="Arachides\nKiwi")

    reponse = client_dupont.post(
        reverse("enfant_sanitaire", args=[lucas.pk]),
        sanitaire(fiche, allergies="Arachides\r\nKiwi"),
    )

    assert "Vous n'avez modifié aucune information" in texte(reponse)
    assert not Demande.objects.exists()


def test_un_regime_autre_doit_etre_precise(client_dupont, lucas):
    reponse = client_dupont.post(
        reverse("enfant_sanitaire", args=[lucas.pk]), sanitaire(regime_alimentaire="autre")
    )

    assert "Précisez le régime alimentaire de votre enfant." in texte(reponse)
    assert not Demande.objects.exists()


def test_un_telephone_de_medecin_invalide_est_refuse(client_dupont, lucas):
    reponse = client_dupont.post(
        reverse("enfant_sanitaire", args=[lucas.pk]), sanitaire(medecin_telephone="12 34")
    )

    assert "Saisissez un numéro de téléphone français valide" in texte(reponse)
    assert not Demande.objects.exists()


def test_ajouter_un_vaccin_est_une_demande_appliquee_a_l_acceptation(client_dupont, lucas, agent):
    url = reverse("enfant_vaccin_ajouter", args=[lucas.pk])

    reponse = client_dupont.post(url, {"vaccin": "Méningocoque C", "date": "2019-06-03"})

    assert reponse.url == reverse("enfant_sanitaire", args=[lucas.pk])
    demande = Demande.objects.get()
    assert demande.type == Demande.Type.DONNEES_SANITAIRES
    assert demande.valeurs_demandees == {"vaccin": "Méningocoque C", "date": "2019-06-03"}
    page = texte(client_dupont.get(reponse.url))
    assert "Méningocoque C 03/06/2019 Ajout en attente" in page
    valider_demande(demande=demande, agent=agent)
    vaccination = Vaccination.objects.get(enfant=lucas)
    assert vaccination.vaccin == "Méningocoque C"
    assert vaccination.date == datetime.date(2019, 6, 3)


def test_un_vaccin_refuse_n_est_pas_ajoute(client_dupont, lucas, agent):
    client_dupont.post(
        reverse("enfant_vaccin_ajouter", args=[lucas.pk]), {"vaccin": "BCG", "date": "2019-06-03"}
    )

    refuser_demande(demande=Demande.objects.get(), agent=agent, motif="Date illisible.")

    assert not Vaccination.objects.exists()


def test_plusieurs_vaccins_peuvent_attendre_ensemble(client_dupont, lucas):
    url = reverse("enfant_vaccin_ajouter", args=[lucas.pk])

    client_dupont.post(url, {"vaccin": "BCG", "date": "2019-06-03"})
    client_dupont.post(url, {"vaccin": "ROR", "date": "2019-09-03"})

    assert Demande.objects.count() == 2


def test_un_vaccin_date_dans_le_futur_est_refuse(client_dupont, lucas):
    demain = timezone.localdate() + datetime.timedelta(days=1)

    reponse = client_dupont.post(
        reverse("enfant_vaccin_ajouter", args=[lucas.pk]),
        {"vaccin": "BCG", "date": demain.isoformat()},
    )

    assert reponse.status_code == 200
    assert "La date ne peut pas être dans le futur." in texte(reponse)
    assert not Demande.objects.exists()


def test_un_vaccin_deja_enregistre_a_la_meme_date_est_refuse(client_dupont, lucas):
    VaccinationFactory(enfant=lucas, vaccin="DTPolio", date=datetime.date(2019, 5, 12))

    reponse = client_dupont.post(
        reverse("enfant_vaccin_ajouter", args=[lucas.pk]),
        {"vaccin": "dtpolio", "date": "12/05/2019"},
    )

    assert "Le vaccin « dtpolio » du 12/05/2019 est déjà enregistré." in texte(reponse)
    assert not Demande.objects.exists()


def test_corriger_la_date_d_un_vaccin(client_dupont, lucas, agent):
    vaccination = VaccinationFactory(enfant=lucas, date=datetime.date(2019, 5, 12))
    url = reverse("enfant_vaccin_modifier", args=[lucas.pk, vaccination.pk])

    client_dupont.post(url, {"vaccin": "DTPolio", "date": "2019-05-21"})

    demande = Demande.objects.get()
    assert demande.cible == vaccination
    assert demande.valeurs_demandees == {"date": "2019-05-21"}
    assert "Date 12/05/2019 Demandé 21/05/2019" in texte(client_dupont.get(url))
    valider_demande(demande=demande, agent=agent)
    vaccination.refresh_from_db()
    assert vaccination.date == datetime.date(2019, 5, 21)


def test_retirer_un_vaccin_enregistre_par_erreur(client_dupont, lucas, agent):
    vaccination = VaccinationFactory(enfant=lucas)
    url = reverse("enfant_vaccin_retirer", args=[lucas.pk, vaccination.pk])
    assert "Retirer le vaccin DTPolio (12/05/2019)" in texte(client_dupont.get(url))

    client_dupont.post(url, {"commentaire": "Saisi deux fois."})

    demande = Demande.objects.get()
    assert demande.commentaire == "Saisi deux fois."
    assert "Retrait en attente" in texte(
        client_dupont.get(reverse("enfant_sanitaire", args=[lucas.pk]))
    )
    valider_demande(demande=demande, agent=agent)
    assert not Vaccination.objects.exists()


# --- Le nombre de requêtes -------------------------------------------------------------------


@pytest.mark.parametrize(
    "nom", ["enfant_identite", "enfant_personnes", "enfant_sanitaire", "enfant_autorisations"]
)
def test_chaque_section_tient_en_douze_requetes(
    client_dupont, lucas, django_assert_max_num_queries, nom
):
    FicheSanitaireFactory(enfant=lucas)
    for n in range(15):
        PersonneAutoriseeFactory(enfant=lucas, prenom=f"Personne{n}")
        VaccinationFactory(enfant=lucas, vaccin=f"Vaccin{n}")
    url_personnes = reverse("enfant_personnes", args=[lucas.pk])
    url_vaccins = reverse("enfant_vaccin_ajouter", args=[lucas.pk])
    for n in range(5):
        client_dupont.post(
            url_personnes,
            {"nom": "NOUVEAU", "prenom": f"N{n}", "lien": "Voisin", "telephone": "0479000000"},
        )
        client_dupont.post(url_vaccins, {"vaccin": f"Rappel{n}", "date": "2020-01-01"})
    client_dupont.post(
        reverse("enfant_autorisations", args=[lucas.pk]), {"autorisation_photo": "on"}
    )
    assert Demande.objects.count() == 11

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse(nom, args=[lucas.pk]))

    assert reponse.status_code == 200
