"""Les règles d'ouverture et de délai des prestations, sans base de données.

Fonctions pures : on leur passe la prestation, le jour, et ce qui a déjà été lu (fermetures),
elles répondent. La grille du planning et le service des réservations s'en servent tous deux,
si bien qu'une case n'offre jamais une action que le service refuserait.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from enfants.calendrier import jours_feries, vacances_scolaires

JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
# Le nom des grandes vacances dans la bibliothèque `holidays` ; les autres sont « petites ».
GRANDES_VACANCES = "Vacances d'été"


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


def fermeture_du_jour(prestation, jour, fermetures):
    """La fermeture (parmi celles déjà lues) qui ferme cette prestation ce jour-là, ou None."""
    for fermeture in fermetures:
        if not fermeture.date_debut <= jour <= fermeture.date_fin:
            continue
        if fermeture.prestation_id is not None:
            if fermeture.prestation_id == prestation.pk:
                return fermeture
        elif fermeture.structure_id is None or fermeture.structure_id == prestation.structure_id:
            return fermeture
    return None


def raison_de_fermeture(prestation, jour, fermetures=(), zone=None):
    """Pourquoi la prestation n'accueille pas ce jour-là (en français), ou None si elle ouvre."""
    if not prestation.active:
        return "Cette prestation n'est plus proposée."
    if jour.isoweekday() not in prestation.jours_ouverture_isoweekday:
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
    return timezone.make_aware(datetime.datetime.combine(date_limite, heure))


def limite_reservation(prestation, jour):
    return _limite(
        jour,
        prestation.reservation_delai_jours,
        prestation.reservation_jour_semaine,
        prestation.reservation_heure_limite,
    )


def limite_annulation(prestation, jour):
    return _limite(
        jour,
        prestation.annulation_delai_jours,
        prestation.annulation_jour_semaine,
        prestation.annulation_heure_limite,
    )


def peut_encore_reserver(prestation, jour, maintenant=None):
    return (maintenant or timezone.now()) <= limite_reservation(prestation, jour)


def peut_encore_annuler(prestation, jour, maintenant=None):
    """Avant la limite d'annulation, une absence est excusée ; après, elle est facturée."""
    return (maintenant or timezone.now()) <= limite_annulation(prestation, jour)


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
