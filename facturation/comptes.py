"""Le compte d'une famille : son solde, ses factures impayées, son relevé par année scolaire.

Chaque fonction fait un nombre fixe de requêtes, quel que soit le nombre d'opérations.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.conf import settings

from facturation import lectures
from facturation.models import ZERO, Facture, Reglement


def solde_famille(*, famille, au):
    """Ce que la famille doit au jour `au` : ses factures moins ses règlements, plus les
    trop-perçus que la régie lui a remboursés (Decimal).

    Négatif, le solde est en faveur de la famille (un avoir, un trop-perçu à rembourser). Une
    requête : les trois sommes sont des sous-requêtes d'un même SELECT.
    """
    ((facture, regle, rembourse),) = lectures.totaux(famille_id=famille.pk, au=au)
    return (facture or ZERO) - (regle or ZERO) + (rembourse or ZERO)


def factures_impayees(*, famille, au):
    """Les factures de la famille émises au plus tard `au` dont il reste quelque chose à payer,
    annotées de `reste_a_payer`, de la plus ancienne échéance à la plus récente."""
    return lectures.factures_impayees(famille_id=famille.pk, au=au)


def annee_scolaire(jour):
    """L'année scolaire (1er septembre – 31 août) qui contient `jour` : (début, fin)."""
    annee = jour.year if jour.month >= 9 else jour.year - 1
    return datetime.date(annee, 9, 1), datetime.date(annee + 1, 8, 31)


@dataclass
class Operation:
    """Une ligne du relevé : une facture (au débit) ou un règlement (au crédit) ; le
    remboursement d'un trop-perçu est au débit, parmi les règlements."""

    FACTURE = "facture"
    REGLEMENT = "reglement"

    numero: str
    date: datetime.date
    description: str
    regie: str
    debit: Decimal | None = None
    credit: Decimal | None = None
    enregistree_le: datetime.datetime | None = None
    nature: str = FACTURE
    facture_id: int | None = None  # pour le lien vers le PDF d'une facture ou d'un avoir
    # Pourquoi cette facture impayée n'a pas de bouton « Payer en ligne » (voir plus bas).
    raison_sans_paiement: str = ""
    titre_emis: bool = False  # recouvrement confié au Trésor public

    @property
    def libelle_pdf(self):
        """« Facture AL-36 (PDF) » : le nom accessible du lien vers le document."""
        return f"{self.description.split(' :')[0]} {self.numero} (PDF)"


@dataclass
class Releve:
    debut: datetime.date
    fin: datetime.date
    ancien_solde: Decimal
    operations: list[Operation] = field(default_factory=list)
    # Les factures et avoirs de l'année (des Facture), pour savoir lesquels se paient en ligne.
    factures: list = field(default_factory=list)

    @property
    def libelle_annee(self):
        return f"{self.debut.year}-{self.fin.year}"

    def operations_de(self, vue):
        """Les opérations d'une vue du relevé : « factures », « reglements » ou « tout »."""
        if vue == "factures":
            return [op for op in self.operations if op.nature == Operation.FACTURE]
        if vue == "reglements":
            return [op for op in self.operations if op.nature == Operation.REGLEMENT]
        return self.operations

    def totaux_de(self, vue):
        """(débit, crédit) des opérations de la vue, pour le pied du tableau : None pour un
        côté qu'aucune ligne affichée n'a (« Mes règlements » n'a pas de total au débit)."""
        operations = self.operations_de(vue)
        debits = [op.debit for op in operations if op.debit is not None]
        credits = [op.credit for op in operations if op.credit is not None]
        return (
            sum(debits, ZERO) if debits else None,
            sum(credits, ZERO) if credits else None,
        )

    @cached_property
    def titres_emis(self):
        """Les règlements « Titre émis (ORMC n°X) » : le Trésor public recouvre ces factures."""
        return [op for op in self.operations if op.titre_emis]

    @cached_property
    def total_debit(self):
        return sum((op.debit for op in self.operations if op.debit), ZERO)

    @cached_property
    def total_credit(self):
        return sum((op.credit for op in self.operations if op.credit), ZERO)

    @cached_property
    def solde(self):
        return self.ancien_solde + self.total_debit - self.total_credit


def releve_annee_scolaire(*, famille, jour):
    """Le relevé des opérations de l'année scolaire qui contient `jour`, les plus récentes
    d'abord, avec l'ancien solde reporté des années précédentes. Deux requêtes."""
    return Compte.de_la_famille(famille).releve(jour)


def raison_sans_paiement_en_ligne(facture, *, famille, maintenant):
    """Ce que le parent lit à la place du bouton « Payer en ligne » d'une facture impayée
    (annotée de `reste_a_payer`, de la `famille` déjà chargée), ou "" : une facture réglée ou
    un avoir n'ont rien à dire. Court, pour une cellule de tableau ; la date limite passée
    renvoie vers la Trésorerie, comme le guide. Sans requête."""
    if facture.genre != Facture.Genre.FACTURE or facture.reste_a_payer <= 0:
        return ""
    if maintenant >= facture.fin_du_paiement_en_ligne():
        return (
            "Date limite de paiement passée : cette facture ne se paie plus en ligne. "
            f"Rapprochez-vous de la {settings.COLLECTIVITE['tresorerie']}."
        )
    facture.famille = famille
    return facture.raison_de_ne_pas_payer_en_ligne(maintenant, reste_a_payer=facture.reste_a_payer)


# L'ordre par défaut des modèles départage les opérations du même jour, comme avant. Le reste
# à payer vient dans la même requête : le relevé dit pourquoi une facture ne se paie pas.


def _rembourse(reglement):
    """Le trop-perçu remboursé du règlement, ou None."""
    trop_percu = getattr(reglement, "trop_percu", None)
    if trop_percu is None or trop_percu.date_remboursement is None:
        return None
    return trop_percu


class Compte:
    """Toutes les factures et tous les règlements d'une famille, lus une fois (deux requêtes) :
    les années du sélecteur, l'ancien solde et le relevé d'une année s'en déduisent sans autre
    requête. Une famille a quelques dizaines d'opérations par année scolaire. Les trop-perçus
    remboursés viennent avec leurs règlements."""

    def __init__(self, factures, reglements):
        self.factures = factures
        self.reglements = reglements
        self.remboursements = [t for t in map(_rembourse, reglements) if t is not None]

    @classmethod
    def de_la_famille(cls, famille):
        return cls(
            lectures.factures_de_la_famille(famille_id=famille.pk),
            lectures.reglements_de_la_famille(famille_id=famille.pk),
        )

    def annees(self, aujourdhui):
        """Les années scolaires qui ont des opérations, et l'année en cours ; la plus récente
        d'abord."""
        jours = [
            *(facture.date_facture for facture in self.factures),
            *(reglement.date for reglement in self.reglements),
            *(trop_percu.date_remboursement for trop_percu in self.remboursements),
            aujourdhui,
        ]
        return sorted({annee_scolaire(jour)[0].year for jour in jours}, reverse=True)

    def solde(self, au):
        """Comme solde_famille : les factures moins les règlements jusqu'au jour `au` inclus."""
        facture = sum((f.montant for f in self.factures if f.date_facture <= au), ZERO)
        regle = sum((r.montant for r in self.reglements if r.date <= au), ZERO)
        rembourse = sum(
            (t.montant for t in self.remboursements if t.date_remboursement <= au), ZERO
        )
        return facture - regle + rembourse

    def releve(self, jour):
        """Le relevé de l'année scolaire qui contient `jour` (voir releve_annee_scolaire)."""
        debut, fin = annee_scolaire(jour)
        factures = [f for f in self.factures if debut <= f.date_facture <= fin]
        operations = []
        for facture in factures:
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
                    nature=Operation.FACTURE,
                    facture_id=facture.pk,
                )
            )
        for reglement in self.reglements:
            if not debut <= reglement.date <= fin:
                continue
            operations.append(
                Operation(
                    numero=reglement.numero,
                    date=reglement.date,
                    description=reglement.description,
                    regie=reglement.regie.nom,
                    credit=reglement.montant,
                    enregistree_le=reglement.date_saisie,
                    nature=Operation.REGLEMENT,
                    titre_emis=reglement.mode == Reglement.Mode.TITRE_EMIS,
                )
            )
        for trop_percu in self.remboursements:
            if not debut <= trop_percu.date_remboursement <= fin:
                continue
            # Le règlement (déjà lu) a ramené le solde en faveur de la famille : le
            # remboursement le ramène d'autant, au débit.
            operations.append(
                Operation(
                    numero=trop_percu.reglement.numero,
                    date=trop_percu.date_remboursement,
                    description=trop_percu.description_remboursement,
                    regie=trop_percu.reglement.regie.nom,
                    debit=trop_percu.montant,
                    enregistree_le=trop_percu.rembourse_saisi_le,
                    nature=Operation.REGLEMENT,
                )
            )
        operations.sort(key=lambda op: (op.date, op.enregistree_le), reverse=True)
        return Releve(
            debut=debut,
            fin=fin,
            ancien_solde=self.solde(debut - datetime.timedelta(days=1)),
            operations=operations,
            factures=factures,
        )
