"""Les lectures des demandes compilées une fois par processus (commun.requetes) : ici et nulle
part ailleurs dans l'application ; les vues et les services appellent ces fonctions.

Elles servent la « Liste des demandes » et les pages qui déposent des demandes et montrent
celles en attente : « Mon compte » (familles/mon_compte.py), « Mes enfants »
(enfants/views/enfants.py). Les lectures propres à une application sont dans son
`lectures.py` (enfants/lectures.py : le planning et le service des réservations)."""

from django.db.models import Count, Q

from commun.requetes import compilee
from demandes.models import Demande
from enfants.models import Enfant

ONGLETS_LISTE = {
    "compte": ("Mon compte", Demande.TYPES_MON_COMPTE),
    "enfants": (
        "Mes enfants",
        tuple(
            t
            for t in Demande.Type
            if t not in Demande.TYPES_MON_COMPTE and t != Demande.Type.DOCUMENT
        ),
    ),
    "dossier": ("Mon dossier", (Demande.Type.DOCUMENT,)),
}


EN_ATTENTE = Demande.Statut.EN_ATTENTE


@compilee
def demandes_en_attente(*, famille_id):
    """Les demandes de « Mon compte » que la famille attend, la plus ancienne d'abord."""
    return (
        Demande.objects.filter(
            famille_id=famille_id,
            statut=Demande.Statut.EN_ATTENTE,
            type__in=Demande.TYPES_MON_COMPTE,
        )
        # Le type de la fiche visée sert à lire chaque demande : joint, pas une requête par demande.
        .select_related("cible_type")
        .order_by("date_demande")
    )


@compilee
def demandes_recentes(*, famille_id, depuis, onglet, type):
    """Les demandes non retirées de la famille depuis `depuis`, la plus récente d'abord : celles
    du `type` (un texte), ou, sans type (None), celles des types de l'onglet."""
    types = (type,) if type else ONGLETS_LISTE[onglet][1]
    return (
        Demande.objects.filter(
            famille_id=famille_id, date_demande__date__gte=depuis, type__in=types
        )
        .exclude(statut=Demande.Statut.RETIREE)
        .select_related("enfant", "cible_type")
        .order_by("-date_demande")
    )


@compilee
def enfants_de_la_famille(*, famille_id):
    return (
        Enfant.objects.filter(famille_id=famille_id)
        .annotate(demandes_en_attente=Count("demandes", filter=Q(demandes__statut=EN_ATTENTE)))
        .order_by("date_naissance", "prenom")
    )


@compilee
def inscriptions_en_attente(*, famille_id):
    return Demande.objects.filter(
        famille_id=famille_id, type=Demande.Type.NOUVEL_ENFANT, statut=EN_ATTENTE
    ).order_by("date_demande")
