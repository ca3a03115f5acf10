"""Le planning d'un enfant : la grille d'un mois, construite ici en un nombre fixe de requêtes.

Une ligne par inscription active dans le mois, une colonne par jour, et dans chaque case tout
ce que la page affiche, déjà calculé : le code court, le libellé de la légende, le texte lu par
un lecteur d'écran et les actions permises. Trois requêtes quel que soit le nombre de lignes
et de jours (inscriptions avec prestations, structures et responsables ; journées du mois ;
fermetures du mois), et une quatrième pour les campagnes de réservation qui couvrent le mois
(plus l'adresse du titulaire, seulement quand une campagne ouvre plus tôt aux familles de la
collectivité) ; les jours fériés et les vacances viennent de la bibliothèque `holidays`.

Le gabarit n'a plus qu'à poser ces valeurs dans le tableau (templates/enfants/_planning_*.html).
"""

import calendar
import datetime
import functools
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.conf import settings
from django.utils import timezone

from enfants.lectures import (
    calendrier_affiche,
    campagnes_entre,
    fermetures_entre,
    inscriptions_entre,
    journee_du_jour,
    journees_entre,
    residences,
)
from enfants.models import Inscription, Journee, Prestation
from enfants.regles import (
    AUCUNE_ACTION,
    ETATS_RESERVABLES,
    FUSEAU,
    MOIS,
    actions_d_un_jour_ouvert,
    actions_possibles,
    campagne_du_jour,
    fenetre_en_clair,
    fermeture_du_jour,
    fermetures_de_la_prestation,
    instant_en_clair,
    jour_en_clair,
    limite_annulation,
    limite_reservation,
    marque_du_jour,
    raison_de_fermeture,
    raison_hors_fenetre,
    raison_hors_horizon,
)

ABREGES = ("Lu", "Ma", "Me", "Je", "Ve", "Sa", "Di")
Etat = Journee.Etat


@dataclass(frozen=True, slots=True)
class Apparence:
    """Comment un état se montre : sa classe (sa couleur), un code court, son libellé."""

    cle: str
    symbole: str
    libelle: str

    @property
    def en_clair(self):
        """Le libellé dans une phrase : « réservé », « petites vacances »."""
        return self.libelle[:1].lower() + self.libelle[1:]


# Chaque état de la légende du guide, dans son ordre. La couleur n'est jamais seule : chaque
# case porte aussi un code court et, pour les lecteurs d'écran, sa phrase complète.
SYMBOLES = {
    Etat.RESERVE: "R",
    Etat.PRESENT: "✓",
    Etat.ERREUR: "!",
    Etat.CONGE: "C",
    Etat.HORS_CONTRAT: "H",
    Etat.REGULIER: "Rg",
    Etat.FERMETURE: "×",
    Etat.ABSENT_FACTURE: "AF",
    Etat.DEMANDE_EN_ATTENTE: "?",
    Etat.ABSENT_EXCUSE: "AE",
    Etat.RESERVATION_EN_ATTENTE: "R?",
    Etat.RESERVATION_REFUSEE: "R✗",
    Etat.ABSENCE_EN_ATTENTE: "A?",
    Etat.VOEU: "D",
}
SYMBOLES_SUPPLEMENTAIRES = {"liste_attente": "LA"}
SYMBOLE_INCONNU = "•"

APPARENCES = {
    valeur: Apparence(
        valeur,
        SYMBOLES.get(valeur) or SYMBOLES_SUPPLEMENTAIRES.get(valeur, SYMBOLE_INCONNU),
        libelle,
    )
    for valeur, libelle in Etat.choices
}
PRESENT_RESERVE = Apparence("present_reserve", "R✓", "Présent sur une journée réservée")
FERIE = Apparence("ferie", "F", "Jour férié")
PETITES_VACANCES = Apparence("petites_vacances", "P", "Petites vacances")
GRANDES_VACANCES = Apparence("grandes_vacances", "G", "Grandes vacances")
MARQUES = {"F": FERIE, "P": PETITES_VACANCES, "G": GRANDES_VACANCES}
# Pas un état du guide : une case libre que la famille peut encore réserver.
RESERVABLE = Apparence("libre", "+", "Jour réservable")


def _legende():
    etats = []
    for valeur, _ in Etat.choices:
        etats.append(APPARENCES[valeur])
        if valeur == Etat.PRESENT:
            etats.append(PRESENT_RESERVE)
    return tuple(etats) + (PETITES_VACANCES, GRANDES_VACANCES, FERIE, RESERVABLE)


LEGENDE = _legende()

# « reserver absence » pour chaque combinaison d'actions permises (le menu contextuel).
ACTIONS_PERMISES = {
    permises: " ".join(nom for nom, permise in zip(AUCUNE_ACTION, permises, strict=True) if permise)
    for permises in itertools.product((False, True), repeat=len(AUCUNE_ACTION))
}

# Ce que dit une case vide.
LIBRE = "aucune réservation"
LIBRE_RESERVABLE = "aucune réservation, réservable"
SANS_ACCUEIL = "pas d'accueil"
HORS_INSCRIPTION = "hors de la période d'inscription"


@dataclass(slots=True)
class Case:
    """Une case de la grille : un jour d'une ligne."""

    jour: datetime.date
    classe: str  # « c-reserve » : la couleur de l'état, vide pour une case sans état
    symbole: str  # « R », « ✓ », « F »
    libelle: str  # « Réservé » (la légende), vide pour une case sans état
    texte: str  # « Mercredi 9 décembre, ALSH Mercredi après-midi : réservé »
    etat: str | None = None  # l'état de la journée (enregistré ou régulier), sinon None
    actions: Mapping = field(default_factory=lambda: AUCUNE_ACTION)
    cle: str = ""  # « 12/2026-12-09 » : la page de la case, quand elle a quelque chose à dire
    journee: Journee | None = None
    precision: str = ""  # le motif d'une fermeture, d'une absence ou d'un refus

    @property
    def actions_permises(self):
        """« reserver absence » : pour le menu contextuel."""
        actions = self.actions
        return ACTIONS_PERMISES[actions["reserver"], actions["annuler"], actions["absence"]]


@dataclass(frozen=True, slots=True)
class Colonne:
    jour: datetime.date
    entete: str  # « Me 01 »
    abrege: str  # « Me »
    numero: str  # « 01 »
    en_clair: str  # « Mercredi 1er décembre »
    classe: str  # « we », « auj », « vac », « fer »
    marque: object = None  # la MarqueCalendrier du jour (F, P, G), calculée une fois par jour


@dataclass(slots=True)
class Ligne:
    inscription: Inscription
    prestation: Prestation
    structure: str
    nom: str
    responsable: str  # « DUPONT JEAN »
    cases: list


@dataclass
class Planning:
    enfant: object
    mois: datetime.date  # le 1er du mois
    titre: str  # « Décembre 2026 »
    colonnes: list
    lignes: list
    precedent: datetime.date | None  # None au bord des années de la grille
    suivant: datetime.date | None
    jours: "JoursDuMois"
    legende: tuple = LEGENDE
    campagnes: list = field(default_factory=list)  # une phrase par campagne du mois
    lien_des_cases: str = ""  # l'adresse sous laquelle chaque case a sa page (« …/planning/ »)

    @property
    def mois_param(self):
        return f"{self.mois:%Y-%m}"

    # Les liens vers les mois voisins : « ?mois=2026-11 », « Novembre 2026 ».
    @property
    def precedent_param(self):
        return f"{self.precedent:%Y-%m}"

    @property
    def suivant_param(self):
        return f"{self.suivant:%Y-%m}"

    @property
    def titre_precedent(self):
        return titre_du_mois(self.precedent)

    @property
    def titre_suivant(self):
        return titre_du_mois(self.suivant)


@dataclass(frozen=True)
class JoursDuMois:
    """Les colonnes d'un mois vu un jour donné (week-ends, fériés, vacances de la zone,
    aujourd'hui) : les mêmes pour toutes les familles. `cle` les désigne (mois, jour, zone) :
    le gabarit garde sous cette clé les <col> et <th> qu'il en écrit ({% cache %})."""

    colonnes: tuple
    cle: str


@functools.lru_cache(maxsize=32)
def jours_du_mois(premier, aujourdhui, zone):
    """Les JoursDuMois du mois qui commence le `premier`, vu `aujourdhui` depuis la zone
    scolaire `zone` : calculés une fois par processus et par jour (ils font la clé). Des
    colonnes figées : rien ne les modifie."""
    dernier = calendar.monthrange(premier.year, premier.month)[1]
    colonnes = tuple(
        _colonne(premier + datetime.timedelta(days=n), aujourdhui) for n in range(dernier)
    )
    return JoursDuMois(colonnes, cle=f"{premier:%Y-%m}/{aujourdhui.isoformat()}/{zone}")


# --- Les mois ----------------------------------------------------------------------------------

MOIS_PARAM = re.compile(r"^(\d{4})-(\d{2})$")
# Les années que la grille montre : un jour en dehors n'a pas de page, et la navigation d'un
# mois à l'autre s'arrête à leurs bords.
PREMIERE_ANNEE, DERNIERE_ANNEE = 2000, 2100


def annee_du_planning(annee):
    return PREMIERE_ANNEE <= annee <= DERNIERE_ANNEE


def lire_mois(valeur, aujourdhui):
    """« 2026-12 » → date(2026, 12, 1) ; une valeur absente ou invalide → le mois courant."""
    trouve = MOIS_PARAM.match(valeur or "")
    if trouve:
        annee, mois = int(trouve[1]), int(trouve[2])
        if annee_du_planning(annee) and 1 <= mois <= 12:
            return datetime.date(annee, mois, 1)
    return aujourdhui.replace(day=1)


def decaler_mois(premier, decalage):
    rang = premier.year * 12 + premier.month - 1 + decalage
    return datetime.date(rang // 12, rang % 12 + 1, 1)


def mois_voisin(premier, decalage):
    """Le mois décalé, ou None au-delà des années de la grille (pas de lien vers lui)."""
    voisin = decaler_mois(premier, decalage)
    return voisin if annee_du_planning(voisin.year) else None


def titre_du_mois(premier):
    return f"{MOIS[premier.month - 1].capitalize()} {premier.year}"


def jour_capitalise(jour):
    """« Mercredi 1er décembre »."""
    texte = jour_en_clair(jour)
    if jour.day == 1:
        texte = texte.replace(" 1 ", " 1er ", 1)
    return texte[:1].upper() + texte[1:]


def jour_et_annee(jour):
    """« mercredi 1er décembre 2026 »."""
    texte = jour_capitalise(jour)
    return f"{texte[:1].lower()}{texte[1:]} {jour.year}"


# --- La grille -----------------------------------------------------------------------------


def annonce_de_campagne(campagne, resident, maintenant):
    """Ce que la grille dit d'une campagne à la famille, selon le moment."""
    if maintenant < campagne.ouverture_pour(resident):
        annonce = f"Réservations ouvertes {fenetre_en_clair(campagne, resident)}."
        if campagne.ouverture_residents and not resident:
            annonce += (
                f" Les familles de la collectivité peuvent demander dès le "
                f"{instant_en_clair(campagne.ouverture_residents)}."
            )
        return annonce
    cloture = instant_en_clair(campagne.cloture)
    if maintenant < campagne.cloture:
        if campagne.attribution:
            return (
                f"Demandes ouvertes jusqu'au {cloture}. Rien ne presse : demandez les jours "
                "voulus avant la clôture ; les places seront alors attribuées en une fois selon "
                "les priorités de la campagne, et chaque famille connaîtra le résultat au même "
                "moment."
            )
        return (
            f"Réservations ouvertes jusqu'au {cloture} : chaque demande est décidée aussitôt, "
            "dans l'ordre d'arrivée."
        )
    if campagne.attribution and campagne.attribuee_le is None:
        return f"Demandes closes depuis le {cloture} : les places sont en cours d'attribution."
    if campagne.attribution:
        return (
            f"Places attribuées le {instant_en_clair(campagne.attribuee_le)}. Les demandes non "
            "retenues sont en liste d'attente, dans l'ordre de l'attribution."
        )
    return f"Réservations closes depuis le {cloture}."


def construire_planning(*, enfant, mois, maintenant=None, lien_des_cases=""):
    """La grille du mois (`mois` : une date de ce mois) : quatre requêtes (cinq quand une
    campagne ouvre plus tôt aux familles de la collectivité).

    `lien_des_cases` : l'adresse sous laquelle chaque case a sa page (« …/planning/ »), pour
    le gabarit qui écrit les liens des cases.
    """
    maintenant = maintenant or timezone.now()
    aujourdhui = timezone.localdate(maintenant)
    aujourdhui_a_paris = maintenant.astimezone(FUSEAU).date()  # celui des délais
    premier = mois.replace(day=1)
    dernier = premier.replace(day=calendar.monthrange(premier.year, premier.month)[1])

    inscriptions = inscriptions_entre(enfant, premier, dernier)
    journees = {
        (j.prestation_id, j.date): j
        for j in journees_entre(enfant_id=enfant.pk, debut=premier, fin=dernier)
    }
    fermetures, campagnes = calendrier_affiche(premier, dernier)
    resident = residences(enfant.famille_id, campagnes)

    jours_du_planning = jours_du_mois(premier, aujourdhui, settings.ZONE_SCOLAIRE)
    colonnes = jours_du_planning.colonnes
    lignes = []
    for inscription in inscriptions:
        prestation = inscription.prestation
        prestation_id = prestation.pk
        # Celles qui concernent la ligne, triées une fois plutôt qu'à chaque case (dans le même
        # ordre : chaque case y trouve la même que dans la liste entière).
        fermetures_de_la_ligne = fermetures_de_la_prestation(prestation, fermetures)
        campagnes_de_la_ligne = [c for c in campagnes if prestation_id in c.prestation_ids]
        cases = [
            construire_case(
                inscription=inscription,
                colonne=colonne,
                journee=journees.get((prestation_id, colonne.jour)),
                fermetures=fermetures_de_la_ligne,
                maintenant=maintenant,
                campagnes=campagnes_de_la_ligne,
                resident=resident,
                aujourdhui=aujourdhui_a_paris,
            )
            for colonne in colonnes
        ]
        lignes.append(_ligne(inscription, cases))
    return Planning(
        enfant=enfant,
        mois=premier,
        titre=titre_du_mois(premier),
        colonnes=colonnes,
        jours=jours_du_planning,
        lignes=lignes,
        precedent=mois_voisin(premier, -1),
        suivant=mois_voisin(premier, 1),
        lien_des_cases=lien_des_cases,
        campagnes=[
            (campagne.nom, annonce_de_campagne(campagne, resident.get(campagne.pk), maintenant))
            for campagne in campagnes
            if any(ligne.prestation.pk in campagne.prestation_ids for ligne in lignes)
        ],
    )


def _ligne(inscription, cases):
    responsable = inscription.responsable
    return Ligne(
        inscription=inscription,
        prestation=inscription.prestation,
        structure=inscription.prestation.structure.nom,
        nom=inscription.prestation.nom,
        responsable=f"{responsable.nom} {responsable.prenom}".upper(),
        cases=cases,
    )


def _colonne(jour, aujourdhui):
    marque = marque_du_jour(jour)
    classes = []
    if jour.isoweekday() > 5:
        classes.append("we")
    if marque is not None:
        classes.append("fer" if marque.code == "F" else "vac")
    if jour == aujourdhui:
        classes.append("auj")
    return Colonne(
        jour=jour,
        entete=f"{ABREGES[jour.weekday()]} {jour.day:02d}",
        abrege=ABREGES[jour.weekday()],
        numero=f"{jour.day:02d}",
        en_clair=jour_capitalise(jour),
        classe=" ".join(classes),
        marque=marque,
    )


def construire_case(
    *,
    inscription,
    colonne,
    journee,
    fermetures,
    maintenant,
    campagnes=(),
    resident=None,
    aujourdhui=None,
):
    """Une case : l'état enregistré, sinon ce que disent le calendrier et l'inscription.
    `campagnes` : celles déjà lues ; `resident` : {campagne.pk: la famille y est résidente} ;
    `aujourdhui` : la date de `maintenant` à Paris, quand l'appelant l'a déjà."""
    prestation = inscription.prestation
    jour = colonne.jour
    debut_texte = f"{colonne.en_clair}, {prestation.nom} : "
    if journee is not None:
        apparence = APPARENCES.get(journee.etat) or Apparence(
            journee.etat, SYMBOLE_INCONNU, journee.get_etat_display()
        )
        if journee.etat == Etat.PRESENT and journee.reservee:
            apparence = PRESENT_RESERVE
        return _case_avec_etat(
            apparence,
            prestation,
            jour,
            debut_texte,
            journee.etat,
            actions_possibles(
                prestation=prestation,
                jour=jour,
                journee=journee,
                inscription=inscription,
                fermetures=fermetures,
                maintenant=maintenant,
                **_de_la_campagne(prestation, jour, campagnes, resident),
            ),
            journee=journee,
            precision=journee.motif,
        )
    if not inscription.couvre(jour):
        return Case(jour, "", "", "", debut_texte + HORS_INSCRIPTION)
    marque = colonne.marque
    if marque is not None and (marque.code == "F" or prestation.periode == "scolaire"):
        apparence = MARQUES[marque.code]
        nom = marque.libelle.partition(" : ")[2]
        return Case(
            jour,
            f"c-{apparence.cle}",
            apparence.symbole,
            apparence.libelle,
            f"{debut_texte}{apparence.en_clair} ({nom})",
            precision=nom,
        )
    en_vacances = marque is not None  # un jour férié a été traité plus haut
    if (
        not prestation.active
        or str(jour.isoweekday()) not in prestation.jours_ouverture
        or (prestation.periode == "vacances" and not en_vacances)
    ):
        return Case(jour, "", "", "", debut_texte + SANS_ACCUEIL)
    fermeture = fermeture_du_jour(prestation, jour, fermetures)
    if fermeture is not None:
        apparence = APPARENCES[Etat.FERMETURE]
        motif = f" ({fermeture.motif})" if fermeture.motif else ""
        return Case(
            jour,
            f"c-{apparence.cle}",
            apparence.symbole,
            apparence.libelle,
            debut_texte + apparence.en_clair + motif,
            precision=fermeture.motif,
        )
    # L'inscription couvre le jour et la prestation y accueille : vérifié ci-dessus.
    etat = Etat.REGULIER if str(jour.isoweekday()) in inscription.jours_reguliers else None
    actions = actions_d_un_jour_ouvert(
        prestation=prestation,
        jour=jour,
        etat=etat,
        maintenant=maintenant,
        aujourdhui=aujourdhui or maintenant.astimezone(FUSEAU).date(),
        **_de_la_campagne(prestation, jour, campagnes, resident),
    )
    if etat is not None:
        return _case_avec_etat(APPARENCES[etat], prestation, jour, debut_texte, etat, actions)
    if actions["reserver"]:
        return Case(
            jour,
            f"c-{RESERVABLE.cle}",
            RESERVABLE.symbole,
            RESERVABLE.libelle,
            debut_texte + LIBRE_RESERVABLE,
            actions=actions,
            cle=f"{prestation.pk}/{jour.isoformat()}",
        )
    return Case(jour, "", "", "", debut_texte + LIBRE, actions=actions)


SANS_CAMPAGNE = MappingProxyType({"campagne": None, "resident": False})


def _de_la_campagne(prestation, jour, campagnes, resident):
    """La campagne du jour et la résidence de la famille, pour `actions_possibles` : seulement
    pour les cases qui proposent des actions."""
    if not campagnes:
        return SANS_CAMPAGNE
    campagne = campagne_du_jour(prestation, jour, campagnes)
    return {
        "campagne": campagne,
        "resident": bool(campagne and (resident or {}).get(campagne.pk)),
    }


def _case_avec_etat(
    apparence, prestation, jour, debut_texte, etat, actions, journee=None, precision=""
):
    return Case(
        jour,
        f"c-{apparence.cle}",
        apparence.symbole,
        apparence.libelle,
        debut_texte + apparence.en_clair,
        etat=etat,
        actions=actions,
        # Une case qui a un état a toujours sa page : son détail (motif), ses actions.
        cle=f"{prestation.pk}/{jour.isoformat()}",
        journee=journee,
        precision=precision,
    )


# --- Un jour d'une ligne : la page d'une case ----------------------------------------------


@dataclass
class JourDuPlanning:
    """Une case et ce qu'il faut pour la comprendre : sa ligne, ses délais, sa fermeture."""

    ligne: Ligne
    colonne: Colonne
    case: Case
    raison_fermeture: str | None
    limite_reservation: datetime.datetime
    limite_annulation: datetime.datetime
    maintenant: datetime.datetime
    raison_campagne: str | None = None  # hors de la fenêtre d'une campagne : pourquoi
    raison_horizon: str | None = None  # au-delà de l'horizon des réservations : pourquoi

    @property
    def inscription(self):
        return self.ligne.inscription

    @property
    def prestation(self):
        return self.ligne.prestation

    @property
    def jour(self):
        return self.colonne.jour

    @property
    def aucune_action(self):
        return not any(self.case.actions.values())

    @property
    def sans_action_parce_que(self):
        """Pourquoi la case ne propose rien, en français (fin de phrase)."""
        if self.raison_fermeture:
            return self.raison_fermeture
        if self.case.etat in ETATS_RESERVABLES and self.raison_campagne:
            return self.raison_campagne
        if self.case.etat in ETATS_RESERVABLES and self.raison_horizon:
            return self.raison_horizon[:1].lower() + self.raison_horizon[1:]
        if self.case.etat in ETATS_RESERVABLES and self.maintenant > self.limite_reservation:
            limite = instant_en_clair(self.limite_reservation)
            return f"les réservations étaient possibles jusqu'au {limite}."
        if self.jour < timezone.localdate(self.maintenant):
            return "ce jour est passé ; pour toute question, contactez le service enfance."
        return "pour toute question, contactez le service enfance."


def construire_jour(*, enfant, prestation_id, jour, maintenant=None):
    """La case d'une prestation de l'enfant ce jour-là, ou None s'il n'y est pas inscrit :
    quatre ou cinq requêtes, comme la grille."""
    maintenant = maintenant or timezone.now()
    inscription = next(
        (
            i
            for i in inscriptions_entre(enfant, jour, jour, prestation_id=prestation_id)
            if i.couvre(jour)
        ),
        None,
    )
    if inscription is None:
        return None
    prestation = inscription.prestation
    journee = journee_du_jour(enfant_id=enfant.pk, prestation_id=prestation.pk, jour=jour)
    fermetures = fermetures_entre(jour, jour)
    campagnes = campagnes_entre(jour, jour)
    resident = residences(enfant.famille_id, campagnes)
    campagne = campagne_du_jour(prestation, jour, campagnes)
    colonne = _colonne(jour, timezone.localdate(maintenant))
    case = construire_case(
        inscription=inscription,
        colonne=colonne,
        journee=journee,
        fermetures=fermetures,
        maintenant=maintenant,
        campagnes=campagnes,
        resident=resident,
    )
    return JourDuPlanning(
        ligne=_ligne(inscription, [case]),
        colonne=colonne,
        case=case,
        raison_fermeture=raison_de_fermeture(prestation, jour, fermetures),
        limite_reservation=limite_reservation(prestation, jour),
        limite_annulation=limite_annulation(prestation, jour, campagne),
        maintenant=maintenant,
        raison_campagne=campagne
        and raison_hors_fenetre(campagne, resident.get(campagne.pk), maintenant),
        raison_horizon=None
        if campagne
        else raison_hors_horizon(prestation, jour, maintenant.astimezone(FUSEAU).date()),
    )
