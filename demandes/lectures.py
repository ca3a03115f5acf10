"""Les lectures de demandes/ compilées une fois par processus (commun.requetes) : ici et nulle
part ailleurs dans l'application ; les vues et les services appellent ces fonctions."""

from django.db.models import Count, FilteredRelation, Q, Subquery
from django.db.models.functions import Coalesce

from commun.requetes import compilee
from demandes.models import Demande
from enfants.models import Enfant, Inscription, Journee, Prestation
from familles.models import Responsable

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


def _comptes_des_places(prestation_id, jour, jour_semaine):
    """Les deux comptes de `places_occupees`, en sous-requêtes sur la prestation."""
    journees = Journee.objects.filter(prestation_id=prestation_id, date=jour)
    # Sans l'ordre par défaut des modèles : il joindrait les prestations, leurs structures,
    # les enfants et les familles pour rien.
    occupees = (
        journees.filter(etat__in=Journee.ETATS_OCCUPANT_UNE_PLACE)
        .order_by()
        .values("prestation")
        .annotate(nombre=Count("pk"))
        .values("nombre")
    )
    regulieres = (
        Inscription.objects.filter(
            prestation_id=prestation_id,
            date_debut__lte=jour,
            jours_reguliers__contains=jour_semaine,
        )
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=jour))
        .exclude(enfant__in=journees.values("enfant"))
        .order_by()
        .values("prestation")
        .annotate(nombre=Count("enfant", distinct=True))
        .values("nombre")
    )
    return Coalesce(Subquery(occupees), 0), Coalesce(Subquery(regulieres), 0)


_CHAMPS_JOURNEE = [champ.attname for champ in Journee._meta.concrete_fields]


EN_ATTENTE = Demande.Statut.EN_ATTENTE


@compilee
def responsables(*, famille_id):
    return Responsable.objects.filter(famille_id=famille_id)


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
def places_occupees(*, prestation_id, jour, jour_semaine):
    """(journées occupant une place, enfants réguliers sans journée) : une requête."""
    return (
        Prestation.objects.filter(pk=prestation_id)
        .order_by()
        .values_list(*_comptes_des_places(prestation_id, jour, jour_semaine))
    )


@compilee
def journee_et_comptes(*, enfant_id, prestation_id, jour, jour_semaine):
    return (
        Prestation.objects.filter(pk=prestation_id)
        .annotate(
            journee=FilteredRelation(
                "journees", condition=Q(journees__enfant_id=enfant_id, journees__date=jour)
            )
        )
        .order_by()
        .values_list(
            *[f"journee__{champ}" for champ in _CHAMPS_JOURNEE],
            *_comptes_des_places(prestation_id, jour, jour_semaine),
        )
    )


@compilee
def en_attente_avant(*, prestation_id, jour, demandee_le, pk):
    return (
        Journee.objects.filter(
            prestation_id=prestation_id, date=jour, etat=Journee.Etat.LISTE_ATTENTE
        )
        .filter(Q(demandee_le__lt=demandee_le) | Q(demandee_le=demandee_le, pk__lt=pk))
        .order_by()
        .values("prestation")
        .annotate(nombre=Count("pk"))
        .values_list("nombre", flat=True)
    )


@compilee
def prestation_verrouillee(*, pk):
    return Prestation.objects.select_for_update().filter(pk=pk)


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


@compilee
def inscriptions_de_l_enfant(*, pk, famille_id, prestation_id):
    # `enfant__pk`, `prestation__pk` (même SQL que `enfant_id`, `prestation_id`) : un
    # identifiant hostile hors des bornes d'un entier donne une liste vide, pas une erreur.
    return Inscription.objects.filter(
        enfant__pk=pk, enfant__famille_id=famille_id, prestation__pk=prestation_id
    ).select_related("enfant", "prestation")
