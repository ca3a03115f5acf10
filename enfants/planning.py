"""Le planning d'un enfant : la grille d'un mois, construite ici en un nombre fixe de requêtes.

Une ligne par inscription active dans le mois, une colonne par jour, et dans chaque case tout
ce que la page affiche, déjà calculé : le code court, le libellé de la légende, le texte lu par
un lecteur d'écran et les actions permises. Trois requêtes quel que soit le nombre de lignes
et de jours (inscriptions avec prestations, structures et responsables ; journées du mois ;
fermetures du mois), et une quatrième pour les campagnes de réservation qui couvrent le mois
(plus l'adresse du titulaire, seulement quand une campagne ouvre plus tôt aux familles de la
collectivité) ; les jours fériés et les vacances viennent de la bibliothèque `holidays`.

Le gabarit n'a plus qu'à poser ces valeurs dans le tableau : la page doit se servir vite.
"""

import calendar
import datetime
import functools
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# L'échappement de Django (django.utils.html.escape appelle celui-ci), sans l'enveloppe des
# textes paresseux : quelques centaines d'appels par grille.
from html import escape
from types import MappingProxyType

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import mark_safe

from commun.requetes import compilee
from enfants import revision
from enfants.models import Campagne, Fermeture, Inscription, Journee, Prestation
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
from familles.models import Responsable

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
# La légende ne change pas : écrite une fois, au chargement.
BALISAGE_LEGENDE = mark_safe(  # noqa: S308 (chaque texte est échappé)
    "".join(
        f'<li><span class="pl-pastille c-{escape(a.cle)}" aria-hidden="true">'
        f"{escape(a.symbole)}</span> {escape(a.libelle)}</li>"
        for a in LEGENDE
    )
)

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
    cellules: str = ""  # le balisage des cases de la ligne (voir `balisage_des_cases`)


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

    @property
    def balisage_colonnes(self):
        """Les <col> des jours, comme les cases : d'un trait plutôt que jour par jour dans le
        gabarit."""
        return self.jours.balisage_colonnes

    @property
    def balisage_entetes(self):
        """Les <th> des jours : l'abréviation visible, le jour en toutes lettres en titre."""
        return self.jours.balisage_entetes

    @property
    def balisage_legende(self):
        return BALISAGE_LEGENDE

    @property
    def balisage_lignes(self):
        """Les <tr> de la grille : l'en-tête de chaque ligne (structure, prestation,
        responsable) et ses cases, d'un trait comme elles."""
        return mark_safe(  # noqa: S308 (chaque texte est échappé, les cases l'ont été)
            "".join(
                '<tr><th scope="row">'
                f'<span class="pl-structure">{escape(ligne.structure)}</span> '
                f'<span class="pl-prestation">{escape(ligne.nom)}</span> '
                '<span class="pl-responsable"><span class="visually-hidden">responsable : '
                f"</span>{escape(ligne.responsable)}</span></th>{ligne.cellules}</tr>"
                for ligne in self.lignes
            )
        )


@dataclass(frozen=True)
class JoursDuMois:
    """Les colonnes d'un mois vu un jour donné (week-ends, fériés, vacances de la zone,
    aujourd'hui) et leur balisage : les mêmes pour toutes les familles."""

    colonnes: tuple
    balisage_colonnes: str
    balisage_entetes: str


@functools.lru_cache(maxsize=32)
def jours_du_mois(premier, aujourdhui, zone):
    """Les JoursDuMois du mois qui commence le `premier`, vu `aujourdhui` depuis la zone
    scolaire `zone` : calculés une fois par processus et par jour (ils font la clé). Des
    colonnes figées : rien ne les modifie."""
    dernier = calendar.monthrange(premier.year, premier.month)[1]
    colonnes = tuple(
        _colonne(premier + datetime.timedelta(days=n), aujourdhui) for n in range(dernier)
    )
    cols = "".join(f"<col{_attribut_classe(colonne.classe)}>" for colonne in colonnes)
    entetes = "".join(
        f'<th scope="col"{_attribut_classe(colonne.classe)}>'
        f'<abbr title="{escape(colonne.en_clair)}">'
        f'<span class="pl-jour-nom">{escape(colonne.abrege)}</span> '
        f'<span class="pl-jour-num">{escape(colonne.numero)}</span></abbr></th>'
        for colonne in colonnes
    )
    # Des classes calculées ici et des textes échappés ci-dessus.
    return JoursDuMois(colonnes, mark_safe(cols), mark_safe(entetes))  # noqa: S308


def _attribut_classe(classe):
    return f' class="{classe}"' if classe else ""


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


@compilee
def _inscriptions_entre(*, enfant_id, debut, fin, prestation_id):
    inscriptions = Inscription.objects.filter(enfant_id=enfant_id, date_debut__lte=fin)
    if prestation_id is not None:
        inscriptions = inscriptions.filter(prestation_id=prestation_id)
    return (
        inscriptions.filter(Q(date_fin__isnull=True) | Q(date_fin__gte=debut))
        .select_related("prestation__structure", "responsable")
        .order_by(
            "prestation__structure__ordre",
            "prestation__structure__nom",
            "prestation__ordre",
            "prestation__nom",
            "date_debut",
        )
    )


def inscriptions_entre(enfant, debut, fin, prestation_id=None):
    """Les inscriptions de l'enfant actives entre deux dates, avec prestation, structure et
    responsable : une requête."""
    return _inscriptions_entre(
        enfant_id=enfant.pk, debut=debut, fin=fin, prestation_id=prestation_id
    )


@compilee
def _inscriptions_a_la_prestation(*, enfant_id, prestation_id):
    return Inscription.objects.filter(
        enfant_id=enfant_id, prestation_id=prestation_id
    ).select_related("prestation")


def inscriptions_a_la_prestation(*, enfant_id, prestation_id):
    """Toutes les inscriptions de l'enfant à cette prestation, avec la prestation : une requête
    (la page d'une case, le service des réservations)."""
    return _inscriptions_a_la_prestation(enfant_id=enfant_id, prestation_id=prestation_id)


@compilee
def _prestations_reservables(*, enfant_id, aujourdhui):
    return (
        Prestation.objects.filter(
            Q(inscriptions__date_fin__isnull=True) | Q(inscriptions__date_fin__gte=aujourdhui),
            inscriptions__enfant_id=enfant_id,
        )
        .select_related("structure")
        .distinct()
        .order_by("structure__ordre", "structure__nom", "ordre", "nom")
    )


def prestations_reservables(*, enfant, aujourdhui):
    """Les prestations auxquelles l'enfant est inscrit aujourd'hui ou plus tard, une fois
    chacune, dans l'ordre de la grille : une requête."""
    return _prestations_reservables(enfant_id=enfant.pk, aujourdhui=aujourdhui)


@compilee
def _fermetures_entre(*, debut, fin):
    return Fermeture.objects.filter(date_debut__lte=fin, date_fin__gte=debut)


def fermetures_entre(debut, fin):
    """Les fermetures qui touchent un jour entre deux dates (un tuple) : une requête, ou
    aucune quand ce processus les a déjà lues sous le même jeton (enfants/revision.py)."""
    return revision.lu_une_fois(
        "fermetures", debut, fin, lambda: _fermetures_entre(debut=debut, fin=fin)
    )


@compilee
def _liens_de_campagnes_entre(*, debut, fin):
    return (
        Campagne.prestations.through.objects.filter(
            campagne__date_debut__lte=fin, campagne__date_fin__gte=debut
        )
        .select_related("campagne")
        .order_by("campagne__date_debut", "campagne_id")
    )


def campagnes_entre(debut, fin):
    """Les campagnes qui couvrent un jour entre deux dates (un tuple), chacune avec l'ensemble
    de ses `prestation_ids` : une requête, ou aucune, comme les fermetures."""
    return revision.lu_une_fois("campagnes", debut, fin, lambda: _campagnes_entre(debut, fin))


def _campagnes_entre(debut, fin):
    campagnes = {}
    for lien in _liens_de_campagnes_entre(debut=debut, fin=fin):
        campagne = campagnes.setdefault(lien.campagne_id, lien.campagne)
        campagne.__dict__.setdefault("prestation_ids", set()).add(lien.prestation_id)
    return list(campagnes.values())


@compilee
def _titulaire(*, famille_id):
    # Comme `.first()` : l'ordre du modèle (famille, rôle), une ligne.
    return Responsable.objects.filter(famille_id=famille_id, role=Responsable.Role.TITULAIRE)[:1]


def residences(famille_id, campagnes):
    """{campagne.pk: la famille habite-t-elle la collectivité ?} : une requête (l'adresse du
    titulaire), seulement quand une campagne en tient compte."""
    if not any(c.ouverture_residents or c.priorite_residents for c in campagnes):
        return {}
    titulaire = next(iter(_titulaire(famille_id=famille_id)), None)
    return {c.pk: c.famille_residente(titulaire) for c in campagnes}


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


@compilee
def _journees_entre(*, enfant_id, debut, fin):
    return Journee.objects.filter(enfant_id=enfant_id, date__range=(debut, fin))


def construire_planning(*, enfant, mois, maintenant=None, lien_des_cases=""):
    """La grille du mois (`mois` : une date de ce mois) : quatre requêtes (cinq quand une
    campagne ouvre plus tôt aux familles de la collectivité).

    `lien_des_cases` : l'adresse sous laquelle chaque case a sa page (« …/planning/ ») ; le
    balisage de chaque ligne de cases est alors prêt à poser dans le tableau (`Ligne.cellules`).
    """
    maintenant = maintenant or timezone.now()
    aujourdhui = timezone.localdate(maintenant)
    aujourdhui_a_paris = maintenant.astimezone(FUSEAU).date()  # celui des délais
    premier = mois.replace(day=1)
    dernier = premier.replace(day=calendar.monthrange(premier.year, premier.month)[1])

    inscriptions = inscriptions_entre(enfant, premier, dernier)
    journees = {
        (j.prestation_id, j.date): j
        for j in _journees_entre(enfant_id=enfant.pk, debut=premier, fin=dernier)
    }
    fermetures = fermetures_entre(premier, dernier)
    campagnes = campagnes_entre(premier, dernier)
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
        ligne = _ligne(inscription, cases)
        ligne.cellules = balisage_des_cases(cases, lien_des_cases)
        lignes.append(ligne)
    return Planning(
        enfant=enfant,
        mois=premier,
        titre=titre_du_mois(premier),
        colonnes=colonnes,
        jours=jours_du_planning,
        lignes=lignes,
        precedent=mois_voisin(premier, -1),
        suivant=mois_voisin(premier, 1),
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


@compilee
def _journee_du_jour(*, enfant_id, prestation_id, jour):
    # Une au plus (unique par enfant, prestation et jour).
    return Journee.objects.filter(enfant_id=enfant_id, prestation_id=prestation_id, date=jour)[:1]


def journee_du_jour(*, enfant_id, prestation_id, jour):
    """La journée enregistrée de l'enfant pour cette prestation ce jour-là, ou None."""
    journees = _journee_du_jour(enfant_id=enfant_id, prestation_id=prestation_id, jour=jour)
    return journees[0] if journees else None


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


# --- Le balisage des cases -------------------------------------------------------------------
# 217 cases pour 7 lignes et 31 jours : écrites ici d'un trait plutôt que case par case dans
# le gabarit, pour que la page se serve vite. Chaque texte est échappé ; la couleur vient de la
# classe, le code court est visible, la phrase complète est pour les lecteurs d'écran (et en
# info-bulle sur les cases qui mènent à leur page).


# Les textes des cases reviennent d'une famille à l'autre (le jour, la prestation, l'état) :
# chacun n'est échappé qu'une fois par processus.
_texte_echappe = functools.lru_cache(maxsize=8192)(escape)


def balisage_des_cases(cases, lien_des_cases):
    """Les <td> d'une ligne, en une chaîne sûre."""
    morceaux = []
    for case in cases:
        classe = f' class="{case.classe}"' if case.classe else ""
        texte = _texte_echappe(case.texte)
        # Une case sans état n'a pas de code à montrer : son texte seul, pour les lecteurs
        # d'écran.
        contenu = (
            f'<span aria-hidden="true">{case.symbole}</span>'
            f'<span class="visually-hidden">{texte}</span>'
            if case.symbole
            else f'<span class="visually-hidden">{texte}</span>'
        )
        if case.cle:
            contenu = (
                f'<a href="{lien_des_cases}{case.cle}/" data-actions="{case.actions_permises}"'
                f' title="{texte}">{contenu}</a>'
            )
        morceaux.append(f"<td{classe}>{contenu}</td>")
    return mark_safe("".join(morceaux))  # noqa: S308 (chaque texte est échappé ci-dessus)
