"""Les exports des enfants (avec leurs inscriptions), des inscriptions et des journées d'une
période."""

import datetime

from django.urls import reverse

from enfants.models import Journee
from tests.exports import CSV, XLSX, en_dictionnaires, exporter, lignes_csv, lignes_xlsx
from tests.factories import InscriptionFactory, JourneeFactory, PrestationFactory


def test_children_export_with_their_enrolments(client_agent, dupont):
    lucas = dupont.enfants.get()
    prestation = PrestationFactory(nom="ALSH Mercredi")
    InscriptionFactory(enfant=lucas, prestation=prestation, date_fin=datetime.date(2027, 7, 6))

    response = exporter(client_agent, "enfants_enfant", CSV)

    (enfant,) = [e for e in en_dictionnaires(lignes_csv(response)) if e["Prénom"] == "Lucas"]
    assert enfant["N° famille"] == "1001001819331"
    assert enfant["Date de naissance"] == "14/05/2018"
    assert enfant["Sexe"] == "Garçon"
    assert enfant["Responsable"] == "DUPONT JEAN"
    assert enfant["Inscriptions"] == (
        "Accueil de Loisirs ALSH Mercredi du 01/09/2026 au 06/07/2027"
    )


def test_enrolments_export(client_agent, dupont):
    InscriptionFactory(
        enfant=dupont.enfants.get(),
        prestation=PrestationFactory(nom="Garderie"),
        jours_reguliers="14",
    )

    (inscription,) = en_dictionnaires(
        lignes_xlsx(exporter(client_agent, "enfants_inscription", XLSX))
    )

    assert inscription["Prénom de l'enfant"] == "Lucas"
    assert inscription["Prestation"] == "Garderie"
    assert inscription["Du"] == datetime.datetime(2026, 9, 1)
    assert inscription["Au"] is None
    assert inscription["Jours réguliers"] == "lundi, jeudi"


def test_reservations_of_a_period_export(client_agent, dupont):
    lucas = dupont.enfants.get()
    prestation = PrestationFactory(nom="ALSH Mercredi")
    JourneeFactory(enfant=lucas, prestation=prestation, date=datetime.date(2026, 11, 4))
    JourneeFactory(
        enfant=lucas,
        prestation=prestation,
        date=datetime.date(2026, 12, 2),
        etat=Journee.Etat.ABSENT_EXCUSE,
        motif="Malade",
    )

    response = exporter(
        client_agent, "enfants_journee", CSV, "date__gte=2026-12-01&date__lt=2027-01-01"
    )

    (journee,) = en_dictionnaires(lignes_csv(response))
    assert journee["Date"] == "02/12/2026"
    assert journee["État"] == "Absent excusé"
    assert journee["Motif"] == "Malade"
    assert journee["Structure"] == "Accueil de Loisirs"


def test_a_parent_cannot_export_children(client_dupont):
    assert exporter(client_dupont, "enfants_enfant", CSV).status_code == 302


def test_the_attendance_sheet_exports_expected_children(client_agent, dupont):
    lucas = dupont.enfants.get()
    prestation = PrestationFactory(nom="ALSH Mercredi")
    JourneeFactory(enfant=lucas, prestation=prestation, date=datetime.date(2026, 12, 2))
    feuille = reverse("admin:enfants_journee_feuille_de_presence")
    export = reverse("admin:enfants_journee_feuille_de_presence_export")

    page = client_agent.get(feuille, {"prestation": prestation.pk, "date": "2026-12-02"})
    response = client_agent.get(
        export, {"prestation": prestation.pk, "date": "2026-12-02", "format": "csv"}
    )

    assert f"{export}?prestation={prestation.pk}&amp;date=2026-12-02" in page.content.decode()
    assert response["Content-Disposition"].endswith('-2026-12-02.csv"')
    assert en_dictionnaires(lignes_csv(response)) == [
        {
            "Nom": "DUPONT",
            "Prénom": "Lucas",
            "Date de naissance": "14/05/2018",
            "N° famille": "1001001819331",
            "État enregistré": "Réservé",
            "Émargement": "",
        }
    ]
    classeur = client_agent.get(
        export, {"prestation": prestation.pk, "date": "2026-12-02", "format": "xlsx"}
    )
    assert en_dictionnaires(lignes_xlsx(classeur))[0]["Date de naissance"] == datetime.datetime(
        2018, 5, 14
    )


def test_a_bad_attendance_sheet_export_says_what_is_missing(client_agent):
    export = reverse("admin:enfants_journee_feuille_de_presence_export")

    response = client_agent.get(export, {"prestation": "x", "format": "pdf"}, follow=True)

    assert response.status_code == 200
    assert "Choisissez la prestation, le jour et le format." in response.content.decode()


def test_a_parent_cannot_export_an_attendance_sheet(client_dupont):
    export = reverse("admin:enfants_journee_feuille_de_presence_export")

    assert client_dupont.get(export).status_code == 302
