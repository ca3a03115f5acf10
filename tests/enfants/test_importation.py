"""L'import des familles depuis un fichier CSV ou XLSX (enfants/importation.py) et sa page
d'administration : simulation, erreurs en français, import d'un seul tenant, idempotence."""

import datetime
import io
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from enfants.importation import COLONNES, FichierIllisible, lire_et_importer
from enfants.models import Enfant, Inscription
from familles.models import Famille, Responsable, Utilisateur
from tests.factories import PrestationFactory, UtilisateurFactory

ENTETES = [colonne.entete for colonne in COLONNES]


def ligne(**valeurs):
    """Une ligne du modèle : la famille Durand et son enfant inscrit, sauf ce qui est donné."""
    defaut = {
        "N° famille": "1001009990001",
        "Responsable : civilité": "MME",
        "Responsable : nom": "DURAND",
        "Responsable : prénom": "Sophie",
        "Responsable : e-mail": "sophie.durand@exemple.fr",
        "Responsable : mobile": "0612345678",
        "Adresse": "3 place de l'Église",
        "Code postal": "73350",
        "Ville": "BOZEL",
        "Conjoint : nom": "DURAND",
        "Conjoint : prénom": "Marc",
        "Organisme de rattachement": "CAF",
        "Quotient familial": "620",
        "IBAN": "FR76 3000 6000 0112 3456 7890 189",
        "Enfant : nom": "DURAND",
        "Enfant : prénom": "Léa",
        "Enfant : sexe": "F",
        "Enfant : date de naissance": "14/05/2018",
        "Structure": "Accueil de Loisirs",
        "Prestation": "ALSH Mercredi",
        "Inscription du": "01/09/2026",
        "Jours réguliers": "mercredi",
    }
    defaut.update(valeurs)
    return [defaut.get(entete, "") for entete in ENTETES]


def fichier_csv(*lignes, encodage="utf-8-sig", separateur=";"):
    texte = "\r\n".join(
        separateur.join(f'"{cellule}"' for cellule in rangee) for rangee in [ENTETES, *lignes]
    )
    return texte.encode(encodage)


def fichier_xlsx(*lignes):
    classeur = Workbook()
    feuille = classeur.active
    feuille.append(ENTETES)
    for rangee in lignes:
        feuille.append(rangee)
    flux = io.BytesIO()
    classeur.save(flux)
    return flux.getvalue()


@pytest.fixture
def mercredi(db):
    return PrestationFactory(nom="ALSH Mercredi")


def test_a_dry_run_says_what_would_be_created_and_writes_nothing(mercredi):
    rapport = lire_et_importer(fichier_csv(ligne()), "familles.csv", simulation=True)

    assert rapport.importable
    assert dict(rapport.crees) == {
        "familles": 1,
        "responsables": 2,
        "comptes": 2,
        "enfants": 1,
        "inscriptions": 1,
    }
    assert (2, "Famille 1001009990001 créée.") in rapport.operations
    assert not Famille.objects.exists()
    assert not Utilisateur.objects.exists()
    assert mail.outbox == []


def test_the_import_creates_the_family_its_accounts_and_enrolments(mercredi):
    rapport = lire_et_importer(fichier_csv(ligne()), "familles.csv", simulation=False)

    famille = Famille.objects.get(numero="1001009990001")
    assert famille.organisme_rattachement == Famille.Organisme.CAF
    assert famille.quotient_familial == 620
    assert famille.iban == "FR7630006000011234567890189"
    sophie = famille.responsables.get(role=Responsable.Role.TITULAIRE)
    assert sophie.telephone_mobile == "06 12 34 56 78"
    assert sophie.utilisateur.username == "sophie.durand"
    assert sophie.utilisateur.doit_changer_mot_de_passe
    assert not sophie.utilisateur.has_usable_password()
    lea = Enfant.objects.get(famille=famille)
    assert lea.date_naissance == datetime.date(2018, 5, 14)
    inscription = Inscription.objects.get(enfant=lea)
    assert (inscription.prestation, inscription.responsable) == (mercredi, sophie)
    assert inscription.jours_reguliers == "3"
    assert rapport.comptes == [("sophie.durand", "sophie.durand@exemple.fr"), ("marc.durand", "")]
    (courriel,) = mail.outbox  # Marc n'a pas d'adresse
    assert courriel.to == ["sophie.durand@exemple.fr"]
    assert "sophie.durand" in courriel.body
    assert "/mot-de-passe/reinitialiser/" in courriel.body


def test_importing_the_same_file_twice_changes_nothing(mercredi):
    contenu = fichier_xlsx(ligne(), ligne(**{"Prestation": "", "Enfant : prénom": "Tom"}))
    lire_et_importer(contenu, "familles.xlsx", simulation=False)
    mail.outbox.clear()

    rapport = lire_et_importer(contenu, "familles.xlsx", simulation=False)

    assert rapport.rien_a_faire
    assert rapport.resume() == "rien à changer"
    assert Famille.objects.count() == 1
    assert Enfant.objects.count() == 2
    assert Utilisateur.objects.count() == 2
    assert mail.outbox == []


def test_a_second_file_updates_what_changed(mercredi):
    lire_et_importer(fichier_csv(ligne()), "familles.csv", simulation=False)

    rapport = lire_et_importer(
        fichier_csv(ligne(**{"Quotient familial": "710", "Ville": "MOÛTIERS"})),
        "familles.csv",
        simulation=False,
    )

    assert rapport.mis_a_jour["familles"] == 1
    assert rapport.mis_a_jour["responsables"] == 2
    assert Famille.objects.get().quotient_familial == 710
    assert (2, "Famille 1001009990001 mise à jour : quotient familial.") in rapport.operations


@pytest.mark.parametrize(
    ("valeurs", "message"),
    [
        ({"IBAN": "FR76 1234"}, "« IBAN » : Cet IBAN n'est pas valable"),
        ({"Prestation": "Poney"}, "Prestation inconnue : « Poney » de la structure"),
        ({"Enfant : date de naissance": "31/02/2018"}, "n'est pas une date (jj/mm/aaaa)"),
        ({"N° famille": "12345"}, "N° famille « 12345 » : il faut exactement 13 chiffres."),
        ({"Responsable : nom": ""}, "« Responsable : nom » est obligatoire."),
        ({"Responsable : nom": '=HYPERLINK("http://x")'}, "comme une formule de tableur"),
        ({"Responsable : mobile": "12"}, "« Responsable : mobile » : Saisissez un numéro"),
        ({"Responsable : e-mail": "pas-une-adresse"}, "« Responsable : e-mail »"),
        ({"Code postal": "73A50"}, "le code postal comporte 5 chiffres"),
        ({"Jours réguliers": "dimanchi"}, "« dimanchi » n'est pas un jour de la semaine"),
        ({"Inscription au": "01/01/2026"}, "« Inscription au » est avant « Inscription du »."),
        ({"Ville": "x" * 200}, "« Ville » est trop long (100 caractères au plus)."),
    ],
)
def test_every_bad_value_gives_its_french_reason_and_nothing_is_written(mercredi, valeurs, message):
    contenu = fichier_csv(ligne(), ligne(**{"N° famille": "1001009990002", **valeurs}))

    rapport = lire_et_importer(contenu, "familles.csv", simulation=False)

    assert not rapport.importable
    ((numero_ligne, erreurs),) = rapport.erreurs
    assert numero_ligne == 3
    assert any(message in erreur for erreur in erreurs), erreurs
    assert not Famille.objects.exists()


def test_a_family_number_given_to_two_families_is_refused(mercredi):
    contenu = fichier_csv(ligne(), ligne(**{"Responsable : nom": "MOREAU"}))

    rapport = lire_et_importer(contenu, "familles.csv", simulation=True)

    assert rapport.erreurs == [
        (3, ["N° famille 1001009990001 en double : la ligne 2 le donne à DURAND Sophie."])
    ]


def test_a_family_number_already_used_at_the_portal_is_refused(mercredi, dupont):
    contenu = fichier_csv(ligne(**{"N° famille": dupont.numero}))

    rapport = lire_et_importer(contenu, "familles.csv", simulation=True)

    assert "il est déjà celui de la famille de DUPONT JEAN au portail" in rapport.erreurs[0][1][0]


def test_excel_dates_windows_encoding_and_commas_are_read(mercredi):
    rangee = ligne(**{"Responsable : prénom": "Hélène", "Enfant : date de naissance": "2018-05-14"})
    contenu = fichier_csv(rangee, encodage="cp1252", separateur=",")

    lire_et_importer(contenu, "familles.csv", simulation=False)

    assert Responsable.objects.filter(prenom="Hélène").exists()
    classeur = fichier_xlsx(
        ligne(
            **{
                "N° famille": 1001009990003,
                "Responsable : nom": "PETIT",
                "Enfant : date de naissance": datetime.datetime(2019, 1, 2),
                "Inscription du": 46266,  # une date d'Excel restée en nombre : 01/09/2026
            }
        )
    )
    lire_et_importer(classeur, "familles.xlsx", simulation=False)
    inscription = Inscription.objects.get(enfant__famille__numero="1001009990003")
    assert inscription.enfant.date_naissance == datetime.date(2019, 1, 2)
    assert inscription.date_debut == datetime.date(2026, 9, 1)


@pytest.mark.parametrize(
    ("contenu", "nom", "message"),
    [
        (b"\x00\x01binaire", "familles.xlsx", "Ce fichier XLSX ne s'ouvre pas"),
        (b"a;b\r\n1;2", "familles.csv", "Colonnes manquantes : « N° famille »"),
        (b"", "familles.csv", "Le fichier est vide"),
        (b"x", "familles.pdf", "Choisissez un fichier .csv ou .xlsx."),
        (b"N\xc2\xb0 famille;x\r\n" + b"a" * (6 * 1024 * 1024), "f.csv", "dépasse 5 Mo"),
        (b"\x81\x8d\x8f\x90\x9d", "familles.csv", "ni en UTF-8 ni en Windows-1252"),
    ],
)
def test_an_unreadable_file_says_why(db, contenu, nom, message):
    with pytest.raises(FichierIllisible, match=message):
        lire_et_importer(contenu, nom, simulation=True)


def test_control_characters_are_dropped_from_cells(mercredi):
    contenu = fichier_csv(ligne(**{"Ville": "BO\x00Z\x07EL"}))

    lire_et_importer(contenu, "familles.csv", simulation=False)

    assert Responsable.objects.filter(ville="BOZEL").count() == 2


# --- La page d'administration ------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_du_test(settings, tmp_path):
    """Les fichiers en attente d'import vont dans le dossier du test."""
    settings.MEDIA_ROOT = tmp_path / "media"


def deposer(client, contenu, nom):
    fichier = io.BytesIO(contenu)
    fichier.name = nom
    return client.post(reverse("admin:familles_famille_importer"), {"fichier": fichier})


def test_the_family_list_links_to_the_import_page(client_agent):
    response = client_agent.get(reverse("admin:familles_famille_changelist"))

    assert reverse("admin:familles_famille_importer") in response.content.decode()


def test_the_import_page_offers_the_template_files(client_agent):
    page = client_agent.get(reverse("admin:familles_famille_importer"))
    modele = client_agent.get(
        reverse("admin:familles_famille_modele_import", kwargs={"format_": "xlsx"})
    )

    assert reverse("admin:familles_famille_modele_import", kwargs={"format_": "csv"}) in (
        page.content.decode()
    )
    entetes = next(lire_fichier_xlsx(modele.content))
    assert list(entetes) == ENTETES


def lire_fichier_xlsx(contenu):
    return load_workbook(io.BytesIO(contenu)).active.iter_rows(values_only=True)


def test_dry_run_then_confirm_through_the_admin(client_agent, mercredi):
    simulation = deposer(client_agent, fichier_csv(ligne()), "familles.csv")

    page = simulation.content.decode()
    assert "Ce que l&#x27;import fera" in page or "Ce que l'import fera" in page
    assert "Ligne 2 : Famille 1001009990001 créée." in page
    assert not Famille.objects.exists()
    jeton = simulation.context["jeton"]

    response = client_agent.post(
        reverse("admin:familles_famille_importer"), {"confirmer": "1", "jeton": jeton}, follow=True
    )

    assert "Import terminé : familles : 1 créé(e)s" in response.content.decode()
    assert Famille.objects.filter(numero="1001009990001").exists()
    again = client_agent.post(
        reverse("admin:familles_famille_importer"), {"confirmer": "1", "jeton": jeton}, follow=True
    )
    assert "Ce fichier n&#x27;attend plus d&#x27;import" in again.content.decode()
    assert Famille.objects.count() == 1


def test_rows_in_error_are_listed_on_the_page(client_agent, mercredi):
    response = deposer(client_agent, fichier_csv(ligne(**{"IBAN": "FR00"})), "familles.csv")

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 ligne en erreur sur 1" in page
    assert "Cet IBAN n&#x27;est pas valable" in page
    assert response.context["jeton"] is None


def test_an_unreadable_file_is_a_french_message_on_the_page(client_agent):
    response = deposer(client_agent, b"PK\x03\x04 abime", "familles.xlsx")

    assert response.status_code == 200
    assert "Ce fichier XLSX ne s&#x27;ouvre pas" in response.content.decode()


def test_a_forged_token_is_refused(client_agent):
    response = client_agent.post(
        reverse("admin:familles_famille_importer"),
        {"confirmer": "1", "jeton": "../../settings.py"},
        follow=True,
    )

    assert "Ce fichier n&#x27;attend plus d&#x27;import" in response.content.decode()


def test_parents_and_agents_without_rights_cannot_import(client, client_dupont):
    assert client_dupont.get(reverse("admin:familles_famille_importer")).status_code == 302
    client.force_login(UtilisateurFactory(username="stagiaire", is_staff=True))
    assert client.get(reverse("admin:familles_famille_importer")).status_code == 403


def test_a_large_file_is_imported_by_a_background_job(
    client_agent, mercredi, taches_immediates, django_capture_on_commit_callbacks, monkeypatch
):
    from enfants import taches
    from travaux.models import Travail

    monkeypatch.setattr(taches, "SEUIL_IMPORT", 1)
    contenu = fichier_csv(
        ligne(), ligne(**{"N° famille": "1001009990009", "Responsable : nom": "X"})
    )
    jeton = deposer(client_agent, contenu, "familles.csv").context["jeton"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client_agent.post(
            reverse("admin:familles_famille_importer"), {"confirmer": "1", "jeton": jeton}
        )

    travail = Travail.objects.get(genre=Travail.Genre.IMPORT)
    assert response["Location"] == reverse("admin:travaux_travail_change", args=[travail.pk])
    travail.refresh_from_db()
    assert travail.etat == Travail.Etat.TERMINE
    assert travail.rapport["lignes"] == 2
    assert Famille.objects.count() == 2


def test_the_command_imports_and_reports_errors(mercredi, tmp_path):
    from django.core.management import CommandError, call_command

    bon = tmp_path / "familles.csv"
    bon.write_bytes(fichier_csv(ligne()))
    mauvais = tmp_path / "erreurs.csv"
    mauvais.write_bytes(fichier_csv(ligne(**{"Prestation": "Poney"})))
    sortie = io.StringIO()

    call_command("importer_familles", str(bon), "--simulation", stdout=sortie)
    assert "Simulation, rien n'est écrit : 1 ligne(s), familles : 1 créé(e)s" in sortie.getvalue()
    assert not Famille.objects.exists()
    call_command("importer_familles", str(bon), stdout=sortie)
    assert Famille.objects.count() == 1
    with pytest.raises(CommandError, match="1 ligne\\(s\\) en erreur sur 1"):
        call_command("importer_familles", str(mauvais), stdout=sortie, stderr=io.StringIO())


def test_the_welcome_link_lets_the_parent_choose_a_password_then_log_in(client, mercredi):
    lire_et_importer(fichier_csv(ligne()), "familles.csv", simulation=False)
    (courriel,) = mail.outbox
    lien = re.search(r"http://\S+/mot-de-passe/reinitialiser/\S+/", courriel.body)[0]

    formulaire = client.get(urlsplit(lien).path, follow=True)
    assert formulaire.status_code == 200
    client.post(
        formulaire.redirect_chain[-1][0],
        {"new_password1": "Montagne2026", "new_password2": "Montagne2026"},
    )

    compte = Utilisateur.objects.get(username="sophie.durand")
    assert compte.check_password("Montagne2026")
    assert not compte.doit_changer_mot_de_passe
