"""Le compte d'une famille : son solde, ses factures impayées, son relevé par année scolaire.

Chaque fonction fait un nombre fixe de requêtes, quel que soit le nombre d'opérations.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from facturation.models import ZERO, Facture, Reglement


def solde_famille(*, famille, au):
    """Ce que la famille doit au jour `au` : ses factures moins ses règlements (Decimal).

    Négatif, le solde est en faveur de la famille (un avoir, un trop-perçu).
    """
    facture = Facture.objects.filter(famille=famille, date_facture__lte=au).aggregate(
        total=Sum("montant")
    )["total"]
    regle = Reglement.objects.filter(famille=famille, date__lte=au).aggregate(total=Sum("montant"))[
        "total"
    ]
    return (facture or ZERO) - (regle or ZERO)


def factures_impayees(*, famille, au):
    """Les factures de la famille émises au plus tard `au` dont il reste quelque chose à payer,
    annotées de `reste_a_payer`, de la plus ancienne échéance à la plus récente."""
    return list(
        Facture.objects.impayees()
        .filter(famille=famille, date_facture__lte=au)
        .order_by("date_echeance", "date_facture", "numero")
    )


def annee_scolaire(jour):
    """L'année scolaire (1er septembre – 31 août) qui contient `jour` : (début, fin)."""
    annee = jour.year if jour.month >= 9 else jour.year - 1
    return datetime.date(annee, 9, 1), datetime.date(annee + 1, 8, 31)


@dataclass
class Operation:
    """Une ligne du relevé : une facture (au débit) ou un règlement (au crédit)."""

    numero: str
    date: datetime.date
    description: str
    regie: str
    debit: Decimal | None = None
    credit: Decimal | None = None
    enregistree_le: datetime.datetime | None = None


@dataclass
class Releve:
    debut: datetime.date
    fin: datetime.date
    ancien_solde: Decimal
    operations: list[Operation] = field(default_factory=list)

    @property
    def libelle_annee(self):
        return f"{self.debut.year}-{self.fin.year}"

    @property
    def total_debit(self):
        return sum((op.debit for op in self.operations if op.debit), ZERO)

    @property
    def total_credit(self):
        return sum((op.credit for op in self.operations if op.credit), ZERO)

    @property
    def solde(self):
        return self.ancien_solde + self.total_debit - self.total_credit


def releve_annee_scolaire(*, famille, jour):
    """Le relevé des opérations de l'année scolaire qui contient `jour`, les plus récentes
    d'abord, avec l'ancien solde reporté des années précédentes."""
    debut, fin = annee_scolaire(jour)
    operations = []
    for facture in Facture.objects.filter(
        famille=famille, date_facture__range=(debut, fin)
    ).select_related("regie"):
        # Un avoir (montant négatif) vient au crédit du compte.
        operations.append(
            Operation(
                numero=facture.numero,
                date=facture.date_facture,
                description=facture.description,
                regie=facture.regie.nom,
                debit=facture.montant if facture.montant >= 0 else None,
                credit=-facture.montant if facture.montant < 0 else None,
                enregistree_le=facture.date_creation,
            )
        )
    for reglement in Reglement.objects.filter(
        famille=famille, date__range=(debut, fin)
    ).select_related("regie"):
        operations.append(
            Operation(
                numero=reglement.numero,
                date=reglement.date,
                description=reglement.description,
                regie=reglement.regie.nom,
                credit=reglement.montant,
                enregistree_le=reglement.date_saisie,
            )
        )
    operations.sort(key=lambda op: (op.date, op.enregistree_le), reverse=True)
    ancien_solde = solde_famille(famille=famille, au=debut - datetime.timedelta(days=1))
    return Releve(debut=debut, fin=fin, ancien_solde=ancien_solde, operations=operations)
