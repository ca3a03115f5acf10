"""La commande `demo` : le monde du guide, vivant aujourd'hui, rechargeable sans doublon, et
jamais sur une configuration de production."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.models import DateTimeField, Sum
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from demandes.models import Demande
from enfants.models import Enfant, Journee
from enfants.planning import construire_planning
from facturation.models import Facture, JourFacture, Reglement
from facturation.services import facturer_mois
from familles.models import Document, Famille, Message, Utilisateur
from portail.demo import construire_demo, debut_annee_scolaire, premier_du_mois
from portail.groupes import AGENTS, AGENTS_SANITAIRES

LOGINS = {
    "jean.dupont": "Bonbons2015",
    "marie.martin": "Martin2015",
    "agent": "Vanoise2015",
    "claire.fontaine@exemple.fr": "Fontaine2026",
}


@pytest.fixture
def reglages_demo(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    # Un hachage rapide : la démonstration remet trois mots de passe à chaque passage.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


def lancer_demo():
    sortie = io.StringIO()
    call_command("demo", stdout=sortie)
    return sortie.getvalue()


def comptes_de_lignes():
    return {
        modele._meta.label: modele.objects.count()
        for nom in ("familles", "enfants", "facturation", "demandes")
        for modele in apps.get_app_config(nom).get_models()
    }


def facture(numero):
    return Facture.objects.avec_reste_a_payer().get(numero=numero)


def test_demo_refuses_a_production_configuration(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="production"):
        call_command("demo", stdout=io.StringIO())

    assert not Famille.objects.exists()
    assert not Utilisateur.objects.exists()


def test_demo_prints_a_summary_and_the_logins(reglages_demo, db):
    sortie = lancer_demo()

    lignes = sortie.splitlines()
    assert lignes[0] == ("Démonstration prête : 3 familles, 3 enfants, 7 prestations, 11 factures.")
    for identifiant, mot_de_passe in LOGINS.items():
        assert f"{identifiant} / {mot_de_passe}" in sortie


def test_demo_builds_the_seed_world(reglages_demo, db):
    lancer_demo()

    dupont = Famille.objects.get(numero="1001001819331")
    jean, jeanne = dupont.titulaire, dupont.conjoint
    assert (jean.civilite, jean.nom, jean.prenom) == ("M", "DUPONT", "JEAN")
    assert jean.get_qualite_display() == "Père"
    assert jean.get_situation_display() == "Séparé"
    assert (jean.adresse, jean.code_postal, jean.ville) == (
        "12 RUE DES BONBONS",
        "31400",
        "SAINT - JEAN",
    )
    assert jean.telephone_domicile == "01 02 03 04 05"
    assert jean.email == "jean.dupont@wanadoo.fr"
    assert (jean.autorisation_sms, jean.autorisation_courriel) == (False, True)
    assert jean.utilisateur.username == "jean.dupont"
    assert dupont.titulaire_compte == "DUPONT JEAN"
    assert dupont.get_organisme_rattachement_display() == "Aucun"
    assert (jeanne.prenom, jeanne.adresse, jeanne.utilisateur) == (
        "JEANNE",
        "Lotissement les bons bonbons",
        None,
    )

    lucas, lea = dupont.enfants.order_by("date_naissance")
    assert (lucas.prenom, lucas.sexe, lucas.classe) == ("Lucas", "M", "CM1")
    assert (lea.prenom, lea.sexe) == ("Léa", "F")
    assert lea.inscriptions.get().prestation.nom == "ALSH Vacances journée"
    assert lucas.date_naissance == datetime.date(2017, 3, 12)
    assert lucas.fiche_sanitaire.allergies
    assert lucas.vaccinations.count() == 2
    assert lucas.personnes_autorisees.count() == 1
    assert lucas.inscriptions.count() == 7
    noms = [i.prestation.nom for i in lucas.inscriptions.select_related("prestation")]
    assert noms == [
        "ALSH Mercredi après-midi",
        "ALSH Mercredi journée",
        "ALSH Vacances après-midi",
        "ALSH Vacances journée",
        "ALSH Vacances matin",
        "Garderie matin",
        "Restauration scolaire",
    ]
    assert {i.responsable for i in lucas.inscriptions.all()} == {jean}

    martin = Famille.objects.get(numero="1001001820442")
    assert martin.titulaire.utilisateur.username == "marie.martin"
    assert martin.enfants.get().prenom == "Emma"
    assert Document.objects.filter(publie=True).count() >= 2


def test_demo_shows_a_family_waiting_for_validation(reglages_demo, db):
    lancer_demo()

    fontaine = Famille.objects.get(etat=Famille.Etat.EN_VALIDATION)
    assert fontaine.titulaire.nom == "FONTAINE"
    assert fontaine.titulaire.utilisateur.username == "claire.fontaine@exemple.fr"


def test_running_the_demo_twice_changes_nothing(reglages_demo, db):
    lancer_demo()
    avant = comptes_de_lignes()
    historiques = Famille.history.count()

    sortie = lancer_demo()

    assert comptes_de_lignes() == avant
    assert Famille.history.count() == historiques  # rien n'a été réenregistré pour rien
    assert sortie.startswith("Démonstration prête : 3 familles")


def test_demo_logins_authenticate(reglages_demo, db):
    lancer_demo()

    for identifiant, mot_de_passe in LOGINS.items():
        requete = RequestFactory().post("/connexion/")
        utilisateur = authenticate(requete, username=identifiant, password=mot_de_passe)
        assert utilisateur is not None, identifiant
        assert not utilisateur.doit_changer_mot_de_passe


def test_rerunning_the_demo_restores_a_changed_password(reglages_demo, db):
    lancer_demo()
    jean = Utilisateur.objects.get(username="jean.dupont")
    jean.set_password("Autre2026x")
    jean.save()

    lancer_demo()

    jean.refresh_from_db()
    assert jean.check_password("Bonbons2015")


def test_dupont_invoices_match_the_seed_statement(reglages_demo, db):
    lancer_demo()
    aujourdhui = timezone.localdate()

    al36, al12 = facture("AL-36"), facture("AL-12")
    assert al36.montant == Decimal("120.60")
    assert al36.reste_a_payer == Decimal("120.60")
    assert al36.date_echeance >= aujourdhui
    assert al36.periode_fin < al36.date_facture <= aujourdhui  # à terme échu
    assert al12.montant == Decimal("243.20")
    assert al12.reste_a_payer == 0
    for f in (al36, al12):
        assert f.lignes.aggregate(total=Sum("montant"))["total"] == f.montant
    cheque = Reglement.objects.get(numero="AL-228")
    assert (cheque.libelle_mode, cheque.montant) == ("Chèque", Decimal("243.20"))
    assert cheque.date == al12.date_facture
    regie = al36.regie
    assert (regie.nom, regie.prefixe, regie.delai_paiement_jours) == (
        "Régie garderie ALSH",
        "AL",
        22,
    )
    assert regie.dernier_numero_facture == 37
    assert regie.dernier_numero_reglement == 228


def test_dupont_statement_of_the_school_year(reglages_demo, db):
    """Le relevé du guide : débit 363,80, crédit 243,20, solde 120,60 (date fixe : les mois
    facturés tombent dans l'année scolaire en cours)."""
    construire_demo(aujourdhui=datetime.date(2026, 12, 10))
    debut = debut_annee_scolaire(datetime.date(2026, 12, 10))
    fin = debut.replace(year=debut.year + 1) - datetime.timedelta(days=1)
    dupont = Famille.objects.get(numero="1001001819331")

    debit = dupont.factures.filter(date_facture__range=(debut, fin)).aggregate(s=Sum("montant"))
    credit = dupont.reglements.filter(date__range=(debut, fin)).aggregate(s=Sum("montant"))

    assert debit["s"] == Decimal("363.80")
    assert credit["s"] == Decimal("243.20")
    assert debit["s"] - credit["s"] == Decimal("120.60")
    al12 = Facture.objects.get(numero="AL-12")
    assert (al12.periode_debut, al12.periode_fin) == (
        datetime.date(2026, 9, 1),
        datetime.date(2026, 10, 31),
    )


@pytest.mark.parametrize(
    "aujourdhui",
    [datetime.date(2026, 11, 3), datetime.date(2027, 1, 31), datetime.date(2027, 3, 8)],
)
def test_demo_dates_stay_consistent_all_year(reglages_demo, db, aujourdhui):
    construire_demo(aujourdhui=aujourdhui)

    al36 = Facture.objects.get(numero="AL-36")
    assert al36.date_facture <= aujourdhui
    assert al36.date_echeance >= aujourdhui + datetime.timedelta(days=7)
    assert al36.periode_fin < al36.date_facture  # le mois dernier, facturé à terme échu
    assert al36.periode_debut == premier_du_mois(aujourdhui, -1)


def mois_factures():
    """Le 1er de chaque mois que touche une facture de la démonstration."""
    mois = set()
    for debut, fin in Facture.objects.values_list("periode_debut", "periode_fin"):
        jour = debut.replace(day=1)
        while jour <= fin:
            mois.add(jour)
            jour = premier_du_mois(jour, 1)
    return sorted(mois)


def test_rebilling_any_month_the_demo_billed_bills_nothing(reglages_demo, db):
    """Le défaut : « Facturer un mois » sur le mois dernier refacturait les jours d'AL-37."""
    lancer_demo()
    aujourdhui = timezone.localdate()
    mois = mois_factures()
    assert premier_du_mois(aujourdhui, -1) in mois
    assert len(mois) >= 12  # l'année précédente et celle-ci
    avant = Facture.objects.count()

    for premier in mois:
        rapports = facturer_mois(mois=premier, produire_pdf=False, annoncer=False)
        assert [r.numeros for r in rapports] == [[]], premier

    assert Facture.objects.count() == avant


@pytest.mark.parametrize("aujourdhui", [datetime.date(2026, 12, 7), datetime.date(2026, 12, 10)])
def test_each_billed_day_is_a_journee_and_a_jour_facture(reglages_demo, db, aujourdhui):
    construire_demo(aujourdhui=aujourdhui)

    for f in Facture.objects.prefetch_related("lignes__jours"):
        for ligne in f.lignes.all():
            jours = [j.date for j in ligne.jours.all()]
            assert len(jours) == ligne.quantite, (f.numero, ligne.libelle)
            assert all(f.periode_debut <= jour <= f.periode_fin for jour in jours)
            facturables = Journee.objects.filter(
                enfant=ligne.enfant,
                prestation=ligne.prestation,
                date__in=jours,
                etat__in=Journee.ETATS_FACTURES,
            )
            assert facturables.count() == len(jours), (f.numero, ligne.libelle)
    assert JourFacture.objects.count() > 500


def test_the_statement_shows_an_ancien_solde_and_a_titre_emis(reglages_demo, db, client):
    lancer_demo()
    client.force_login(Utilisateur.objects.get(username="marie.martin"))

    page = " ".join(client.get(reverse("releve")).content.decode().split())

    ancien = re.search(r"Ancien solde au 01/09/\d{4}</dt> <dd class=\"montant\">([^<]+)<", page)
    assert ancien and ancien.group(1) != "0,00 €"
    assert "Règlement : Titre émis (ORMC n°2417)" in page
    titre = Reglement.objects.get(mode=Reglement.Mode.TITRE_EMIS)
    assert f"{titre.montant}".replace(".", ",") in ancien.group(1)
    assert titre.date >= debut_annee_scolaire(timezone.localdate())


def test_the_previous_school_year_is_billed_and_paid_but_one_quarter(reglages_demo, db):
    lancer_demo()
    rentree = debut_annee_scolaire(timezone.localdate())
    precedentes = Facture.objects.avec_reste_a_payer().filter(date_facture__lt=rentree)

    # Les trimestres ; l'été de Léa (AL-8, août de l'an dernier) est facturé à part.
    trimestres = precedentes.exclude(numero="AL-8")
    assert trimestres.filter(famille__numero="1001001819331").count() == 3
    assert trimestres.filter(famille__numero="1001001820442").count() == 3
    assert not precedentes.filter(reste_a_payer__gt=0).exists()
    titre = Reglement.objects.get(mode=Reglement.Mode.TITRE_EMIS)
    assert titre.libelle_mode == "Titre émis (ORMC n°2417)"
    assert titre.affectations.get().facture.date_facture < rentree


def test_nothing_in_the_demo_is_dated_after_now(reglages_demo, db):
    lancer_demo()
    maintenant = timezone.now()

    for nom in ("familles", "enfants", "facturation", "demandes", "dossiers"):
        for modele in apps.get_app_config(nom).get_models():
            for champ in modele._meta.get_fields():
                if isinstance(champ, DateTimeField) and not champ.name.startswith(
                    ("ouverture", "cloture")  # les dates d'une campagne, des échéances
                ):
                    plus_tard = modele.objects.filter(**{f"{champ.name}__gt": maintenant})
                    assert not plus_tard.exists(), f"{modele.__name__}.{champ.name}"
    for f in Facture.objects.all():
        assert f.date_facture <= timezone.localdate()


def test_due_dates_follow_the_period_and_the_delay_of_the_regie(reglages_demo, db):
    lancer_demo()

    for f in Facture.objects.select_related("regie"):
        delai = datetime.timedelta(days=f.regie.delai_paiement_jours)
        assert f.date_echeance >= f.periode_fin, f.numero
        assert f.date_echeance >= f.date_facture + delai, f.numero


def test_martin_has_one_invoice_payable_and_one_past_due(reglages_demo, db):
    lancer_demo()
    aujourdhui = timezone.localdate()

    impayees = Facture.objects.impayees().filter(famille__numero="1001001820442")

    assert impayees.count() == 2
    assert impayees.filter(date_echeance__lt=aujourdhui).count() == 1
    assert impayees.filter(date_echeance__gte=aujourdhui).count() == 1


def test_dupont_has_one_unread_message_from_the_service(reglages_demo, db):
    lancer_demo()
    messages = Message.objects.filter(famille__numero="1001001819331")

    non_lus = messages.filter(sens=Message.Sens.VERS_FAMILLE, lu_le__isnull=True)
    assert non_lus.count() == 1
    assert non_lus.get().sujet == "Inscriptions aux vacances d'hiver"
    assert "Le service enfance" in non_lus.get().corps
    assert messages.filter(lu_le__isnull=False).count() == 1


def test_the_month_planning_is_alive(reglages_demo, db):
    lancer_demo()
    aujourdhui = timezone.localdate()
    journees = Journee.objects.filter(
        enfant__prenom="Lucas", date__year=aujourdhui.year, date__month=aujourdhui.month
    )

    assert journees.exists()
    assert not journees.filter(date__week_day__in=[1, 7]).exists()  # ni samedi ni dimanche
    assert not journees.filter(date__lt=aujourdhui, etat=Journee.Etat.RESERVE).exists()
    assert not journees.filter(date__gte=aujourdhui, etat=Journee.Etat.PRESENT).exists()
    mercredis = journees.filter(prestation__nom__startswith="ALSH Mercredi")
    assert {j.date.isoweekday() for j in mercredis} <= {3}


def test_the_agent_has_the_rights_of_an_agent_of_the_service(reglages_demo, db):
    lancer_demo()
    agent = Utilisateur.objects.get(username="agent")

    assert agent.is_staff
    assert not agent.is_superuser
    assert not agent.doit_changer_mot_de_passe
    assert agent.has_perm("demandes.change_demande")
    assert agent.has_perm("familles.add_utilisateur")
    assert agent.has_perm("facturation.add_reglement")
    assert agent.has_perm("facturation.view_facture")
    assert not agent.has_perm("facturation.delete_facture")
    assert not agent.has_perm("facturation.delete_reglement")
    assert not agent.has_perm("facturation.delete_affectation")
    assert not agent.has_perm("facturation.change_facture")
    assert agent.has_perm("enfants.voir_donnees_sanitaires")  # il est dans les deux groupes

    agents = Group.objects.get(name=AGENTS)
    codenames = set(agents.permissions.values_list("codename", flat=True))
    assert "voir_donnees_sanitaires" not in codenames
    assert "view_fichesanitaire" not in codenames
    assert "delete_famille" not in codenames
    sanitaires = Group.objects.get(name=AGENTS_SANITAIRES)
    assert sanitaires.permissions.filter(codename="voir_donnees_sanitaires").exists()


def test_the_demo_form_is_a_real_pdf(reglages_demo, db):
    lancer_demo()

    formulaire = Document.objects.get(genre=Document.Genre.FORMULAIRE)
    with formulaire.fichier.open("rb") as fichier:
        contenu = fichier.read()
    assert contenu.startswith(b"%PDF-1.4")
    assert contenu.rstrip().endswith(b"%%EOF")
    position = int(contenu.split(b"startxref\n")[1].split(b"\n")[0])
    assert contenu[position:].startswith(b"xref")


def test_creer_groupes_command_sets_the_groups_once(db):
    sortie = io.StringIO()
    call_command("creer_groupes", stdout=sortie)
    call_command("creer_groupes", stdout=sortie)

    assert Group.objects.filter(name__in=[AGENTS, AGENTS_SANITAIRES]).count() == 2
    assert "Groupes prêts" in sortie.getvalue()


# --- Le planning de la démonstration ---------------------------------------------------------


def grille_de(prenom, aujourdhui, mois=None):
    """Les codes de la grille d'un enfant : {prestation: [code du 1er, du 2…]}."""
    planning = construire_planning(
        enfant=Enfant.objects.get(prenom=prenom),
        mois=mois or aujourdhui,
        maintenant=timezone.make_aware(datetime.datetime.combine(aujourdhui, datetime.time(9))),
    )
    return {ligne.nom: [case.symbole for case in ligne.cases] for ligne in planning.lignes}


def test_the_demo_planning_reproduces_the_seed_april_grid(reglages_demo, db):
    aujourdhui = datetime.date(2026, 11, 26)  # le mercredi 11 novembre est férié
    construire_demo(aujourdhui=aujourdhui)

    grille = grille_de("Lucas", aujourdhui)

    assert len(grille) == 7
    for nom in ("ALSH Mercredi après-midi", "ALSH Mercredi journée"):
        assert [grille[nom][jour - 1] for jour in (4, 11, 18, 25)] == ["R✓", "F", "R✓", "R✓"]
    assert grille["Garderie matin"][1] == "✓"  # lundi 2 : présent, sans réservation
    assert grille["Restauration scolaire"][2] == "R✓"  # mardi 3
    assert grille["Restauration scolaire"][26] == "R"  # vendredi 27 : à venir
    assert all(code == "F" for code in (ligne[0] for ligne in grille.values()))  # Toussaint
    codes = [code for ligne in grille.values() for code in ligne]
    assert codes.count("AE") == 1  # une absence excusée
    assert codes.count("R✗") == 1  # une réservation refusée
    assert codes.count("R?") == 1  # une réservation en attente, la semaine prochaine
    assert grille["Garderie matin"][29] == "R?"  # lundi 30


def test_the_demo_planning_has_a_holiday_week_when_the_month_has_holidays(reglages_demo, db):
    aujourdhui = datetime.date(2026, 12, 28)
    construire_demo(aujourdhui=aujourdhui)

    grille = grille_de("Lucas", aujourdhui)

    vacances = grille["ALSH Vacances journée"]
    assert [vacances[jour - 1] for jour in (21, 22, 23, 24, 25)] == ["R✓", "R✓", "R✓", "R✓", "F"]
    assert grille["Garderie matin"][21] == "P"


def test_the_demo_books_days_of_the_next_month(reglages_demo, db):
    aujourdhui = datetime.date(2026, 11, 26)
    construire_demo(aujourdhui=aujourdhui)

    decembre = grille_de("Lucas", aujourdhui, mois=datetime.date(2026, 12, 1))

    assert decembre["ALSH Mercredi après-midi"][1] == "R"  # mercredi 2
    assert decembre["Restauration scolaire"][:4] == ["R", "", "R", "R"]


def test_the_demo_planning_requests_appear_in_the_list_of_requests(reglages_demo, db):
    construire_demo(aujourdhui=datetime.date(2026, 11, 26))

    reservations = Demande.objects.filter(
        famille__numero="1001001819331", type=Demande.Type.RESERVATION
    )

    refusee = reservations.get(statut=Demande.Statut.REFUSEE)
    assert refusee.motif_refus == "La garderie du matin est complète ce jour-là."
    assert Journee.objects.get(pk=refusee.cible_id).etat == Journee.Etat.RESERVATION_REFUSEE
    attente = reservations.get(statut=Demande.Statut.EN_ATTENTE)
    assert Journee.objects.get(pk=attente.cible_id).etat == Journee.Etat.RESERVATION_EN_ATTENTE


def test_martin_has_a_plausible_planning_with_regular_days(reglages_demo, db):
    aujourdhui = datetime.date(2026, 11, 26)
    construire_demo(aujourdhui=aujourdhui)

    grille = grille_de("Emma", aujourdhui)

    assert list(grille) == ["ALSH Mercredi journée", "Restauration scolaire"]
    assert grille["ALSH Mercredi journée"][17] == "R✓"  # mercredi 18
    assert grille["ALSH Mercredi journée"][24] == "R✓"  # mercredi 25
    assert grille["Restauration scolaire"][1] == "R✓"  # lundi 2, passé
    assert grille["Restauration scolaire"][29] == "Rg"  # lundi 30 : régulier, à venir


def test_martin_is_told_why_the_overdue_invoice_has_no_payment_button(reglages_demo, db, client):
    lancer_demo()
    client.force_login(Utilisateur.objects.get(username="marie.martin"))
    raison = (
        "Date limite de paiement passée : cette facture ne se paie plus en ligne. "
        "Rapprochez-vous de la Trésorerie de Bozel."
    )

    for page in ("accueil", "releve"):
        contenu = " ".join(client.get(reverse(page)).content.decode().split())
        assert "Payer en ligne la facture AL-7" not in contenu, page
        assert "Payer en ligne la facture AL-37" in contenu, page
        assert contenu.count(raison) == 1, page


@pytest.mark.parametrize(
    "aujourdhui",
    [datetime.date(2026, 12, 10), datetime.date(2027, 1, 31), datetime.date(2027, 9, 8)],
)
def test_the_duponts_have_last_year_s_tax_certificate(reglages_demo, db, aujourdhui):
    """Les frais de garde de Léa (moins de 6 ans) payés l'an dernier : sa facture de l'été
    (AL-8, sans cantine), réglée en espèces le 31 août ; Lucas (plus de 6 ans) n'y est pas."""
    from facturation.attestations import calculer_frais_de_garde
    from facturation.models import AttestationFiscale

    construire_demo(aujourdhui=aujourdhui)
    annee = aujourdhui.year - 1
    dupont = Famille.objects.get(numero="1001001819331")

    attestation = AttestationFiscale.objects.get(famille=dupont, annee=annee)
    ete = Facture.objects.get(numero="AL-8")
    especes = Reglement.objects.get(numero="AL-200")
    assert (ete.periode_debut, ete.date_facture) == (
        datetime.date(annee, 8, 1),
        datetime.date(annee, 8, 31),
    )
    assert especes.date == datetime.date(annee, 8, 31)
    assert attestation.montant == ete.montant == especes.montant > 0
    assert attestation.version == 1
    assert [e["prenom"] for e in attestation.detail["enfants"]] == ["Léa"]
    frais = calculer_frais_de_garde(famille=dupont, annee=annee)
    assert frais.total == attestation.montant
    assert (
        frais.total_reglements
        == dupont.reglements.filter(date__year=annee).aggregate(s=Sum("montant"))["s"]
    )

    construire_demo(aujourdhui=aujourdhui)  # relancée : la même attestation
    assert AttestationFiscale.objects.filter(famille=dupont).count() == 1
