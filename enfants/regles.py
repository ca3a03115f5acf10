"""Les règles d'ouverture et de délai des prestations, sans base de données.

Fonctions pures : on leur passe la prestation, le jour, et ce qui a déjà été lu (fermetures),
elles répondent. La grille du planning et le service des réservations s'en servent tous deux,
si bien qu'une case n'offre jamais une action que le service refuserait.
"""

import datetime
from dataclasses import dataclass
from types import MappingProxyType
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from enfants.calendrier import jours_feries, vacances_scolaires
from enfants.models import Journee, Prestation

JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
# Le nom des grandes vacances dans la bibliothèque `holidays` ; les autres sont « petites ».
GRANDES_VACANCES = "Vacances d'été"
# Les délais se comptent à l'heure du service (Europe/Paris), quel que soit le fuseau actif :
# posé directement, sans le fuseau courant que `timezone.make_aware` relit à chaque appel
# (une cinquantaine d'appels par grille).
FUSEAU = ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class MarqueCalendrier:
    """Ce que le calendrier dit d'un jour : F (férié), G (grandes vacances), P (petites)."""

    code: str
    libelle: str


def marque_du_jour(jour, zone=None):
    """La marque du calendrier pour ce jour, ou None pour un jour d'école ordinaire."""
    ferie = jours_feries(jour.year).get(jour)
    if ferie:
        return MarqueCalendrier("F", f"Jour férié : {ferie}")
    vacances = vacances_scolaires(jour.year, zone).get(jour)
    if vacances:
        if vacances == GRANDES_VACANCES:
            return MarqueCalendrier("G", f"Grandes vacances : {vacances}")
        return MarqueCalendrier("P", f"Petites vacances : {vacances}")
    return None


def ferme_la_prestation(fermeture, prestation):
    """La fermeture vise-t-elle cette prestation (elle-même, sa structure ou tout le service) ?"""
    if fermeture.prestation_id is not None:
        return fermeture.prestation_id == prestation.pk
    return fermeture.structure_id is None or fermeture.structure_id == prestation.structure_id


def fermetures_de_la_prestation(prestation, fermetures):
    """Celles (parmi celles déjà lues) qui visent cette prestation, dans leur ordre."""
    return [fermeture for fermeture in fermetures if ferme_la_prestation(fermeture, prestation)]


def fermeture_du_jour(prestation, jour, fermetures):
    """La fermeture (parmi celles déjà lues) qui ferme cette prestation ce jour-là, ou None."""
    for fermeture in fermetures:
        if fermeture.date_debut <= jour <= fermeture.date_fin and ferme_la_prestation(
            fermeture, prestation
        ):
            return fermeture
    return None


def raison_de_fermeture(prestation, jour, fermetures=(), zone=None):
    """Pourquoi la prestation n'accueille pas ce jour-là (en français), ou None si elle ouvre."""
    if not prestation.active:
        return "Cette prestation n'est plus proposée."
    if str(jour.isoweekday()) not in prestation.jours_ouverture:
        return f"La prestation « {prestation.nom} » n'a pas lieu le {JOURS[jour.weekday()]}."
    ferie = jours_feries(jour.year).get(jour)
    if ferie:
        return f"Le {jour:%d/%m/%Y} est un jour férié ({ferie})."
    en_vacances = jour in vacances_scolaires(jour.year, zone)
    if prestation.periode == prestation.Periode.SCOLAIRE and en_vacances:
        return f"La prestation « {prestation.nom} » n'a lieu qu'en période scolaire."
    if prestation.periode == prestation.Periode.VACANCES and not en_vacances:
        return f"La prestation « {prestation.nom} » n'a lieu que pendant les vacances."
    fermeture = fermeture_du_jour(prestation, jour, fermetures)
    if fermeture is not None:
        motif = f" ({fermeture.motif})" if fermeture.motif else ""
        return f"L'accueil est fermé le {jour:%d/%m/%Y}{motif}."
    return None


def _limite(jour, delai_jours, jour_semaine, heure):
    """L'instant limite (aware, Europe/Paris) pour agir sur `jour`.

    Avec un jour de la semaine (1 = lundi … 7 = dimanche) : ce jour-là, le plus récent
    strictement avant `jour` (« le jeudi précédent à 12:00 ») ; sinon `delai_jours` jours avant.
    """
    if jour_semaine:
        ecart = (jour.isoweekday() - jour_semaine) % 7 or 7
        date_limite = jour - datetime.timedelta(days=ecart)
    else:
        date_limite = jour - datetime.timedelta(days=delai_jours)
    return datetime.datetime.combine(date_limite, heure, tzinfo=FUSEAU)


def limite_reservation(prestation, jour):
    return _limite(
        jour,
        prestation.reservation_delai_jours,
        prestation.reservation_jour_semaine,
        prestation.reservation_heure_limite,
    )


def limite_annulation(prestation, jour, campagne=None):
    """La limite d'annulation : celle de la campagne qui couvre le jour, quand elle en fixe
    une, sinon celle de la prestation."""
    if campagne is not None and campagne.annulation_delai_jours is not None:
        return _limite(
            jour, campagne.annulation_delai_jours, None, campagne.annulation_heure_limite
        )
    return _limite(
        jour,
        prestation.annulation_delai_jours,
        prestation.annulation_jour_semaine,
        prestation.annulation_heure_limite,
    )


def peut_encore_reserver(prestation, jour, maintenant=None):
    return (maintenant or timezone.now()) <= limite_reservation(prestation, jour)


def peut_encore_annuler(prestation, jour, maintenant=None, campagne=None):
    """Avant la limite d'annulation, une absence est excusée ; après, elle est facturée."""
    return (maintenant or timezone.now()) <= limite_annulation(prestation, jour, campagne)


# --- L'horizon des réservations --------------------------------------------------------------


def fin_d_annee_scolaire(jour):
    """Le 31 août qui clôt l'année scolaire de ce jour (elle commence le 1er septembre)."""
    return datetime.date(jour.year + 1 if jour.month >= 9 else jour.year, 8, 31)


def horizon_reservation(prestation, aujourdhui):
    """Le dernier jour que les familles peuvent réserver `aujourdhui` (hors des jours d'une
    campagne, qui suivent la campagne) : la fin de l'année scolaire en cours ou de la
    suivante, ou un nombre de jours après aujourd'hui, selon la prestation."""
    if prestation.horizon_reservation == Prestation.Horizon.JOURS:
        return aujourdhui + datetime.timedelta(days=prestation.horizon_jours or 0)
    fin = fin_d_annee_scolaire(aujourdhui)
    if prestation.horizon_reservation == Prestation.Horizon.ANNEE_EN_COURS:
        return fin
    return fin.replace(year=fin.year + 1)


def raison_hors_horizon(prestation, jour, aujourdhui):
    """Pourquoi ce jour ne se réserve pas encore (au-delà de l'horizon), ou None."""
    horizon = horizon_reservation(prestation, aujourdhui)
    if jour > horizon:
        return f"Les réservations sont ouvertes jusqu'au {horizon:%d/%m/%Y}."
    return None


def reservable_a_cette_date(prestation, jour, aujourdhui, campagne, resident, maintenant):
    """Le jour est-il ouvert aux demandes maintenant ? Celui d'une campagne pendant la fenêtre
    de la campagne (même au-delà de l'horizon), un autre jusqu'à l'horizon de la prestation."""
    if campagne is not None:
        return raison_hors_fenetre(campagne, resident, maintenant) is None
    return jour <= horizon_reservation(prestation, aujourdhui)


# --- Les campagnes de réservation ----------------------------------------------------------


def campagne_du_jour(prestation, jour, campagnes):
    """La campagne (parmi celles déjà lues, chacune avec ses `prestation_ids`) qui couvre ce
    jour pour cette prestation, ou None : le jour suit alors les seules règles de la
    prestation."""
    for campagne in campagnes:
        if campagne.couvre(jour) and prestation.pk in campagne.prestation_ids:
            return campagne
    return None


def raison_hors_fenetre(campagne, resident, maintenant):
    """Pourquoi la campagne ne reçoit pas de demande de cette famille maintenant (en
    français), ou None pendant sa fenêtre."""
    ouverture = campagne.ouverture_pour(resident)
    if maintenant < ouverture:
        return f"Réservations « {campagne.nom} » ouvertes {fenetre_en_clair(campagne, resident)}."
    if maintenant >= campagne.cloture:
        if campagne.attribution and campagne.attribuee_le is None:
            return (
                f"Les demandes « {campagne.nom} » sont closes depuis le "
                f"{instant_en_clair(campagne.cloture)} : les places sont en cours "
                "d'attribution, vous serez prévenu(e) du résultat."
            )
        return (
            f"Les réservations « {campagne.nom} » sont closes depuis le "
            f"{instant_en_clair(campagne.cloture)} : pour toute demande, contactez le service "
            "enfance."
        )
    return None


def fenetre_en_clair(campagne, resident):
    """« du lundi 4 janvier à 08:30 au vendredi 22 janvier à 18:00 »."""
    return (
        f"du {instant_en_clair(campagne.ouverture_pour(resident))} "
        f"au {instant_en_clair(campagne.cloture)}"
    )


def inscription_du_jour(inscriptions, prestation, jour):
    """L'inscription (parmi celles déjà lues) qui couvre ce jour pour cette prestation."""
    for inscription in inscriptions:
        if (
            inscription.prestation_id == prestation.pk
            and inscription.date_debut <= jour
            and (inscription.date_fin is None or jour <= inscription.date_fin)
        ):
            return inscription
    return None


MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def jour_en_clair(jour):
    """« mercredi 9 décembre » : un jour tel qu'on l'écrit à une famille."""
    return f"{JOURS[jour.weekday()]} {jour.day} {MOIS[jour.month - 1]}"


def instant_en_clair(instant):
    """« jeudi 3 décembre à 12:00 », à l'heure de Paris."""
    instant = timezone.localtime(instant)
    return f"{jour_en_clair(instant.date())} à {instant:%H:%M}"


def delai_en_clair(delai_jours, jour_semaine, heure):
    """Un délai de prestation tel que l'administration l'explique : « 2 jours avant à 12:00 »,
    « le jeudi précédent à 12:00 », « la veille à 18:00 », « le jour même à 08:00 »."""
    heure = f"{heure:%H:%M}"
    if jour_semaine:
        return f"le {JOURS[jour_semaine - 1]} précédent à {heure}"
    if delai_jours == 0:
        return f"le jour même à {heure}"
    if delai_jours == 1:
        return f"la veille à {heure}"
    return f"{delai_jours} jours avant à {heure}"


def delai_reservation_en_clair(prestation):
    return delai_en_clair(
        prestation.reservation_delai_jours,
        prestation.reservation_jour_semaine,
        prestation.reservation_heure_limite,
    )


def delai_annulation_en_clair(prestation):
    return delai_en_clair(
        prestation.annulation_delai_jours,
        prestation.annulation_jour_semaine,
        prestation.annulation_heure_limite,
    )


# Les états d'une case, pour les actions qu'elle propose. Une case sans Journée est « libre »
# (None), ou « Régulier » quand l'inscription y accueille l'enfant chaque semaine.
ETATS_RESERVABLES = (None, Journee.Etat.RESERVATION_REFUSEE, Journee.Etat.ABSENT_EXCUSE)
# Rien n'est encore accordé : la famille peut retirer sa demande jusqu'au jour même.
ETATS_ANNULABLES_SANS_DELAI = (
    Journee.Etat.RESERVATION_EN_ATTENTE,
    Journee.Etat.LISTE_ATTENTE,
    Journee.Etat.VOEU,
)
ETATS_D_ABSENCE = (Journee.Etat.RESERVE, Journee.Etat.REGULIER)
# Une case sans action : partagée par toutes, donc en lecture seule.
AUCUNE_ACTION = MappingProxyType({"reserver": False, "annuler": False, "absence": False})


def etat_de_la_case(journee, inscription, jour):
    """L'état d'une case : celui de sa Journée, « regulier » pour un jour régulier sans Journée,
    None pour une case libre."""
    if journee is not None:
        return journee.etat
    if inscription is not None and inscription.est_jour_regulier(jour):
        return Journee.Etat.REGULIER
    return None


def actions_possibles(
    *, prestation, jour, journee, inscription, fermetures, maintenant, campagne=None, resident=False
):
    """Ce qu'une case de la grille peut proposer : {"reserver", "annuler", "absence"}.

    Les mêmes règles que le service des réservations (enfants/reservations.py) : une case
    ne propose jamais ce que le service refuserait, sauf le manque de places (la demande va
    alors en liste d'attente) que seule la base connaît. Un jour d'une campagne ne se
    réserve que pendant sa fenêtre (`resident` : la famille habite la collectivité) ; un autre
    jour, jusqu'à l'horizon de la prestation.
    """
    if inscription is None or not inscription.couvre(jour):
        return AUCUNE_ACTION
    if raison_de_fermeture(prestation, jour, fermetures) is not None:
        return AUCUNE_ACTION
    return actions_d_un_jour_ouvert(
        prestation=prestation,
        jour=jour,
        etat=etat_de_la_case(journee, inscription, jour),
        maintenant=maintenant,
        aujourdhui=maintenant.astimezone(FUSEAU).date(),
        campagne=campagne,
        resident=resident,
    )


def actions_d_un_jour_ouvert(*, prestation, jour, etat, maintenant, aujourdhui, campagne, resident):
    """`actions_possibles` d'une case déjà vérifiée : l'inscription couvre le jour et la
    prestation y accueille (`raison_de_fermeture` n'a rien à dire). La grille, qui a fait ces
    vérifications pour choisir l'apparence de la case, ne les refait pas pour chacune."""
    return {
        "reserver": etat in ETATS_RESERVABLES
        and maintenant <= limite_reservation(prestation, jour)
        and reservable_a_cette_date(prestation, jour, aujourdhui, campagne, resident, maintenant),
        "annuler": (
            etat == Journee.Etat.RESERVE
            and peut_encore_annuler(prestation, jour, maintenant, campagne)
        )
        or (etat in ETATS_ANNULABLES_SANS_DELAI and jour >= aujourdhui),
        "absence": etat in ETATS_D_ABSENCE and jour >= aujourdhui,
    }
