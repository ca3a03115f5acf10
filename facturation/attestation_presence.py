"""L'attestation de présence d'une famille, pour une période qu'elle choisit dans ses années
scolaires : les journées « Présent » du planning (pointées par l'agent sur la feuille de
présence) de chaque enfant, par prestation. Rendue à la demande, elle ne s'archive pas.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from enfants.models import Enfant, Inscription, Journee, Prestation
from facturation.attestations import rendre_pdf, titulaire
from facturation.comptes import annee_scolaire
from familles.models import Famille


@dataclass
class PresencesEnfant:
    enfant: Enfant
    # [(prestation, nombre de jours, premier jour, dernier jour)]
    prestations: list = field(default_factory=list)

    @property
    def total(self):
        return sum(jours for _, jours, _, _ in self.prestations)


@dataclass
class Presences:
    famille: Famille
    debut: datetime.date
    fin: datetime.date
    enfants: list[PresencesEnfant] = field(default_factory=list)


def annees_scolaires_de_la_famille(famille, *, aujourdhui):
    """(premier jour, dernier jour) des années scolaires où un enfant de la famille est
    inscrit, jusqu'à l'année en cours au plus ; None sans inscription. Une requête."""
    bornes = Inscription.objects.filter(enfant__famille=famille).aggregate(
        premier=Min("date_debut"),
        dernier=Max("date_fin"),
        ouvertes=Count("pk", filter=Q(date_fin__isnull=True)),
    )
    if bornes["premier"] is None:
        return None
    dernier = aujourdhui if bornes["ouvertes"] else min(bornes["dernier"], aujourdhui)
    return annee_scolaire(bornes["premier"])[0], annee_scolaire(max(dernier, bornes["premier"]))[1]


def verifier_periode(famille, debut, fin, *, aujourdhui):
    """La période d'une attestation de présence : dans l'ordre, passée, et dans les années
    scolaires de la famille ; ValidationError en français sinon."""
    if fin < debut:
        raise ValidationError("La fin de la période est avant son début.")
    if debut > aujourdhui:
        raise ValidationError("La période n'a pas commencé : une présence ne s'atteste qu'après.")
    bornes = annees_scolaires_de_la_famille(famille, aujourdhui=aujourdhui)
    if bornes is None:
        raise ValidationError("Aucun de vos enfants n'est inscrit : il n'y a pas de présence.")
    premier, dernier = bornes
    if debut < premier or fin > dernier:
        raise ValidationError(
            f"Choisissez une période comprise dans vos années scolaires, du "
            f"{premier:%d/%m/%Y} au {dernier:%d/%m/%Y}."
        )


def calculer_presences(*, famille, debut, fin):
    """Les jours « Présent » de chaque enfant de la famille sur la période, par prestation.
    Trois requêtes."""
    lignes = (
        Journee.objects.filter(
            enfant__famille=famille, date__range=(debut, fin), etat=Journee.Etat.PRESENT
        )
        .values("enfant_id", "prestation_id")
        .annotate(jours=Count("pk"), premier=Min("date"), dernier=Max("date"))
        .order_by()
    )
    lignes = list(lignes)
    prestations = Prestation.objects.select_related("structure").in_bulk(
        {ligne["prestation_id"] for ligne in lignes}
    )
    enfants = {
        enfant.pk: PresencesEnfant(enfant=enfant)
        for enfant in Enfant.objects.filter(famille=famille).order_by("date_naissance", "prenom")
    }
    for ligne in lignes:
        enfants[ligne["enfant_id"]].prestations.append(
            (
                prestations[ligne["prestation_id"]],
                ligne["jours"],
                ligne["premier"],
                ligne["dernier"],
            )
        )
    for presences in enfants.values():
        presences.prestations.sort(key=lambda p: (p[0].structure.ordre, p[0].ordre, p[0].nom))
    return Presences(
        famille=famille,
        debut=debut,
        fin=fin,
        enfants=[presences for presences in enfants.values() if presences.prestations],
    )


def rendre_attestation_presence(presences, *, aujourdhui=None):
    """Le PDF de l'attestation de présence (bytes)."""
    famille = presences.famille
    aujourdhui = aujourdhui or timezone.localdate()
    return rendre_pdf(
        "facturation/pdf/attestation_presence.html",
        {
            "collectivite": settings.COLLECTIVITE,
            "presences": presences,
            "famille": famille,
            "titulaire": titulaire(famille),
            "date": aujourdhui,
            "titre_cartouche": "Attestation de présence",
            "pied": f"Attestation de présence du {presences.debut:%d/%m/%Y} au "
            f"{presences.fin:%d/%m/%Y}",
            "cartouche": [
                ("Période du", f"{presences.debut:%d/%m/%Y}"),
                ("au", f"{presences.fin:%d/%m/%Y}"),
                ("Date", f"{aujourdhui:%d/%m/%Y}"),
            ],
        },
    )


def nom_attestation_presence(presences):
    return (
        f"attestation-presence-{presences.famille.numero}-"
        f"{presences.debut:%Y%m%d}-{presences.fin:%Y%m%d}.pdf"
    )
