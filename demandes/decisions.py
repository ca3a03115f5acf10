"""Les décisions du service sur les demandes des familles, et leur retrait par la famille.

Chaque décision est atomique et ne se prend qu'une fois, même quand deux agents cliquent au
même moment (verrou de ligne sur la demande). La plupart des demandes écrivent leurs champs
dans une fiche ; les autres types appellent ici leur propre application : une réservation ou
une absence (`enfants/reservations.py`), un document du dossier annuel (`dossiers/documents.py`),
des informations bancaires, l'effacement des données d'une famille (`demandes/effacement.py`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from demandes import effacement
from demandes.models import Demande
from demandes.services import (
    PERMISSION_SANITAIRE,
    SUPPRIMER,
    DemandeImpossible,
    marquer_retiree,
    raison_historique,
    verrouiller_en_attente,
)
from dossiers import documents
from enfants import reservations
from familles.models import Famille
from familles.notifications import notifier_famille

Type = Demande.Type


@transaction.atomic
def valider_demande(*, demande, agent):
    """Accepte la demande : applique le changement, note qui et quand, prévient la famille."""
    demande = verrouiller_en_attente(demande)
    _verifier_habilitation(demande, agent)
    match demande.type:
        case Type.RESERVATION:
            reservations.appliquer_reservation(demande, agent)
        case Type.ABSENCE:
            reservations.appliquer_absence(demande, agent)
        case Type.DOCUMENT:
            documents.accepter_document(demande, agent)
        case Type.BANCAIRES | Type.PRELEVEMENT:
            _appliquer_informations_bancaires(demande, agent)
        case Type.EFFACEMENT:
            effacement.effacer_famille(famille=demande.famille)
            demande.commentaire = ""
        case _:
            _appliquer_a_la_fiche(demande, agent)
    demande.statut = Demande.Statut.ACCEPTEE
    demande.decidee_par = agent
    demande.decidee_le = timezone.now()
    demande.save()
    _prevenir_famille(demande, agent)
    return demande


@transaction.atomic
def refuser_demande(*, demande, agent, motif):
    """Refuse la demande avec un motif (obligatoire) et prévient la famille ; rien ne change,
    sauf ce qu'elle avait déjà écrit en attendant (une journée « en cours de traitement »)."""
    motif = (motif or "").strip()
    if not motif:
        raise DemandeImpossible("Indiquez le motif du refus : la famille le lira.")
    demande = verrouiller_en_attente(demande)
    _verifier_habilitation(demande, agent)
    demande.statut = Demande.Statut.REFUSEE
    demande.motif_refus = motif
    match demande.type:
        case Type.RESERVATION:
            reservations.refuser_reservation(demande, agent)
        case Type.ABSENCE:
            reservations.retablir_avant_absence(demande, agent)
        case Type.DOCUMENT:
            documents.refuser_document(demande, agent)
    demande.decidee_par = agent
    demande.decidee_le = timezone.now()
    demande.save()
    _prevenir_famille(demande, agent)
    return demande


@transaction.atomic
def retirer_demande(*, demande, par):
    """La famille retire une demande encore en attente."""
    demande = verrouiller_en_attente(demande)
    match demande.type:
        case Type.RESERVATION:
            reservations.retirer_reservation(demande, par)
        case Type.ABSENCE:
            reservations.retablir_avant_absence(demande, par)
        case Type.DOCUMENT:
            documents.retirer_document(demande, par)
    return marquer_retiree(demande)


def _verifier_habilitation(demande, agent):
    if demande.type == Demande.Type.DONNEES_SANITAIRES and not agent.has_perm(PERMISSION_SANITAIRE):
        raise DemandeImpossible(
            "Les données sanitaires ne peuvent être décidées que par un agent habilité."
        )


def _appliquer_a_la_fiche(demande, agent):
    """Écrit les valeurs demandées dans la fiche visée : la modifie, la crée ou la supprime."""
    modele = demande.cible_type.model_class()
    demandees = demande.valeurs_demandees
    if demande.cible_id is not None:
        fiche = modele.objects.select_for_update().filter(pk=demande.cible_id).first()
        if fiche is None:
            raise DemandeImpossible("La fiche visée par cette demande n'existe plus.")
        fiche._history_user = agent
        fiche._change_reason = raison_historique(demande)
        if demandees.get(SUPPRIMER):
            fiche.delete()
            return
    else:
        fiche = modele()
        fiche._history_user = agent
        fiche._change_reason = raison_historique(demande)
        for nom, valeur in (("famille_id", demande.famille_id), ("enfant_id", demande.enfant_id)):
            if hasattr(fiche, nom) and valeur is not None:
                setattr(fiche, nom, valeur)
    for champ, valeur in demandees.items():
        field = modele._meta.get_field(champ)
        setattr(fiche, field.attname, field.to_python(valeur))
    try:
        fiche.full_clean()
    except ValidationError as erreur:
        raise DemandeImpossible(
            "Les valeurs demandées ne sont pas valables : " + " ".join(erreur.messages)
        ) from erreur
    fiche.save()
    if demande.cible_id is None:
        demande.cible_id = fiche.pk
        if demande.type == Demande.Type.NOUVEL_ENFANT:
            demande.enfant_id = fiche.pk


def _appliquer_informations_bancaires(demande, agent):
    """Les coordonnées bancaires ou le prélèvement : jamais de prélèvement sans IBAN."""
    _appliquer_a_la_fiche(demande, agent)
    famille = Famille.objects.get(pk=demande.cible_id)
    if famille.prelevement_automatique and not famille.iban:
        raise DemandeImpossible(
            "Le prélèvement automatique demande un IBAN : la famille n'en a pas d'enregistré."
        )


def _prevenir_famille(demande, agent):
    acceptee = demande.statut == Demande.Statut.ACCEPTEE
    if acceptee and demande.type == Type.EFFACEMENT:
        return  # l'effacement a prévenu la famille, à ses adresses d'avant
    notifier_famille(
        famille=demande.famille,
        sujet=f"Votre demande « {demande.get_type_display()} » a été "
        + ("acceptée" if acceptee else "refusée"),
        gabarit="demande_decidee",
        contexte={"demande": demande, "acceptee": acceptee},
        auteur=agent,
    )
