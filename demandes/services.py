"""Les demandes des familles : les créer, les retrouver, les verrouiller.

Le portail, l'administration, les commandes et les tests passent tous par ces fonctions : une
règle n'est écrite qu'ici. Les décisions du service (valider, refuser, retirer) sont dans
`demandes/decisions.py`, qui appelle ce que chaque type de demande demande de faire
(`enfants/reservations.py`, `dossiers/documents.py`) ; ces modules-là n'utilisent que celui-ci.
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from demandes.models import Demande
from familles.models import Famille

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


def en_attente_sur(*, famille, champs, cible=None, modele=None, type=None):
    """Les demandes en attente de la famille qui changent déjà l'un de ces champs de la fiche
    `cible` ; pour une création (`modele`), celles du même `type` qui créent la même sorte de
    fiche. Une suppression demandée ou en attente porte sur toute la fiche."""
    modele = cible.__class__ if cible is not None else modele
    demandes = Demande.objects.filter(
        famille=famille,
        statut=Demande.Statut.EN_ATTENTE,
        cible_type=ContentType.objects.get_for_model(modele),
        cible_id=cible.pk if cible is not None else None,
    ).order_by("date_demande")
    if cible is None:
        return [demande for demande in demandes if demande.type == type]
    champs = set(champs)

    def chevauche(demande):
        cles = demande.valeurs_demandees.keys()
        return SUPPRIMER in champs or SUPPRIMER in cles or bool(champs & cles)

    return [demande for demande in demandes if chevauche(demande)]


@transaction.atomic
def demander_modification(
    *, famille, type, par, valeurs, cible=None, modele=None, enfant=None, commentaire=""
):
    """Une demande d'un bloc de fiche (« Adresse », « Informations bancaires »…), comme
    `creer_demande`, mais jamais en double : tant qu'une demande en attente change déjà l'un
    de ces champs, la famille attend la réponse du service ou retire sa demande d'abord."""
    # Deux envois simultanés de la même famille (double clic, deux onglets) passent l'un après
    # l'autre : le second voit la demande du premier.
    list(Famille.objects.select_for_update().filter(pk=famille.pk).values_list("pk"))
    deja = en_attente_sur(famille=famille, champs=valeurs, cible=cible, modele=modele, type=type)
    if deja:
        raise DemandeImpossible(
            f"Une demande « {deja[0].get_type_display()} » envoyée le "
            f"{timezone.localtime(deja[0].date_demande):%d/%m/%Y} est déjà en attente pour ces "
            "informations : attendez la réponse du service enfance, ou retirez-la avant d'en "
            "faire une nouvelle."
        )
    return creer_demande(
        famille=famille,
        type=type,
        par=par,
        valeurs=valeurs,
        cible=cible,
        modele=modele,
        enfant=enfant,
        commentaire=commentaire,
    )


def verrouiller_en_attente(demande):
    """La demande relue sous verrou ; refusée si quelqu'un l'a décidée entre-temps."""
    demande = Demande.objects.select_for_update().get(pk=demande.pk)
    if demande.statut != Demande.Statut.EN_ATTENTE:
        raise DemandeImpossible(
            f"Cette demande n'est plus en attente : elle est « {demande.get_statut_display()} »."
        )
    return demande


def marquer_retiree(demande):
    """La demande, verrouillée, que la famille retire : rien d'autre ne change ici."""
    demande.statut = Demande.Statut.RETIREE
    demande.save(update_fields=["statut"])
    return demande


def raison_historique(demande):
    """Ce que l'historique de la fiche dit du changement : la demande qui l'a causé."""
    return f"Demande n° {demande.pk} « {demande.get_type_display()} » validée"
