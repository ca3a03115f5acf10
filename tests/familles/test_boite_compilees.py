"""Les conversations de la Boîte de réception par requêtes compilées (services.FilsDeLaFamille)
rendent, page par page, ce que rend le Paginator sur le queryset de fils_de_la_famille."""

import datetime

from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from familles import services
from familles.models import Message
from tests.factories import MessageFactory

PAR_PAGE = 3


def _lignes(fils):
    return [
        (f.pk, f.sujet, f.derniere_activite, f.nombre_messages, f.non_lus, f.lu_le) for f in fils
    ]


def _fils(famille, nombre):
    debut = timezone.now() - datetime.timedelta(days=30)
    for rang in range(nombre):
        racine = MessageFactory(
            famille=famille,
            sens=Message.Sens.VERS_FAMILLE if rang % 2 else Message.Sens.VERS_SERVICE,
            sujet=f"Sujet {rang}",
        )
        Message.objects.filter(pk=racine.pk).update(
            date_envoi=debut + datetime.timedelta(hours=rang)
        )
        if rang % 3 == 0:
            MessageFactory(
                famille=famille,
                en_reponse_a=racine,
                sens=Message.Sens.VERS_FAMILLE,
                sujet=f"Re : Sujet {rang}",
            )


def test_chaque_page_rend_ce_que_rend_le_queryset(dupont, martin):
    _fils(dupont, 8)  # trois pages, la dernière incomplète
    _fils(martin, 3)  # une page pleine
    for famille in (dupont, martin):
        orm = Paginator(services.fils_de_la_famille(famille=famille), PAR_PAGE)
        compilees = Paginator(
            services.FilsDeLaFamille(famille=famille, par_page=PAR_PAGE), PAR_PAGE
        )
        assert compilees.count == orm.count
        assert compilees.num_pages == orm.num_pages
        for numero in [*orm.page_range, "x", 99]:
            attendue, page = orm.get_page(numero), compilees.get_page(numero)
            assert page.number == attendue.number
            assert _lignes(page.object_list) == _lignes(attendue.object_list)


def test_une_boite_vide_se_lit_en_une_requete(dupont):
    fils = services.FilsDeLaFamille(famille=dupont, par_page=PAR_PAGE)
    with CaptureQueriesContext(connection) as requetes:
        page = Paginator(fils, PAR_PAGE).get_page(1)
        assert list(page.object_list) == []
    assert page.paginator.count == 0
    assert len(requetes) == 1
