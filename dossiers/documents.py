"""Les documents du dossier annuel sont des demandes comme les autres.

Déposer un document crée la pièce (dossiers) et la Demande « Document du dossier » qui la vise ;
le service la décide par `valider_demande` / `refuser_demande`, la famille la retire par
`retirer_demande` (demandes/decisions.py), et ces fonctions appellent ici ce qu'il faut faire
de la pièce. Les documents de santé ne se décident que par un agent habilité aux données
sanitaires. Ce module dépose des demandes : il utilise `demandes.models` et `demandes.services`,
l'exception documentée de l'ordre des applications ; `dossiers.services` n'en dépend pas.
"""

from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from demandes.models import Demande
from demandes.services import (
    PERMISSION_SANITAIRE,
    DemandeImpossible,
    en_json,
)
from dossiers.models import PieceDossier
from dossiers.services import (
    DossierImpossible,
    accepter_piece,
    deposer_piece,
    refuser_piece,
    retirer_piece,
)


@transaction.atomic
def deposer_document(*, famille, type_document, enfant, fichier, date_document, par):
    """La famille dépose un document : la pièce, son fichier, et la demande au service.

    Refusé (DemandeImpossible, en français) quand un document du même type attend déjà la
    vérification, ou que le document n'est plus valable ; rien n'est alors enregistré, et le
    fichier rangé est effacé si la demande ne peut pas être créée."""
    try:
        piece = deposer_piece(
            famille=famille,
            type_document=type_document,
            enfant=enfant,
            fichier=fichier,
            date_document=date_document,
            par=par,
        )
    except DossierImpossible as erreur:
        raise DemandeImpossible(erreur.message) from erreur
    try:
        return Demande.objects.create(
            famille=famille,
            type=Demande.Type.DOCUMENT,
            enfant=enfant,
            cible_type=ContentType.objects.get_for_model(PieceDossier),
            cible_id=piece.pk,
            valeurs_demandees={
                "type_document": type_document.nom,
                "date_document": en_json(date_document),
                "fichier": piece.nom_fichier,
            },
            demandeur=par,
        )
    except Exception:
        piece.fichier.delete(save=False)
        raise


def piece_de(demande):
    """La pièce que vise une demande « Document du dossier » (avec son type), ou None."""
    if demande.type != Demande.Type.DOCUMENT or demande.cible_id is None:
        return None
    return (
        PieceDossier.objects.select_related("type_document", "enfant")
        .filter(pk=demande.cible_id, famille_id=demande.famille_id)
        .first()
    )


def _piece_a_decider(demande, agent):
    piece = piece_de(demande)
    if piece is None:
        raise DemandeImpossible("Le document visé par cette demande n'existe plus.")
    if piece.type_document.donnees_sanitaires and not agent.has_perm(PERMISSION_SANITAIRE):
        raise DemandeImpossible(
            "Ce document de santé ne peut être décidé que par un agent habilité aux données "
            "sanitaires."
        )
    return piece


@contextmanager
def _refus_du_dossier():
    """Un refus du dossier (DossierImpossible) se dit comme ceux des demandes."""
    try:
        yield
    except DossierImpossible as erreur:
        raise DemandeImpossible(erreur.message) from erreur


def accepter_document(demande, agent):
    """Le service accepte le document : la pièce est vérifiée."""
    piece = _piece_a_decider(demande, agent)
    with _refus_du_dossier():
        accepter_piece(piece=piece, agent=agent)


def refuser_document(demande, agent):
    """Le service refuse le document, avec le motif de la demande."""
    piece = _piece_a_decider(demande, agent)
    with _refus_du_dossier():
        refuser_piece(piece=piece, agent=agent, motif=demande.motif_refus)


def retirer_document(demande, par):
    """La famille retire le document déposé, s'il existe encore."""
    piece = piece_de(demande)
    if piece is not None:
        with _refus_du_dossier():
            retirer_piece(piece=piece, par=par)
