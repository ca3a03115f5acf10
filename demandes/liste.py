"""Les données de la page « Liste des demandes », construites ici en un nombre fixe de requêtes,
quel que soit le nombre de demandes."""

import calendar
import datetime
from dataclasses import dataclass

from commun.requetes import Forme
from demandes import lectures
from demandes.lecture import valeurs_demandees
from demandes.lectures import ONGLETS_LISTE
from demandes.models import Demande
from enfants.models import Journee

# Les onglets de la liste et leurs filtres, avec les mots du guide.
TYPES_COURTS = {
    Demande.Type.RESPONSABLE: "Responsable",
    Demande.Type.CONJOINT: "Conjoint",
    Demande.Type.FISCALES: "Fiscales",
    Demande.Type.CAF: "CAF",
    Demande.Type.BANCAIRES: "Bancaires",
    Demande.Type.PRELEVEMENT: "Prélèvement",
    Demande.Type.ENFANT: "Informations",
    Demande.Type.PERSONNES_AUTORISEES: "Personnes autorisées",
    Demande.Type.AUTORISATIONS: "Autorisations",
    Demande.Type.DONNEES_SANITAIRES: "Données sanitaires",
    Demande.Type.NOUVEL_ENFANT: "Nouvel enfant",
    Demande.Type.RESERVATION: "Réservations",
    Demande.Type.ABSENCE: "Absences",
    Demande.Type.DOCUMENT: "Documents",
    Demande.Type.EFFACEMENT: "Effacement",
}


def un_mois_avant(jour):
    """Le même quantième le mois précédent, ramené au dernier jour d'un mois plus court."""
    annee, mois = (jour.year, jour.month - 1) if jour.month > 1 else (jour.year - 1, 12)
    dernier_jour = calendar.monthrange(annee, mois)[1]
    return datetime.date(annee, mois, min(jour.day, dernier_jour))


@dataclass
class DemandeLue:
    demande: Demande
    lignes: list  # (libellé, valeur demandée)
    journee: Journee | None = None  # le jour d'une réservation ou d'une absence


# Les demandes qui visent une journée du planning : la liste dit laquelle (prestation, date).
TYPES_DU_PLANNING = (Demande.Type.RESERVATION, Demande.Type.ABSENCE)


def _journees_visees(demandes):
    """Les journées visées par les réservations et absences de la liste : une requête."""
    ids = {d.cible_id for d in demandes if d.type in TYPES_DU_PLANNING and d.cible_id}
    if not ids:
        return {}
    return Journee.objects.select_related("prestation").in_bulk(ids)


def page_liste(famille, aujourdhui, onglet=None, type=None):
    """« Liste des demandes » : les demandes de moins d'un mois d'un onglet, filtrées par type
    (un type inconnu est ignoré), en trois tableaux. Une requête, et une pour les journées
    visées par les réservations et les absences."""
    if type not in TYPES_COURTS:
        type = None
    if type is not None:
        onglet = next(nom for nom, (_, types) in ONGLETS_LISTE.items() if type in types)
    elif onglet not in ONGLETS_LISTE:
        onglet = "compte"
    depuis = un_mois_avant(aujourdhui)
    tableaux = {statut: [] for statut in Demande.Statut}
    demandes = lectures.demandes_recentes(
        famille_id=famille.pk, depuis=depuis, onglet=Forme(onglet), type=type
    )
    journees = _journees_visees(demandes)
    for demande in demandes:
        journee = journees.get(demande.cible_id) if demande.type in TYPES_DU_PLANNING else None
        tableaux[demande.statut].append(
            DemandeLue(demande, valeurs_demandees(demande), journee=journee)
        )
    return {
        "depuis": depuis,
        "onglet_liste": onglet,
        "type": type,
        "onglets_liste": [
            (nom, libelle, nom == onglet) for nom, (libelle, _) in ONGLETS_LISTE.items()
        ],
        "filtres": [(t, TYPES_COURTS[t], t == type) for t in ONGLETS_LISTE[onglet][1]],
        "en_attente": tableaux[Demande.Statut.EN_ATTENTE],
        "refusees": tableaux[Demande.Statut.REFUSEE],
        "acceptees": tableaux[Demande.Statut.ACCEPTEE],
    }
