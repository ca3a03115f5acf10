"""Les lectures de facturation/ compilées une fois par processus (commun.requetes) : ici et nulle
part ailleurs dans l'application ; les vues et les services appellent ces fonctions."""

from django.db.models import DecimalField, OuterRef, Subquery, Sum

from commun.requetes import compilee
from facturation.models import Facture, Reglement, TropPercu
from familles.models import Famille


def _total(queryset):
    """La somme des montants d'un queryset, en sous-requête (NULL quand il est vide)."""
    return Subquery(
        queryset.order_by().values("famille").annotate(total=Sum("montant")).values("total"),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


@compilee
def impayees_a_echoir(*, famille_id, au):
    """Les factures impayées de la famille émises au plus tard `au` et dont l'échéance n'est
    pas passée : celles dont le bouton peut s'afficher (une requête compilée une fois, au lieu
    d'un `pk__in` reconstruit à chaque page)."""
    return Facture.objects.impayees().filter(
        famille_id=famille_id, date_facture__lte=au, date_echeance__gte=au
    )


@compilee
def totaux(*, famille_id, au):
    return (
        Famille.objects.filter(pk=famille_id)
        .annotate(
            facture=_total(Facture.objects.filter(famille=OuterRef("pk"), date_facture__lte=au)),
            regle=_total(Reglement.objects.filter(famille=OuterRef("pk"), date__lte=au)),
            rembourse=_total(
                TropPercu.objects.filter(famille=OuterRef("pk"), date_remboursement__lte=au)
            ),
        )
        .values_list("facture", "regle", "rembourse")
    )


@compilee
def factures_impayees(*, famille_id, au):
    return (
        Facture.objects.impayees()
        .filter(famille_id=famille_id, date_facture__lte=au)
        .order_by("date_echeance", "date_facture", "numero")
    )


@compilee
def factures_de_la_famille(*, famille_id):
    return (
        Facture.objects.filter(famille_id=famille_id).avec_reste_a_payer().select_related("regie")
    )


@compilee
def reglements_de_la_famille(*, famille_id):
    # Le trop-perçu d'un règlement (un au plus) vient par la même requête (une jointure).
    return Reglement.objects.filter(famille_id=famille_id).select_related("regie", "trop_percu")
