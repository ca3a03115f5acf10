"""« Mes enfants » : les enfants de la famille."""

import datetime

from django.urls import reverse

from tests.factories import EnfantFactory
from tests.outils import texte


def test_mes_enfants_liste_les_enfants_de_la_famille(client_dupont, dupont):
    EnfantFactory(
        famille=dupont,
        nom="DUPONT",
        prenom="Léa",
        date_naissance=datetime.date(2016, 2, 29),
        ecole="École de Bozel",
        classe="CM2",
    )

    page = texte(client_dupont.get(reverse("mes_enfants")))

    assert "Léa DUPONT 29/02/2016 École de Bozel CM2" in page
    assert "Lucas DUPONT 14/05/2018 —non renseigné —non renseigné" in page
    assert page.index("Léa") < page.index("Lucas")


def test_les_enfants_des_autres_familles_n_apparaissent_pas(client_dupont, martin):
    page = texte(client_dupont.get(reverse("mes_enfants")))

    assert "Emma" not in page
    assert "MARTIN" not in page


def test_une_famille_sans_enfant_le_lit(client_dupont, dupont):
    dupont.enfants.all().delete()

    page = texte(client_dupont.get(reverse("mes_enfants")))

    assert "Aucun enfant enregistré." in page


def test_mes_enfants_tient_en_douze_requetes(client_dupont, dupont, django_assert_max_num_queries):
    EnfantFactory.create_batch(20, famille=dupont, nom="DUPONT")

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("mes_enfants"))

    assert texte(reponse).count("DUPONT") >= 21
