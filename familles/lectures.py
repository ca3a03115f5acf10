"""Les lectures de familles/ compilées une fois par processus (commun.requetes) : ici et nulle
part ailleurs dans l'application ; les vues et les services appellent ces fonctions."""

from django.db.models import Case, Count, IntegerField, Max, Q, Value, When
from django.db.models.functions import Coalesce

from commun.requetes import compilee
from familles.models import Document, Message, Responsable, Utilisateur


# Lues à chaque page d'un parent connecté (le compte par l'authentification, le compteur par
# le bandeau) : par l'ORM ordinaire, +1,8 ms de processeur par page au banc (docs/performance.md).
@compilee
def compte_avec_sa_famille(*, user_id):
    return Utilisateur.objects.select_related("responsable__famille").filter(pk=user_id)


@compilee
def nombre_de_non_lus(*, famille_id):
    return (
        Message.objects.filter(
            famille_id=famille_id, sens=Message.Sens.VERS_FAMILLE, lu_le__isnull=True
        )
        .values("famille_id")
        .annotate(nombre=Count("pk"))
        .values_list("nombre", flat=True)
    )


def _fils(famille_id):
    """Le queryset de `fils_de_la_famille`, construit sur l'id de la famille."""
    return (
        Message.objects.filter(famille_id=famille_id, en_reponse_a__isnull=True)
        .annotate(
            derniere_activite=Coalesce(Max("reponses__date_envoi"), "date_envoi"),
            nombre_messages=Count("reponses") + 1,
            non_lus=Count(
                "reponses",
                filter=Q(reponses__sens=Message.Sens.VERS_FAMILLE, reponses__lu_le__isnull=True),
            )
            + Case(
                When(sens=Message.Sens.VERS_FAMILLE, lu_le__isnull=True, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-derniere_activite", "-pk")
    )


@compilee
def nombre_de_fils(*, famille_id):
    return (
        Message.objects.filter(famille_id=famille_id, en_reponse_a__isnull=True)
        .values("famille_id")
        .annotate(nombre=Count("pk"))
        .values_list("nombre", flat=True)
    )


@compilee
def tranche_de_fils(*, famille_id, debut, taille):
    return _fils(famille_id)[debut : debut + taille]


@compilee
def documents_publies():
    return Document.objects.filter(publie=True)


@compilee
def responsables(*, famille_id):
    """Les responsables de la famille, pour « Mon compte »."""
    return Responsable.objects.filter(famille_id=famille_id)
