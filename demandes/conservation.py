"""Les durées de conservation appliquées chaque nuit (commande appliquer_conservation) :

- une famille sans aucune activité depuis CONSERVATION_INACTIVITE_ANNEES ans (ni création,
  connexion, journée au planning, facture, règlement, demande ni message) est anonymisée comme
  à sa demande (demandes/effacement.py), factures et règlements gardés ;
- un document du dossier annuel est effacé, fichier compris, CONSERVATION_PIECES_ANNEES ans
  après la fin de sa validité (un document refusé ou retiré : après son dépôt) ; un document
  sans limite de validité (décision de justice) reste tant que la famille est active ;
- une création de compte jamais confirmée est effacée passé son lien (48 heures).

Chaque famille est traitée dans sa propre transaction : une reprise après un arrêt ne refait
que ce qui reste ; deux passages de suite ne changent rien de plus.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from demandes.effacement import ANONYME, effacer_famille
from demandes.models import Demande
from dossiers.models import PieceDossier
from enfants.models import Journee
from facturation.models import Facture, Reglement
from familles.comptes import VALIDITE_DU_LIEN
from familles.models import CreationDeCompte, Famille, Message, Responsable, Utilisateur


def _il_y_a(au, annees):
    try:
        return au.replace(year=au.year - annees)
    except ValueError:  # le 29 février
        return au.replace(year=au.year - annees, day=28)


def familles_inactives(*, au):
    """Les familles sans activité depuis CONSERVATION_INACTIVITE_ANNEES ans, pas encore
    anonymisées."""
    limite = _il_y_a(au, settings.CONSERVATION_INACTIVITE_ANNEES)
    instant = timezone.make_aware(datetime.datetime.combine(limite, datetime.time.min))
    famille = OuterRef("pk")
    activites = [
        Journee.objects.filter(enfant__famille=famille, date__gte=limite),
        Facture.objects.filter(famille=famille, date_facture__gte=limite),
        Reglement.objects.filter(famille=famille, date__gte=limite),
        Demande.objects.filter(famille=famille, date_demande__gte=instant),
        Message.objects.filter(famille=famille, date_envoi__gte=instant),
        Utilisateur.objects.filter(responsable__famille=famille, last_login__gte=instant),
    ]
    recente = Q(date_creation__gte=instant)
    for activite in activites:
        recente |= Exists(activite)
    pas_anonymisee = Exists(Responsable.objects.filter(famille=famille).exclude(nom=ANONYME))
    return Famille.objects.filter(pas_anonymisee).exclude(recente).order_by("pk")


def pieces_perimees(*, au):
    """Les documents déposés dont la durée de conservation est passée."""
    limite = _il_y_a(au, settings.CONSERVATION_PIECES_ANNEES)
    instant = timezone.make_aware(datetime.datetime.combine(limite, datetime.time.min))
    jamais_valables = [PieceDossier.Statut.REFUSEE, PieceDossier.Statut.RETIREE]
    return PieceDossier.objects.filter(
        Q(valable_jusquau__lt=limite) | Q(statut__in=jamais_valables, deposee_le__lt=instant)
    ).order_by("pk")


def appliquer_conservation(*, au, simulation=False):
    """Anonymise les familles inactives, efface les documents périmés et les créations de
    compte jamais confirmées. Renvoie (familles, documents, créations) traitées — ou à
    traiter, en `simulation`, qui n'écrit rien."""
    familles = list(familles_inactives(au=au).values_list("pk", flat=True))
    pieces = list(pieces_perimees(au=au).values_list("pk", flat=True))
    creations = CreationDeCompte.objects.filter(
        confirmee_le__isnull=True, demande_le__lt=timezone.now() - VALIDITE_DU_LIEN
    )
    if simulation:
        return len(familles), len(pieces), creations.count()
    for pk in familles:
        effacer_famille(famille=Famille(pk=pk), prevenir=False)
    effacees = 0
    for pk in pieces:
        with transaction.atomic():
            piece = PieceDossier.objects.select_for_update().filter(pk=pk).first()
            if piece is None:
                continue
            fichier = piece.fichier
            piece.delete()
            if fichier:
                transaction.on_commit(lambda f=fichier: f.delete(save=False))
            effacees += 1
    nombre_creations, _ = creations.delete()
    return len(familles), effacees, nombre_creations
