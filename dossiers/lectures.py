"""Les lectures de dossiers/ compilées une fois par processus (commun.requetes) : ici et nulle
part ailleurs dans l'application ; les vues et les services appellent ces fonctions."""

from django.db.models import Exists, F, OuterRef

from commun.requetes import compilee
from dossiers.models import (
    SITUATIONS_SEPAREES,
    CertificationAnnuelle,
    ExigenceDossier,
    PieceDossier,
    TypeDocument,
)
from enfants.models import Enfant
from familles.models import Responsable


def _avec_separation_et_pai(enfants):
    """Chaque enfant porte la réponse pour sa famille (ses parents sont-ils séparés ?) : une
    requête de moins. De sa fiche sanitaire, seul compte le PAI : pas ses données de santé."""
    separes = Responsable.objects.filter(situation__in=SITUATIONS_SEPAREES)
    return enfants.annotate(
        parents_separes=Exists(separes.filter(famille_id=OuterRef("famille_id"))),
        pai_declare=F("fiche_sanitaire__pai"),
    ).order_by("date_naissance", "prenom", "pk")


def _familles_separees(responsables):
    return (
        responsables.filter(situation__in=SITUATIONS_SEPAREES)
        .order_by()
        .values_list("famille_id", flat=True)
    )


def _pieces_deposees(pieces):
    """Les pièces qui comptent pour le dossier, la plus récente d'abord."""
    return pieces.exclude(statut=PieceDossier.Statut.RETIREE).order_by("-deposee_le", "-pk")


@compilee
def certifiee(*, famille_id, annee):
    return CertificationAnnuelle.objects.filter(
        famille_id=famille_id, annee=annee, certifiee_le__isnull=False
    ).values_list("pk")[:1]


@compilee
def exigence_de_la_prestation(*, prestation_id):
    # Une au plus (une par prestation) : ni tri ni jointure pour l'ordre par défaut.
    return ExigenceDossier.objects.filter(prestation_id=prestation_id).order_by()[:1]


@compilee
def types_actifs():
    return TypeDocument.objects.filter(actif=True)


@compilee
def enfants_de_la_famille(*, famille_id):
    return _avec_separation_et_pai(Enfant.objects.filter(famille_id=famille_id))


@compilee
def famille_separee(*, famille_id):
    return _familles_separees(Responsable.objects.filter(famille_id=famille_id))


@compilee
def pieces_de_la_famille(*, famille_id):
    return _pieces_deposees(PieceDossier.objects.filter(famille_id=famille_id))


@compilee
def certification(*, famille_id, annee):
    # Une au plus (unique par famille et par année) : ni tri ni LIMIT.
    return CertificationAnnuelle.objects.filter(famille_id=famille_id, annee=annee).order_by()
