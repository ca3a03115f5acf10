"""« Liste des demandes » : les demandes de la famille datant de moins d'un mois."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from demandes.models import Demande
from demandes.views import un_mois_avant
from tests.outils import texte


def demande(famille, il_y_a_jours, **champs):
    return Demande.objects.create(
        famille=famille,
        date_demande=timezone.now() - datetime.timedelta(days=il_y_a_jours),
        **champs,
    )


def jour(il_y_a):
    return (timezone.localdate() - datetime.timedelta(days=il_y_a)).strftime("%d/%m/%Y")


def test_les_demandes_du_mois_sont_listees_avec_leur_statut_et_le_motif_d_un_refus(
    client_dupont, dupont
):
    decision = timezone.now() - datetime.timedelta(days=1)
    demande(dupont, 3, type=Demande.Type.RESPONSABLE)
    demande(
        dupont,
        5,
        type=Demande.Type.ABSENCE,
        enfant=dupont.enfants.get(),
        statut=Demande.Statut.REFUSEE,
        decidee_le=decision,
        motif_refus="Déclarée après le délai d'annulation.",
    )
    demande(dupont, 8, type=Demande.Type.CAF, statut=Demande.Statut.ACCEPTEE, decidee_le=decision)

    page = texte(client_dupont.get(reverse("demandes")))

    decidee = timezone.localtime(decision).strftime("%d/%m/%Y")
    assert f"{jour(3)} Informations responsable En attente" in page
    assert (
        f"{jour(5)} Absences (Lucas) Refusée {decidee} Déclarée après le délai d'annulation."
        in page
    )
    assert f"{jour(8)} Informations CAF Acceptée {decidee}" in page
    assert page.index("Informations responsable") < page.index("Informations CAF")


def test_une_demande_de_plus_d_un_mois_n_apparait_plus(client_dupont, dupont):
    demande(dupont, 40, type=Demande.Type.BANCAIRES)

    page = texte(client_dupont.get(reverse("demandes")))

    assert "Informations bancaires" not in page
    assert "Vous n'avez fait aucune demande depuis le" in page


def test_les_demandes_des_martin_n_apparaissent_pas_chez_les_dupont(client_dupont, martin):
    demande(martin, 2, type=Demande.Type.FISCALES)

    page = texte(client_dupont.get(reverse("demandes")))

    assert "Informations fiscales" not in page


@pytest.mark.parametrize(
    ("jour", "attendu"),
    [
        (datetime.date(2026, 11, 26), datetime.date(2026, 10, 26)),
        (datetime.date(2026, 3, 31), datetime.date(2026, 2, 28)),
        (datetime.date(2027, 1, 15), datetime.date(2026, 12, 15)),
    ],
)
def test_un_mois_avant_garde_le_quantieme_ou_le_dernier_jour_du_mois(jour, attendu):
    assert un_mois_avant(jour) == attendu


def test_la_liste_tient_en_douze_requetes(client_dupont, dupont, django_assert_max_num_queries):
    enfant = dupont.enfants.get()
    for jours in range(25):
        demande(dupont, jours, type=Demande.Type.RESERVATION, enfant=enfant)

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("demandes"))

    assert texte(reponse).count("Réservations (Lucas)") == 25
