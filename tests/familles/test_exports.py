"""Les exports des familles et des responsables (CSV, XLSX), vus par un agent."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familles.models import Famille
from tests.exports import CSV, XLSX, en_dictionnaires, exporter, lignes_csv, lignes_xlsx
from tests.factories import EnfantFactory, ResponsableFactory, UtilisateurFactory


def test_the_family_list_offers_an_export_button(client_agent, dupont):
    response = client_agent.get(reverse("admin:familles_famille_changelist"))

    assert reverse("admin:familles_famille_export") in response.content.decode()
    assert "Exporter" in response.content.decode()


def test_families_export_as_csv_with_french_headers_and_both_responsables(client_agent, dupont):
    Famille.objects.filter(pk=dupont.pk).update(
        quotient_familial=620,
        date_creation=datetime.datetime(2026, 9, 3, 10, 0, tzinfo=datetime.UTC),
    )

    response = exporter(client_agent, "familles_famille", CSV)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('.csv"')
    assert response.content.startswith(b"\xef\xbb\xbf")  # le BOM : accents lus par le tableur
    lignes = lignes_csv(response)
    assert lignes[0][:4] == [
        "N° famille",
        "Responsable : civilité",
        "Responsable : nom",
        "Responsable : prénom",
    ]
    (famille,) = en_dictionnaires(lignes)
    assert famille["N° famille"] == "1001001819331"
    assert famille["Responsable : civilité"] == "Monsieur"
    assert famille["Responsable : prénom"] == "JEAN"
    assert famille["Conjoint : prénom"] == "JEANNE"
    assert famille["Ville"] == "SAINT - JEAN"
    assert famille["Quotient familial"] == "620"
    assert famille["Prélèvement automatique"] == "Non"
    assert famille["Créée le"] == "03/09/2026"
    assert famille["Enfants"] == "Lucas DUPONT (14/05/2018)"


def test_families_export_as_xlsx_keeps_dates_as_dates(client_agent, dupont):
    response = exporter(client_agent, "familles_famille", XLSX)

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    (famille,) = en_dictionnaires(lignes_xlsx(response))
    assert famille["N° famille"] == "1001001819331"
    assert isinstance(famille["Créée le"], datetime.datetime)


def test_the_export_follows_the_search_of_the_list(client_agent, dupont, martin):
    response = exporter(client_agent, "familles_famille", CSV, "q=1001001820442")

    assert [famille["N° famille"] for famille in en_dictionnaires(lignes_csv(response))] == [
        "1001001820442"
    ]


def test_responsables_export(client_agent, dupont):
    response = exporter(client_agent, "familles_responsable", CSV)

    responsables = en_dictionnaires(lignes_csv(response))
    assert {(r["Prénom"], r["Rôle"], r["Identifiant de connexion"]) for r in responsables} == {
        ("JEAN", "Responsable (titulaire)", "jean.dupont"),
        ("JEANNE", "Conjoint", ""),
    }


def test_a_parent_cannot_export(client_dupont):
    response = exporter(client_dupont, "familles_famille", CSV)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_without_the_view_permission_cannot_export(client, dupont):
    sans_droit = UtilisateurFactory(username="stagiaire", is_staff=True)
    client.force_login(sans_droit)

    assert exporter(client, "familles_famille", CSV).status_code == 403


def test_the_export_queries_do_not_grow_with_the_number_of_families(client_agent, dupont):
    def requetes():
        with CaptureQueriesContext(connection) as requetes:
            assert exporter(client_agent, "familles_famille", XLSX).status_code == 200
        return len(requetes)

    avant = requetes()
    for _ in range(25):
        responsable = ResponsableFactory()
        EnfantFactory(famille=responsable.famille)

    assert requetes() == avant
