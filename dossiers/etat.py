"""Ce que le dossier d'une famille demande et où il en est, construit ici en un nombre fixe de
requêtes (trois, quatre quand une famille n'a pas d'enfant), quel que soit le nombre d'enfants
et de documents.

Une exigence est un type de document demandé à la famille, ou à l'un de ses enfants : toujours,
ou seulement quand les parents sont séparés ou qu'un PAI est déclaré. Elle est remplie par un
document accepté et encore valable au jour dit.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from dossiers import lectures
from dossiers.lectures import _avec_separation_et_pai, _familles_separees, _pieces_deposees
from dossiers.models import (
    PieceDossier,
    TypeDocument,
    annee_scolaire,
    libelle_annee_scolaire,
)
from enfants.models import Enfant
from familles.models import Responsable

# « Expire bientôt » : dans les 30 jours.
JOURS_AVANT_EXPIRATION = 30

A_FOURNIR = "a_fournir"
EN_VERIFICATION = "en_verification"
ACCEPTE = "accepte"
REFUSE = "refuse"
EXPIRE = "expire"
LIBELLES = {
    A_FOURNIR: "À fournir",
    EN_VERIFICATION: "Reçu, en cours de vérification",
    ACCEPTE: "Accepté",
    REFUSE: "Refusé",
    EXPIRE: "Expiré",
}


@dataclass
class Exigence:
    """Un document demandé (à la famille, ou pour un enfant) et les pièces déposées pour lui,
    la plus récente d'abord."""

    type_document: TypeDocument
    enfant: object
    au: datetime.date
    pieces: list = field(default_factory=list)
    # Ce qui permet à la famille de retirer la pièce en attente, posé par la page qui l'offre.
    retrait: object = None

    @property
    def cle(self):
        """Pour les identifiants HTML et le formulaire de dépôt : « 3-0 », « 5-12 »."""
        return f"{self.type_document.pk}-{self.enfant.pk if self.enfant else 0}"

    @property
    def libelle(self):
        nom = self.type_document.nom
        return f"{nom} — {self.enfant.prenom}" if self.enfant else nom

    @property
    def obligatoire(self):
        return self.type_document.obligatoire

    @cached_property
    def valable(self):
        """La pièce acceptée et valable au jour dit, ou None."""
        return next((p for p in self.pieces if p.est_valable(self.au)), None)

    @cached_property
    def en_attente(self):
        """La pièce déposée qui attend la vérification du service, ou None."""
        return next((p for p in self.pieces if p.statut == PieceDossier.Statut.EN_ATTENTE), None)

    @cached_property
    def derniere_decision(self):
        decidees = (PieceDossier.Statut.ACCEPTEE, PieceDossier.Statut.REFUSEE)
        return next((p for p in self.pieces if p.statut in decidees), None)

    @cached_property
    def etat(self):
        if self.valable is not None:
            return ACCEPTE
        if self.en_attente is not None:
            return EN_VERIFICATION
        derniere = self.derniere_decision
        if derniere is None:
            return A_FOURNIR
        return REFUSE if derniere.statut == PieceDossier.Statut.REFUSEE else EXPIRE

    @property
    def etat_libelle(self):
        return LIBELLES[self.etat]

    @property
    def complete(self):
        return self.valable is not None

    @property
    def manquante(self):
        """À fournir, refusée ou expirée, et rien n'attend la vérification : la famille doit
        déposer un document."""
        return not self.complete and self.en_attente is None

    @cached_property
    def expire_bientot(self):
        fin = self.valable.valable_jusquau if self.valable else None
        return fin is not None and fin <= self.au + datetime.timedelta(JOURS_AVANT_EXPIRATION)

    @property
    def peut_deposer(self):
        return self.en_attente is None

    @property
    def a_redeposer(self):
        """Rien n'attend la vérification, et il manque un document ou le valable expire
        bientôt : c'est le moment d'en déposer un (nouveau)."""
        return self.peut_deposer and (not self.complete or self.expire_bientot)


def _pai(enfant):
    """Un PAI est-il déclaré ? Annoté par exigences_des_familles (None sans fiche sanitaire)."""
    return bool(enfant.pai_declare)


def exigences_des_familles(familles, *, au):
    """Les documents demandés à chaque famille au jour dit (obligatoires et facultatifs), dans
    l'ordre des types puis des enfants, chacun avec ses pièces déposées, la plus récente
    d'abord : {famille.pk: [Exigence]}. Trois requêtes quel que soit le nombre de familles,
    une de plus quand certaines n'ont pas d'enfant (leurs parents sont-ils séparés ?)."""
    familles = list(familles)
    identifiants = [famille.pk for famille in familles]
    return _exigences_des_familles(
        familles,
        types=TypeDocument.objects.filter(actif=True),
        enfants=_avec_separation_et_pai(Enfant.objects.filter(famille_id__in=identifiants)),
        separees=lambda sans_enfant: _familles_separees(
            Responsable.objects.filter(famille_id__in=sans_enfant)
        ),
        pieces=_pieces_deposees(PieceDossier.objects.filter(famille_id__in=identifiants)),
        au=au,
    )


def _exigences_des_familles(familles, *, types, enfants, separees, pieces, au):
    """Les exigences de chaque famille, d'après les types actifs, les enfants annotés, les
    familles séparées parmi celles sans enfant (`separees(identifiants)`) et les pièces."""
    types = list(types)
    par_famille, familles_separees, par_exigence = {}, set(), {}
    for enfant in enfants:
        par_famille.setdefault(enfant.famille_id, []).append(enfant)
        if enfant.parents_separes:
            familles_separees.add(enfant.famille_id)
    sans_enfant = [famille.pk for famille in familles if famille.pk not in par_famille]
    if sans_enfant:
        familles_separees.update(separees(sans_enfant))
    for piece in pieces:
        cle = (piece.famille_id, piece.type_document_id, piece.enfant_id)
        par_exigence.setdefault(cle, []).append(piece)
    return {
        famille.pk: _exigences(
            famille,
            types,
            par_famille.get(famille.pk, []),
            famille.pk in familles_separees,
            par_exigence,
            au,
        )
        for famille in familles
    }


def _exigences(famille, types, enfants, separes, pieces, au):
    exigences = []
    pai_famille = any(_pai(enfant) for enfant in enfants)
    for type_document in types:
        if type_document.par_enfant:
            pour = [
                enfant
                for enfant in enfants
                if type_document.est_demande(parents_separes=separes, pai=_pai(enfant))
            ]
        elif type_document.est_demande(parents_separes=separes, pai=pai_famille):
            pour = [None]
        else:
            pour = []
        for enfant in pour:
            deposees = pieces.get((famille.pk, type_document.pk, enfant.pk if enfant else None), [])
            for piece in deposees:
                piece.type_document, piece.enfant = type_document, enfant
            exigences.append(Exigence(type_document, enfant, au, deposees))
    return exigences


def exigences_du_dossier(*, famille, au):
    """Les documents demandés à une famille au jour dit : trois requêtes (quatre sans enfant)."""
    return _exigences_des_familles(
        [famille],
        types=lectures.types_actifs(),
        enfants=lectures.enfants_de_la_famille(famille_id=famille.pk),
        separees=lambda sans_enfant: lectures.famille_separee(famille_id=famille.pk),
        pieces=lectures.pieces_de_la_famille(famille_id=famille.pk),
        au=au,
    )[famille.pk]


def documents_manquants(exigences):
    """Les documents obligatoires que la famille doit déposer (à fournir, refusés, expirés)."""
    return [e for e in exigences if e.obligatoire and e.manquante]


def documents_qui_expirent(exigences):
    """Les documents obligatoires acceptés qui expirent dans les 30 jours."""
    return [e for e in exigences if e.obligatoire and e.expire_bientot]


@dataclass(frozen=True)
class Etape:
    """Une page de la certification annuelle : la famille, puis chaque enfant en trois pages."""

    cle: str
    titre: str
    section: str  # "famille", "identite", "sanitaire", "personnes"
    enfant: object = None


SECTIONS_ENFANT = (
    ("identite", "identité et autorisations"),
    ("sanitaire", "données sanitaires"),
    ("personnes", "personnes autorisées"),
)


def etapes_de_la_certification(enfants):
    """Les pages à confirmer, dans l'ordre : la famille, puis pour chaque enfant son identité
    (avec ses autorisations), ses données sanitaires et les personnes autorisées."""
    etapes = [Etape("famille", "Ma famille : responsables et informations", "famille")]
    for enfant in enfants:
        for section, titre in SECTIONS_ENFANT:
            etapes.append(
                Etape(
                    f"enfant-{enfant.pk}-{section}", f"{enfant.prenom} : {titre}", section, enfant
                )
            )
    return etapes


def annee_a_certifier(au):
    """(2025, « 2025-2026 ») : l'année scolaire du jour, à confirmer dès le 1er septembre."""
    annee = annee_scolaire(au)
    return annee, libelle_annee_scolaire(annee)


@dataclass
class ResumeDossier:
    """Le dossier d'une famille pour une année scolaire : ses documents, sa certification."""

    exigences: list
    annee: int
    libelle_annee: str
    certification: object  # CertificationAnnuelle de l'année, ou None

    # Les pages lisent plusieurs fois chacune de ces listes : calculées une fois.
    @cached_property
    def manquants(self):
        return documents_manquants(self.exigences)

    @cached_property
    def qui_expirent(self):
        return documents_qui_expirent(self.exigences)

    @cached_property
    def en_verification(self):
        return [e for e in self.exigences if e.en_attente is not None]

    @cached_property
    def complet(self):
        return all(e.complete for e in self.exigences if e.obligatoire)

    @property
    def a_certifier(self):
        return self.certification is None or not self.certification.est_certifiee


def resume_du_dossier(*, famille, au):
    """Les documents demandés et la certification de l'année du jour : quatre requêtes (cinq
    pour une famille sans enfant)."""
    annee, libelle = annee_a_certifier(au)
    return ResumeDossier(
        exigences=exigences_du_dossier(famille=famille, au=au),
        annee=annee,
        libelle_annee=libelle,
        certification=next(iter(lectures.certification(famille_id=famille.pk, annee=annee)), None),
    )
