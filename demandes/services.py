"""Les demandes des familles et les décisions du service.

Le portail, l'administration, les commandes et les tests passent tous par ces fonctions : une
règle n'est écrite qu'ici. Chaque décision est atomique et ne se prend qu'une fois, même quand
deux agents cliquent au même moment (verrou de ligne sur la demande).
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from demandes.models import Demande
from familles.notifications import notifier_famille

PERMISSION_SANITAIRE = "enfants.voir_donnees_sanitaires"
SUPPRIMER = "_supprimer"


class DemandeImpossible(Exception):
    """Une demande ou une décision refusée ; le message, en français, se montre tel quel."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def en_json(valeur):
    """Une valeur de champ telle qu'on la garde dans la demande : dates ISO, montants en texte."""
    return json.loads(json.dumps(valeur, cls=DjangoJSONEncoder))


@transaction.atomic
def creer_demande(
    *, famille, type, par, valeurs, cible=None, modele=None, enfant=None, commentaire=""
):
    """Enregistre ce que la famille demande, sans rien changer d'autre.

    - `cible` : la fiche à modifier (un Responsable, la Famille, un Enfant…) ; seuls les champs
      dont la valeur change entrent dans la demande, avec leur valeur actuelle à côté.
    - `modele` sans `cible` : une fiche à créer (nouvel enfant, personne autorisée, vaccin).
    - `valeurs={SUPPRIMER: True}` avec `cible` : la fiche à supprimer.

    Une demande qui ne change rien est refusée (DemandeImpossible).
    """
    if cible is not None:
        actuelles, demandees = {}, {}
        for champ, valeur in valeurs.items():
            avant = None if champ == SUPPRIMER else en_json(getattr(cible, champ))
            apres = en_json(valeur)
            if apres != avant:
                actuelles[champ] = avant
                demandees[champ] = apres
        if SUPPRIMER in demandees:
            actuelles = {
                champ.name: en_json(getattr(cible, champ.attname))
                for champ in cible._meta.concrete_fields
                if not champ.primary_key and not champ.is_relation
            }
    else:
        actuelles = {}
        demandees = {c: en_json(v) for c, v in valeurs.items() if v not in (None, "")}
    if not demandees:
        raise DemandeImpossible(
            "Vous n'avez modifié aucune information : aucune demande n'a été envoyée."
        )
    return Demande.objects.create(
        famille=famille,
        type=type,
        enfant=enfant,
        cible_type=ContentType.objects.get_for_model(cible if cible is not None else modele),
        cible_id=cible.pk if cible is not None else None,
        valeurs_actuelles=actuelles,
        valeurs_demandees=demandees,
        commentaire=commentaire,
        demandeur=par,
    )


def _verrouiller_en_attente(demande):
    """La demande relue sous verrou ; refusée si quelqu'un l'a décidée entre-temps."""
    demande = Demande.objects.select_for_update().get(pk=demande.pk)
    if demande.statut != Demande.Statut.EN_ATTENTE:
        raise DemandeImpossible(
            f"Cette demande n'est plus en attente : elle est « {demande.get_statut_display()} »."
        )
    return demande


def _verifier_habilitation(demande, agent):
    if demande.type == Demande.Type.DONNEES_SANITAIRES and not agent.has_perm(PERMISSION_SANITAIRE):
        raise DemandeImpossible(
            "Les données sanitaires ne peuvent être décidées que par un agent habilité."
        )


# Les types de demande qui ne se réduisent pas à écrire des champs dans une fiche (une
# réservation, une absence…) enregistrent ici leur propre fonction : type → f(demande, agent).
APPLICATIONS = {}


def _appliquer_a_la_fiche(demande, agent):
    """Écrit les valeurs demandées dans la fiche visée : la modifie, la crée ou la supprime."""
    modele = demande.cible_type.model_class()
    demandees = demande.valeurs_demandees
    if demande.cible_id is not None:
        fiche = modele.objects.select_for_update().filter(pk=demande.cible_id).first()
        if fiche is None:
            raise DemandeImpossible("La fiche visée par cette demande n'existe plus.")
        fiche._history_user = agent
        if demandees.get(SUPPRIMER):
            fiche.delete()
            return
    else:
        fiche = modele()
        fiche._history_user = agent
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


@transaction.atomic
def valider_demande(*, demande, agent):
    """Accepte la demande : applique le changement, note qui et quand, prévient la famille."""
    demande = _verrouiller_en_attente(demande)
    _verifier_habilitation(demande, agent)
    APPLICATIONS.get(demande.type, _appliquer_a_la_fiche)(demande, agent)
    demande.statut = Demande.Statut.ACCEPTEE
    demande.decidee_par = agent
    demande.decidee_le = timezone.now()
    demande.save()
    _prevenir_famille(demande, agent)
    return demande


@transaction.atomic
def refuser_demande(*, demande, agent, motif):
    """Refuse la demande avec un motif (obligatoire) et prévient la famille ; rien ne change."""
    motif = (motif or "").strip()
    if not motif:
        raise DemandeImpossible("Indiquez le motif du refus : la famille le lira.")
    demande = _verrouiller_en_attente(demande)
    _verifier_habilitation(demande, agent)
    demande.statut = Demande.Statut.REFUSEE
    demande.motif_refus = motif
    demande.decidee_par = agent
    demande.decidee_le = timezone.now()
    demande.save()
    _prevenir_famille(demande, agent)
    return demande


@transaction.atomic
def retirer_demande(*, demande, par):
    """La famille retire une demande encore en attente."""
    demande = _verrouiller_en_attente(demande)
    demande.statut = Demande.Statut.RETIREE
    demande.save(update_fields=["statut"])
    return demande


def _prevenir_famille(demande, agent):
    acceptee = demande.statut == Demande.Statut.ACCEPTEE
    notifier_famille(
        famille=demande.famille,
        sujet=f"Votre demande « {demande.get_type_display()} » a été "
        + ("acceptée" if acceptee else "refusée"),
        gabarit="demande_decidee",
        contexte={"demande": demande, "acceptee": acceptee},
        auteur=agent,
    )
