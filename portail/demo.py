"""Le monde du guide de 2015, déplacé pour vivre aujourd'hui : la démonstration du portail.

`construire_demo()` est idempotente : chaque objet est retrouvé par sa clé naturelle (N° de
famille, identifiant, numéro de facture…), créé s'il manque, remis à ses valeurs de
démonstration s'il a changé, et laissé tel quel sinon (l'historique ne s'encombre pas).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from demandes.models import Demande
from enfants.calendrier import vacances_scolaires
from enfants.models import (
    Campagne,
    Enfant,
    FicheSanitaire,
    Inscription,
    Jour,
    Journee,
    PersonneAutorisee,
    Prestation,
    Structure,
    Vaccination,
)
from facturation.attestations import emettre_attestation_fiscale
from facturation.models import (
    Facture,
    Regie,
    Tarif,
    TrancheQuotient,
)
from facturation.pdf import archiver_pdf
from familles.models import Document, Famille, Message, Responsable, Utilisateur
from portail.demo_dossier import construire_dossiers
from portail.demo_historique import construire_historique
from portail.demo_outils import (
    debut_annee_scolaire,
    dernier_du_mois,
    enregistrer,
    instant,
    ouvert,
    pdf_simple,
    premier_du_mois,
)
from portail.groupes import AGENTS, AGENTS_SANITAIRES, creer_groupes

# Les comptes de démonstration : (identifiant, mot de passe, rôle affiché).
COMPTES = (
    ("jean.dupont", "Bonbons2015", "Parent (famille Dupont)"),
    ("marie.martin", "Martin2015", "Parent (famille Martin)"),
    ("agent", "Vanoise2015", "Agent du service enfance, administration /admin/"),
    (
        "claire.fontaine@exemple.fr",
        "Fontaine2026",
        "Parent qui a créé son compte (famille Fontaine), en attente de validation",
    ),
)
MOTS_DE_PASSE = {identifiant: mot_de_passe for identifiant, mot_de_passe, _ in COMPTES}

# Les sept prestations de la grille du guide, dans son ordre :
# (structure, nom, jours d'ouverture, période, places, prix, tranches de QF ou None).
TRANCHES_JOURNEE = ((0, 700, "10.00"), (701, 1100, "12.50"), (1101, None, "15.00"))
PRESTATIONS = (
    ("Accueil de Loisirs", "ALSH Mercredi après-midi", "3", "scolaire", 24, "8.50", None),
    ("Accueil de Loisirs", "ALSH Mercredi journée", "3", "scolaire", 24, "15.00", TRANCHES_JOURNEE),
    ("Accueil de Loisirs", "ALSH Vacances après-midi", "12345", "vacances", 24, "8.50", None),
    ("Accueil de Loisirs", "ALSH Vacances journée", "12345", "vacances", 40, "15.00", None),
    ("Accueil de Loisirs", "ALSH Vacances matin", "12345", "vacances", 24, "8.50", None),
    ("Garderie périscolaire", "Garderie matin", "1245", "scolaire", 30, "1.80", None),
    ("Garderie périscolaire", "Restauration scolaire", "1245", "scolaire", 80, "4.20", None),
)
STRUCTURES = (
    ("Accueil de Loisirs", 1, "Groupe scolaire, 73350 BOZEL"),
    ("Garderie périscolaire", 2, "École de Bozel, 73350 BOZEL"),
)


@transaction.atomic
def construire_demo(aujourdhui=None, maintenant=None):
    """Construit (ou remet en état) la démonstration ; renvoie les comptes de ses objets.

    Rien n'y est daté après `maintenant` (l'instant présent, ou 18 h le jour `aujourdhui`
    donné)."""
    if aujourdhui is None:
        maintenant = maintenant or timezone.now()
        aujourdhui = timezone.localdate(maintenant)
    maintenant = maintenant or instant(aujourdhui, 18)
    rentree = debut_annee_scolaire(aujourdhui)
    precedente = rentree.replace(year=rentree.year - 1)

    groupes = creer_groupes()
    agent = _compte(
        "agent",
        first_name="Eloïse",
        last_name="Dupé",
        email=settings.COLLECTIVITE["courriel"],
        is_staff=True,
    )
    agent.groups.set([groupes[AGENTS], groupes[AGENTS_SANITAIRES]])
    agent.user_permissions.clear()  # ses droits sont ceux de ses groupes, rien de plus

    prestations, regie = _accueil((precedente, rentree))
    cree_le = instant(precedente - datetime.timedelta(days=12), 10)
    dupont, lucas = _dupont(cree_le)
    lea = _lea(dupont, cree_le, prestations, aujourdhui, precedente)
    martin, emma = _martin(cree_le)
    _famille_en_attente(aujourdhui)

    # Inscrits depuis la rentrée de l'an dernier : le planning du mois courant (jamais
    # facturé), puis ce qui a été facturé et réglé avant (portail/demo_historique.py).
    _planning_dupont(lucas, dupont, prestations, precedente, aujourdhui, agent, maintenant)
    _planning_martin(emma, martin, prestations, precedente, aujourdhui)
    construire_historique(
        regie=regie,
        dupont=dupont,
        lucas=lucas,
        lea=lea,
        martin=martin,
        emma=emma,
        prestations=prestations,
        aujourdhui=aujourdhui,
        maintenant=maintenant,
        agent=agent,
    )
    _messages(dupont, agent, aujourdhui)
    _demandes(dupont, martin, agent, aujourdhui, maintenant)
    _documents(settings.COLLECTIVITE)
    _campagne(prestations, aujourdhui)
    # --- Mon dossier : les documents du dossier annuel (portail/demo_dossier.py) ---
    construire_dossiers(
        dupont=dupont,
        lucas=lucas,
        lea=lea,
        agent=agent,
        aujourdhui=aujourdhui,
        maintenant=maintenant,
    )
    # --- Fin de Mon dossier ---
    _deverrouiller_comptes()
    # Les PDF des factures de la démonstration, archivés comme à l'émission (une seule fois).
    for facture in Facture.objects.select_related("regie", "famille", "facture_corrigee"):
        archiver_pdf(facture=facture)
    # L'attestation fiscale des Dupont pour l'an dernier : les frais de garde de Léa payés
    # cette année-là (la même tant que ses chiffres ne changent pas).
    emettre_attestation_fiscale(famille=dupont, annee=aujourdhui.year - 1, aujourdhui=aujourdhui)

    return {
        "familles": Famille.objects.count(),
        "enfants": Enfant.objects.count(),
        "prestations": Prestation.objects.count(),
        "factures": Facture.objects.count(),
    }


def _compte(identifiant, *, is_staff=False, **valeurs):
    """Un compte de démonstration, avec son mot de passe remis à chaque passage."""
    utilisateur = enregistrer(
        Utilisateur,
        {"username": identifiant},
        is_active=True,
        is_staff=is_staff,
        is_superuser=False,
        doit_changer_mot_de_passe=False,
        **valeurs,
    )
    utilisateur.set_password(MOTS_DE_PASSE[identifiant])
    utilisateur.save(update_fields=["password"])
    return utilisateur


def _deverrouiller_comptes():
    """Une démonstration verrouillée par des essais manqués se rouvre en la rechargeant."""
    from axes.utils import reset

    for identifiant in MOTS_DE_PASSE:
        reset(username=identifiant)


# --- Structures, prestations, régie et tarifs --------------------------------------------------


def _accueil(rentrees):
    """Les structures, les prestations, la régie ; un tarif par prestation et par rentrée (les
    mêmes prix l'an dernier et cette année)."""
    structures = {
        nom: enregistrer(Structure, {"nom": nom}, ordre=ordre, adresse=adresse, telephone="")
        for nom, ordre, adresse in STRUCTURES
    }
    regie = enregistrer(
        Regie, {"prefixe": "AL"}, nom="Régie garderie ALSH", delai_paiement_jours=22
    )
    prestations = {}
    ordres = {}
    for structure, nom, jours, periode, places, prix, tranches in PRESTATIONS:
        ordres[structure] = ordres.get(structure, 0) + 1
        mercredi = jours == "3"
        prestation = enregistrer(
            Prestation,
            {"structure": structures[structure], "nom": nom},
            ordre=ordres[structure],
            active=True,
            jours_ouverture=jours,
            periode=periode,
            places=places,
            # Le mercredi se réserve jusqu'au jeudi précédent à midi ; les vacances une
            # semaine avant, et la demande attend le service.
            reservation_delai_jours=7 if periode == "vacances" else 2,
            reservation_jour_semaine=Jour.JEUDI if mercredi else None,
            annulation_jour_semaine=Jour.JEUDI if mercredi else None,
            validation_automatique=periode != "vacances",
            # Un repas n'est pas un frais de garde (l'attestation fiscale).
            frais_de_garde=nom != "Restauration scolaire",
        )
        prestations[nom] = prestation
        for rentree in rentrees:
            tarif = enregistrer(
                Tarif,
                {"prestation": prestation, "date_debut": rentree},
                regie=regie,
                mode=Tarif.Mode.QUOTIENT if tranches else Tarif.Mode.FORFAIT,
                prix_unitaire=Decimal(prix),
            )
            for qf_min, qf_max, prix_tranche in tranches or ():
                enregistrer(
                    TrancheQuotient,
                    {"tarif": tarif, "qf_min": qf_min},
                    qf_max=qf_max,
                    prix_unitaire=Decimal(prix_tranche),
                )
    return prestations, regie


def _periodes_de_vacances(apres):
    """Les périodes de petites et grandes vacances qui commencent après `apres` : (nom,
    premier jour, dernier jour), dans l'ordre."""
    jours = {}
    for annee in (apres.year, apres.year + 1):
        jours.update(vacances_scolaires(annee))
    periodes = []
    for jour in sorted(jours):
        if periodes and jour - periodes[-1][2] == datetime.timedelta(days=1):
            periodes[-1][2] = jour
        else:
            periodes.append([jours[jour], jour, jour])
    return [tuple(periode) for periode in periodes if periode[1] > apres]


def _campagne(prestations, aujourdhui):
    """Les vacances d'après les prochaines : une campagne « équitable » dont les demandes
    sont ouvertes aux familles de la collectivité depuis dix jours, aux autres depuis trois."""
    nom, debut, fin = _periodes_de_vacances(aujourdhui)[1]
    campagne = enregistrer(
        Campagne,
        {"nom": f"{nom} {debut.year}"},
        date_debut=debut,
        date_fin=fin,
        mode=Campagne.Mode.ATTRIBUTION,
        ouverture_residents=instant(aujourdhui - datetime.timedelta(days=10), 8, 30),
        ouverture=instant(aujourdhui - datetime.timedelta(days=3), 8, 30),
        cloture=instant(
            max(debut - datetime.timedelta(days=21), aujourdhui + datetime.timedelta(days=7)),
            18,
        ),
        communes_residentes="Bozel\nChampagny-en-Vanoise\nPralognan-la-Vanoise\n",
        priorite_parents_travaillant=True,
        priorite_residents=True,
        graine=2027,
    )
    campagne.prestations.set(
        prestations[nom]
        for nom in ("ALSH Vacances après-midi", "ALSH Vacances journée", "ALSH Vacances matin")
    )
    return campagne


# --- Les familles ------------------------------------------------------------------------------


def _dupont(cree_le):
    famille = enregistrer(
        Famille,
        {"numero": "1001001819331"},
        date_creation=cree_le,
        titulaire_compte="DUPONT JEAN",
        organisme_rattachement=Famille.Organisme.AUCUN,
    )
    jean = _compte(
        "jean.dupont", first_name="Jean", last_name="Dupont", email="jean.dupont@wanadoo.fr"
    )
    enregistrer(
        Responsable,
        {"famille": famille, "role": Responsable.Role.TITULAIRE},
        utilisateur=jean,
        civilite=Responsable.Civilite.MONSIEUR,
        nom="DUPONT",
        prenom="JEAN",
        qualite=Responsable.Qualite.PERE,
        situation=Responsable.Situation.SEPARE,
        adresse="12 RUE DES BONBONS",
        code_postal="31400",
        ville="SAINT - JEAN",
        telephone_domicile="01 02 03 04 05",
        email="jean.dupont@wanadoo.fr",
        autorisation_sms=False,
        autorisation_courriel=True,
    )
    enregistrer(
        Responsable,
        {"famille": famille, "role": Responsable.Role.CONJOINT},
        utilisateur=None,
        civilite=Responsable.Civilite.MADAME,
        nom="DUPONT",
        prenom="JEANNE",
        qualite=Responsable.Qualite.MERE,
        adresse="Lotissement les bons bonbons",
        code_postal="31400",
        ville="SAINT - JEAN",
        autorisation_sms=False,
        autorisation_courriel=True,
    )
    lucas = enregistrer(
        Enfant,
        {"famille": famille, "prenom": "Lucas"},
        date_creation=cree_le,
        nom="DUPONT",
        sexe=Enfant.Sexe.GARCON,
        date_naissance=datetime.date(2017, 3, 12),
        lieu_naissance="Moûtiers",
        ecole="École de Bozel",
        classe="CM1",
        autorisation_photo=True,
        autorisation_soins=True,
    )
    enregistrer(
        FicheSanitaire,
        {"enfant": lucas},
        medecin_nom="Dr Claire FAVRE",
        medecin_telephone="04 79 55 01 23",
        allergies="Arachides (réaction cutanée).",
        regime_alimentaire=FicheSanitaire.Regime.AUCUN,
    )
    for vaccin, date in (
        ("DTPolio", datetime.date(2017, 5, 12)),
        ("ROR", datetime.date(2018, 3, 15)),
    ):
        enregistrer(Vaccination, {"enfant": lucas, "vaccin": vaccin, "date": date})
    enregistrer(
        PersonneAutorisee,
        {"enfant": lucas, "nom": "DUPONT", "prenom": "Monique"},
        lien="Grand-mère",
        telephone_mobile="06 12 34 56 78",
    )
    return famille, lucas


def _lea(dupont, cree_le, prestations, aujourdhui, precedente):
    """Léa, la petite sœur de Lucas : 4 ans cette année (moins de 6 ans au 1er janvier de
    l'an dernier, ce qui donne aux Dupont une attestation fiscale), inscrite à l'accueil de
    loisirs des vacances depuis l'été dernier (portail/demo_historique.py : son mois d'août)."""
    lea = enregistrer(
        Enfant,
        {"famille": dupont, "prenom": "Léa"},
        date_creation=cree_le,
        nom="DUPONT",
        sexe=Enfant.Sexe.FILLE,
        date_naissance=datetime.date(aujourdhui.year - 4, 5, 14),
        lieu_naissance="Moûtiers",
        ecole="École de Bozel",
        classe="Maternelle",
        autorisation_photo=True,
        autorisation_soins=True,
    )
    enregistrer(
        FicheSanitaire,
        {"enfant": lea},
        medecin_nom="Dr Claire FAVRE",
        medecin_telephone="04 79 55 01 23",
        allergies="",
        regime_alimentaire=FicheSanitaire.Regime.AUCUN,
    )
    enregistrer(
        Inscription,
        {"enfant": lea, "prestation": prestations["ALSH Vacances journée"]},
        date_debut=min(precedente, datetime.date(aujourdhui.year - 1, 8, 1)),
        responsable=dupont.titulaire,
        jours_reguliers="",
    )
    return lea


def _martin(cree_le):
    famille = enregistrer(
        Famille,
        {"numero": "1001001820442"},
        date_creation=cree_le,
        titulaire_compte="MARTIN MARIE",
        organisme_rattachement=Famille.Organisme.CAF,
        numero_allocataire="7350123",
        quotient_familial=820,
    )
    marie = _compte(
        "marie.martin", first_name="Marie", last_name="Martin", email="marie.martin@exemple.fr"
    )
    enregistrer(
        Responsable,
        {"famille": famille, "role": Responsable.Role.TITULAIRE},
        utilisateur=marie,
        civilite=Responsable.Civilite.MADAME,
        nom="MARTIN",
        prenom="MARIE",
        qualite=Responsable.Qualite.MERE,
        situation=Responsable.Situation.MARIE,
        adresse="3 PLACE DE L'ÉGLISE",
        code_postal="73350",
        ville="BOZEL",
        telephone_mobile="06 98 76 54 32",
        email="marie.martin@exemple.fr",
        autorisation_sms=True,
        autorisation_courriel=True,
    )
    emma = enregistrer(
        Enfant,
        {"famille": famille, "prenom": "Emma"},
        date_creation=cree_le,
        nom="MARTIN",
        sexe=Enfant.Sexe.FILLE,
        date_naissance=datetime.date(2016, 9, 3),
        ecole="École de Bozel",
        classe="CM2",
        autorisation_photo=True,
        autorisation_sortie_seul=True,
        autorisation_soins=True,
    )
    return famille, emma


def _famille_en_attente(aujourdhui):
    """Une famille qui a créé son compte sur le portail (« Créer mon compte ») et confirmé son
    adresse : l'agent la trouve dans Familles, filtre « En attente de validation »."""
    famille = enregistrer(
        Famille,
        {"numero": "9001001820553"},
        date_creation=instant(aujourdhui - datetime.timedelta(days=1), 17),
        etat=Famille.Etat.EN_VALIDATION,
    )
    claire = _compte(
        "claire.fontaine@exemple.fr",
        first_name="Claire",
        last_name="FONTAINE",
        email="claire.fontaine@exemple.fr",
    )
    enregistrer(
        Responsable,
        {"famille": famille, "role": Responsable.Role.TITULAIRE},
        utilisateur=claire,
        nom="FONTAINE",
        prenom="Claire",
        date_naissance=datetime.date(1988, 4, 12),
        email="claire.fontaine@exemple.fr",
    )
    return famille


# --- Le planning ---------------------------------------------------------------------------
# La grille d'avril 2015 du guide, déplacée au mois courant : les deux prestations du mercredi,
# la cantine et la garderie du matin, une semaine d'accueil de loisirs pendant les vacances ;
# s'y ajoutent une absence excusée, une réservation qui attend le service et une réservation
# refusée, et quelques jours réservés le mois suivant.

Etat = Journee.Etat
MOTIF_ABSENCE = "Malade (rhume)"
MOTIF_REFUS = "La garderie du matin est complète ce jour-là."


def _jours(debut, fin):
    jour = debut
    while jour <= fin:
        yield jour
        jour += datetime.timedelta(days=1)


def _journee(enfant, prestation, jour, etat, *, reservee=True, motif=""):
    return enregistrer(
        Journee,
        {"enfant": enfant, "prestation": prestation, "date": jour},
        etat=etat,
        reservee=reservee,
        motif=motif,
    )


def _passee_ou_reservee(enfant, prestation, jour, aujourdhui, *, reservee=True):
    """Présent sur les jours passés, Réservé à partir d'aujourd'hui."""
    etat = Etat.PRESENT if jour < aujourdhui else Etat.RESERVE
    return _journee(enfant, prestation, jour, etat, reservee=reservee)


def _inscrire(enfant, responsable, prestations, noms, rentree, jours_reguliers=None):
    for nom in noms:
        enregistrer(
            Inscription,
            {"enfant": enfant, "prestation": prestations[nom], "date_debut": rentree},
            responsable=responsable,
            jours_reguliers=(jours_reguliers or {}).get(nom, ""),
        )


def _jours_ouverts(prestation, debut, fin):
    return [jour for jour in _jours(debut, fin) if ouvert(prestation, jour)]


def _semaine_de_vacances(prestation, debut, fin):
    """Les jours d'ouverture de la première semaine de vacances du mois (du lundi au
    vendredi), ou rien s'il n'y a pas de vacances ce mois-ci."""
    jours = _jours_ouverts(prestation, debut, fin)
    if not jours:
        return []
    semaine = jours[0].isocalendar()[:2]
    return [jour for jour in jours if jour.isocalendar()[:2] == semaine]


def _planning_dupont(lucas, dupont, prestations, rentree, aujourdhui, agent, maintenant):
    """Lucas : tout le mois courant, comme la grille du guide, et le début du mois suivant."""
    p = prestations
    _inscrire(lucas, dupont.titulaire, prestations, prestations, rentree)
    debut, fin = premier_du_mois(aujourdhui), dernier_du_mois(aujourdhui)

    cantine = _jours_ouverts(p["Restauration scolaire"], debut, fin)
    passees = [jour for jour in cantine if jour < aujourdhui]
    absence = (passees or cantine or [None])[-1]
    for jour in cantine:
        if jour == absence:
            _journee(
                lucas, p["Restauration scolaire"], jour, Etat.ABSENT_EXCUSE, motif=MOTIF_ABSENCE
            )
        else:
            _passee_ou_reservee(lucas, p["Restauration scolaire"], jour, aujourdhui)
        if jour.isoweekday() in (1, 4) and jour < aujourdhui:
            # La garderie du matin, sans réservation : présent (✓) seulement.
            _journee(lucas, p["Garderie matin"], jour, Etat.PRESENT, reservee=False)
    for nom in ("ALSH Mercredi après-midi", "ALSH Mercredi journée"):
        for jour in _jours_ouverts(p[nom], debut, fin):
            _passee_ou_reservee(lucas, p[nom], jour, aujourdhui)
    for jour in _semaine_de_vacances(p["ALSH Vacances journée"], debut, fin):
        _passee_ou_reservee(lucas, p["ALSH Vacances journée"], jour, aujourdhui)

    # Le mois suivant : les mercredis et la cantine des deux premières semaines, réservés.
    suivant = premier_du_mois(aujourdhui, 1)
    quinzaine = suivant + datetime.timedelta(days=13)
    for nom in ("ALSH Mercredi après-midi", "Restauration scolaire"):
        for jour in _jours_ouverts(p[nom], suivant, quinzaine):
            _journee(lucas, p[nom], jour, Etat.RESERVE)

    _demandes_du_planning(lucas, dupont, p, aujourdhui, agent, maintenant)


def _demandes_du_planning(lucas, dupont, prestations, aujourdhui, agent, maintenant):
    """Une réservation refusée (le premier jour de garderie à venir) et une réservation en
    attente du service (la semaine prochaine), écrites comme le service des réservations les
    écrit : la journée et sa demande."""
    garderie = prestations["Garderie matin"]
    if not _jours_ouverts(garderie, aujourdhui, aujourdhui + datetime.timedelta(days=21)):
        garderie = prestations["ALSH Vacances journée"]  # des semaines de vacances
    jours = _jours_ouverts(
        garderie, aujourdhui + datetime.timedelta(days=1), aujourdhui + datetime.timedelta(days=42)
    )
    lundi_prochain = aujourdhui + datetime.timedelta(days=8 - aujourdhui.isoweekday())
    refuse = jours[0]
    en_attente = next((j for j in jours if j >= lundi_prochain and j != refuse), jours[-1])
    type_journee = ContentType.objects.get_for_model(Journee)
    jean = dupont.titulaire.utilisateur

    journee = _journee(
        lucas, garderie, refuse, Etat.RESERVATION_REFUSEE, reservee=False, motif=MOTIF_REFUS
    )
    enregistrer(
        Demande,
        {"famille": dupont, "type": Demande.Type.RESERVATION, "cible_id": journee.pk},
        statut=Demande.Statut.REFUSEE,
        enfant=lucas,
        cible_type=type_journee,
        valeurs_actuelles={"etat": Etat.RESERVATION_EN_ATTENTE},
        valeurs_demandees={"etat": Etat.RESERVE},
        commentaire="",
        demandeur=jean,
        date_demande=instant(aujourdhui - datetime.timedelta(days=2), 19, 30),
        decidee_par=agent,
        decidee_le=instant(aujourdhui - datetime.timedelta(days=1), 9, 15),
        motif_refus=MOTIF_REFUS,
    )

    journee = _journee(lucas, garderie, en_attente, Etat.RESERVATION_EN_ATTENTE)
    enregistrer(
        Demande,
        {"famille": dupont, "type": Demande.Type.RESERVATION, "cible_id": journee.pk},
        statut=Demande.Statut.EN_ATTENTE,
        enfant=lucas,
        cible_type=type_journee,
        valeurs_actuelles={"etat": Etat.RESERVATION_EN_ATTENTE},
        valeurs_demandees={"etat": Etat.RESERVE},
        commentaire="",
        demandeur=jean,
        date_demande=min(instant(aujourdhui, 7, 50), maintenant),
        decidee_par=None,
        decidee_le=None,
        motif_refus="",
    )


def _planning_martin(emma, martin, prestations, rentree, aujourdhui):
    """Emma : le mercredi en journée, réservé ; la cantine en accueil régulier (lundi, mardi,
    jeudi) : une case « Régulier » sans journée enregistrée, « Présent » une fois passée."""
    p = prestations
    _inscrire(
        emma,
        martin.titulaire,
        prestations,
        ("ALSH Mercredi journée", "Restauration scolaire"),
        rentree,
        jours_reguliers={"Restauration scolaire": "124"},
    )
    debut, fin = premier_du_mois(aujourdhui), dernier_du_mois(aujourdhui)
    for jour in _jours_ouverts(p["ALSH Mercredi journée"], debut, fin):
        _passee_ou_reservee(emma, p["ALSH Mercredi journée"], jour, aujourdhui)
    for jour in _jours_ouverts(p["Restauration scolaire"], debut, aujourdhui):
        if jour < aujourdhui and jour.isoweekday() in (1, 2, 4):
            _journee(emma, p["Restauration scolaire"], jour, Etat.PRESENT)


# --- Factures et règlement -----------------------------------------------------------------


# --- Messages, demandes, documents -----------------------------------------------------------


def _messages(dupont, agent, aujourdhui):
    enregistrer(
        Message,
        {"famille": dupont, "sujet": "Inscriptions aux vacances d'hiver"},
        sens=Message.Sens.VERS_FAMILLE,
        corps=(
            "Bonjour,\n\n"
            "Les inscriptions à l'Accueil de Loisirs pour les vacances d'hiver sont ouvertes. "
            "Vous pouvez réserver les journées de Lucas depuis l'onglet « Mes enfants », "
            "jusqu'à une semaine avant le début des vacances.\n\n"
            "Nous restons à votre disposition pour toute question.\n\n"
            "Bonne journée,\n"
            "Le service enfance"
        ),
        auteur=agent,
        date_envoi=instant(aujourdhui - datetime.timedelta(days=1), 10, 15),
        lu_le=None,
    )
    envoi = instant(aujourdhui - datetime.timedelta(days=30), 9, 0)
    enregistrer(
        Message,
        {"famille": dupont, "sujet": "Bienvenue sur le Portail Familles"},
        sens=Message.Sens.VERS_FAMILLE,
        corps=(
            "Bonjour,\n\n"
            "Votre compte famille est ouvert. Vous y trouverez vos factures, le planning de "
            "vos enfants et la liste de vos demandes. Pensez à tenir à jour vos adresses "
            "électroniques et vos numéros de portable.\n\n"
            "Le service enfance"
        ),
        auteur=agent,
        date_envoi=envoi,
        lu_le=envoi + datetime.timedelta(hours=26),
    )


def _demandes(dupont, martin, agent, aujourdhui, maintenant):
    """Une demande en attente pour les Dupont (la liste des demandes de l'agent n'est pas
    vide) et une demande déjà acceptée pour les Martin."""
    type_responsable = ContentType.objects.get_for_model(Responsable)
    jean, marie = dupont.titulaire, martin.titulaire
    enregistrer(
        Demande,
        {
            "famille": dupont,
            "type": Demande.Type.RESPONSABLE,
            "commentaire": "Nouveau numéro de portable.",
        },
        statut=Demande.Statut.EN_ATTENTE,
        cible_type=type_responsable,
        cible_id=jean.pk,
        valeurs_actuelles={"telephone_mobile": "", "autorisation_sms": False},
        valeurs_demandees={"telephone_mobile": "06 11 22 33 44", "autorisation_sms": True},
        demandeur=jean.utilisateur,
        date_demande=min(instant(aujourdhui, 8, 40), maintenant),
        decidee_par=None,
        decidee_le=None,
    )
    enregistrer(
        Demande,
        {"famille": martin, "type": Demande.Type.RESPONSABLE, "commentaire": "Déménagement."},
        statut=Demande.Statut.ACCEPTEE,
        cible_type=type_responsable,
        cible_id=marie.pk,
        valeurs_actuelles={"adresse": "12 RUE DU MOULIN", "code_postal": "73350", "ville": "BOZEL"},
        valeurs_demandees={
            "adresse": "3 PLACE DE L'ÉGLISE",
            "code_postal": "73350",
            "ville": "BOZEL",
        },
        demandeur=marie.utilisateur,
        date_demande=instant(aujourdhui - datetime.timedelta(days=10), 18, 5),
        decidee_par=agent,
        decidee_le=instant(aujourdhui - datetime.timedelta(days=9), 9, 30),
    )


def _documents(collectivite):
    enregistrer(
        Document,
        {"genre": Document.Genre.INFORMATION, "titre": "Nous contacter"},
        texte=(
            f"{collectivite['service']} — {collectivite['nom']}\n"
            f"Votre contact : {collectivite['contact']}, {collectivite['telephone']}, "
            f"{collectivite['courriel']}\n"
            f"Accueil {collectivite['horaires']}."
        ),
        publie=True,
        ordre=1,
    )
    enregistrer(
        Document,
        {"genre": Document.Genre.INFORMATION, "titre": "Programme de l'Accueil de Loisirs"},
        texte=(
            "Les activités des mercredis et des vacances sont affichées à l'Accueil de "
            "Loisirs et publiées sur le site de la Communauté de communes."
        ),
        lien="https://www.valvanoise.fr",
        publie=True,
        ordre=2,
    )
    nom_fichier = "documents/demo-fiche-inscription.pdf"
    if not default_storage.exists(nom_fichier):
        nom_fichier = default_storage.save(
            nom_fichier,
            ContentFile(
                pdf_simple(
                    [
                        "Fiche d'inscription au service enfance",
                        "",
                        "Nom et prénom de l'enfant : ..............................",
                        "Date de naissance : ....../....../..........",
                        "École et classe : ..............................",
                        "Responsable : ..............................",
                        "Téléphone : ..............................",
                        "",
                        f"{collectivite['nom']} — {collectivite['telephone']}",
                    ]
                )
            ),
        )
    enregistrer(
        Document,
        {"genre": Document.Genre.FORMULAIRE, "titre": "Fiche d'inscription (à imprimer)"},
        fichier=nom_fichier,
        publie=True,
        ordre=1,
    )
