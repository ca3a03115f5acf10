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
from familles.models import Famille
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
# Ceux qui ont déjà écrit quelque chose en attendant la décision (une journée « en cours de
# traitement ») enregistrent aussi ce que défait un refus, ou un retrait par la famille :
# type → f(demande, par). Voir demandes/reservations.py.
APPLICATIONS_REFUS = {}
APPLICATIONS_RETRAIT = {}


def raison_historique(demande):
    """Ce que l'historique de la fiche dit du changement : la demande qui l'a causé."""
    return f"Demande n° {demande.pk} « {demande.get_type_display()} » validée"


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


APPLICATIONS[Demande.Type.BANCAIRES] = _appliquer_informations_bancaires
APPLICATIONS[Demande.Type.PRELEVEMENT] = _appliquer_informations_bancaires


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
    if demande.type in APPLICATIONS_REFUS:
        APPLICATIONS_REFUS[demande.type](demande, agent)
    demande.decidee_par = agent
    demande.decidee_le = timezone.now()
    demande.save()
    _prevenir_famille(demande, agent)
    return demande


@transaction.atomic
def retirer_demande(*, demande, par):
    """La famille retire une demande encore en attente."""
    demande = _verrouiller_en_attente(demande)
    if demande.type in APPLICATIONS_RETRAIT:
        APPLICATIONS_RETRAIT[demande.type](demande, par)
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
