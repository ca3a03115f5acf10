"""La requête compilée de la « Liste des demandes » rend ce que rend l'ORM, pour chaque onglet
(une forme de requête) et pour chaque type (un paramètre), sur les mêmes données."""

import datetime

import pytest
from django.utils import timezone

from commun.requetes import Forme
from demandes.lectures import ONGLETS_LISTE, demandes_recentes
from demandes.liste import TYPES_COURTS, un_mois_avant
from demandes.models import Demande

DECIDEES = (Demande.Statut.ACCEPTEE, Demande.Statut.REFUSEE)


def _orm(famille, depuis, types):
    return list(
        Demande.objects.filter(famille=famille, date_demande__date__gte=depuis, type__in=types)
        .exclude(statut=Demande.Statut.RETIREE)
        .select_related("enfant", "cible_type")
        .order_by("-date_demande")
    )


@pytest.fixture
def demandes(dupont, martin):
    maintenant = timezone.now()
    for famille in (dupont, martin):
        for rang, type in enumerate(TYPES_COURTS):
            for statut in Demande.Statut:
                Demande.objects.create(
                    famille=famille,
                    type=type,
                    statut=statut,
                    date_demande=maintenant
                    - datetime.timedelta(days=rang % 5 * 3, hours=len(statut)),
                    valeurs_demandees={"telephone_mobile": "06 11 22 33 44"},
                    decidee_le=maintenant if statut in DECIDEES else None,
                    motif_refus="Pièce illisible." if statut == Demande.Statut.REFUSEE else "",
                )


def _lignes(demandes):
    return [(d.pk, d.type, d.statut, d.date_demande, d.enfant, d.cible_type) for d in demandes]


def test_chaque_onglet_et_chaque_type_rendent_ce_que_rend_l_orm(dupont, martin, demandes):
    aujourdhui = timezone.localdate()
    for famille in (dupont, martin):
        for depuis in (un_mois_avant(aujourdhui), aujourdhui - datetime.timedelta(days=10)):
            for onglet, (_, types) in ONGLETS_LISTE.items():
                compilees = demandes_recentes(
                    famille_id=famille.pk, depuis=depuis, onglet=Forme(onglet), type=None
                )
                attendues = _orm(famille, depuis, types)
                assert attendues
                assert _lignes(compilees) == _lignes(attendues)
                for type in types:
                    compilees = demandes_recentes(
                        famille_id=famille.pk, depuis=depuis, onglet=Forme(onglet), type=type
                    )
                    assert _lignes(compilees) == _lignes(_orm(famille, depuis, (type,)))
