"""« Mes attestations » dans le relevé de compte : le parent choisit l'année ou la période et
télécharge le PDF ; une erreur se dit en français et rien ne s'écrit ; une autre famille
reçoit 404 ; la page reste sous 12 requêtes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from facturation.models import AttestationFiscale
from tests.factories import EnfantFactory, InscriptionFactory, JourneeFactory, PrestationFactory
from tests.facturation.test_attestations import facture, regler
from tests.outils import texte

D = Decimal


@pytest.fixture(autouse=True)
def medias(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def annee():
    return timezone.localdate().year - 1


@pytest.fixture
def garde():
    return PrestationFactory(nom="ALSH Mercredi après-midi")


@pytest.fixture
def lea(dupont, annee, garde):
    """4 ans au 1er janvier de l'an dernier, inscrite depuis la rentrée d'il y a deux ans."""
    enfant = EnfantFactory(
        famille=dupont, prenom="Léa", nom="DUPONT", date_naissance=datetime.date(annee - 4, 5, 14)
    )
    InscriptionFactory(enfant=enfant, prestation=garde, date_debut=datetime.date(annee - 1, 9, 1))
    return enfant


@pytest.fixture
def payee(dupont, lea, garde, annee):
    f = facture(dupont, [(lea, garde, D("34.00"))], date=datetime.date(annee, 3, 8))
    regler(dupont, [(f, D("34.00"))], date=datetime.date(annee, 3, 20))
    return f


def est_un_pdf(reponse):
    return (
        reponse.status_code == 200
        and reponse["Content-Type"] == "application/pdf"
        and b"".join(reponse.streaming_content).startswith(b"%PDF-")
    )


def test_the_statement_has_a_tab_to_my_certificates(client_dupont):
    page = client_dupont.get(reverse("releve")).content.decode()

    assert f'href="{reverse("mes_attestations")}"' in page
    assert "Mes attestations" in page


def test_my_certificates_page_offers_the_paid_years(
    client_dupont, payee, annee, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("mes_attestations"))

    assert reponse.status_code == 200
    assert f'<option value="{annee}" selected>{annee}</option>' in reponse.content.decode()
    assert "Attestation de présence" in texte(reponse)
    # Les onglets du relevé, celui des attestations en cours.
    assert f'href="{reverse("releve")}?vue=factures"' in reponse.content.decode()
    assert 'aria-current="page">Mes attestations</a>' in reponse.content.decode()


def test_a_parent_downloads_the_tax_certificate_of_a_year(client_dupont, dupont, payee, annee):
    reponse = client_dupont.get(reverse("attestation_fiscale"), {"annee": annee})

    assert est_un_pdf(reponse)
    assert f"attestation-fiscale-{annee}-{dupont.numero}.pdf" in reponse["Content-Disposition"]
    attestation = AttestationFiscale.objects.get()
    assert (attestation.famille, attestation.annee, attestation.montant) == (
        dupont,
        annee,
        D("34.00"),
    )
    # Une seconde fois : la même attestation, archivée, listée sur la page.
    assert est_un_pdf(client_dupont.get(reverse("attestation_fiscale"), {"annee": annee}))
    assert AttestationFiscale.objects.count() == 1
    page = texte(client_dupont.get(reverse("mes_attestations")))
    assert f"Attestation fiscale {annee} (PDF) — 34,00 €" in page


@pytest.mark.parametrize(
    ("valeur", "message"),
    [
        ("abc", "Indiquez une année, par exemple 2025."),
        ("", "Choisissez l'année de l'attestation."),
        ("1999", "Choisissez une année à partir de 2000."),
        ("courante", "n'est pas terminée : son attestation fiscale sera disponible"),
        ("future", "n'a pas commencé"),
        ("sans_reglement", "Aucun règlement reçu en"),
    ],
)
def test_a_bad_year_says_why_in_french_and_writes_nothing(client_dupont, payee, valeur, message):
    annee = timezone.localdate().year
    valeur = {"courante": annee, "future": annee + 1, "sans_reglement": annee - 3}.get(
        valeur, valeur
    )

    reponse = client_dupont.get(reverse("attestation_fiscale"), {"annee": valeur})

    assert reponse.status_code == 400
    assert reponse["Content-Type"].startswith("text/html")
    assert message in texte(reponse)
    assert not AttestationFiscale.objects.exists()


def test_another_family_cannot_download_our_certificate(client, dupont, martin, payee, annee):
    client.force_login(dupont.titulaire.utilisateur)
    client.get(reverse("attestation_fiscale"), {"annee": annee})
    attestation = AttestationFiscale.objects.get()
    client.force_login(martin.titulaire.utilisateur)

    reponse = client.get(reverse("attestation_fiscale_pdf", args=[attestation.pk]))

    assert reponse.status_code == 404
    # Et l'année de Martin ne montre pas les règlements des Dupont.
    reponse = client.get(reverse("attestation_fiscale"), {"annee": annee})
    assert reponse.status_code == 400
    assert AttestationFiscale.objects.count() == 1


def test_a_parent_downloads_an_attendance_certificate(client_dupont, dupont, lea, garde, annee):
    for jour in (3, 4, 5):
        JourneeFactory(
            enfant=lea, prestation=garde, date=datetime.date(annee, 3, jour), etat="present"
        )
    JourneeFactory(
        enfant=lea, prestation=garde, date=datetime.date(annee, 3, 6), etat="absent_facture"
    )

    reponse = client_dupont.get(
        reverse("attestation_presence"), {"debut": f"{annee}-03-01", "fin": f"{annee}-03-31"}
    )

    assert est_un_pdf(reponse)
    assert "attestation-presence-" in reponse["Content-Disposition"]


@pytest.mark.parametrize(
    ("debut", "fin", "message"),
    [
        ("{a}-03-31", "{a}-03-01", "La fin de la période est avant son début."),
        ("{d}-03-01", "{d}-03-31", "Choisissez une période comprise dans vos années scolaires"),
        ("{f}-01-01", "{f}-01-31", "La période n'a pas commencé"),
        ("{a}-03-01", "", "Au : Indiquez cette date."),
        ("31/02/{a}", "{a}-03-31", "Du : Saisissez une date valable (jj/mm/aaaa)."),
        ("{a}-08-01", "{a}-08-31", "Aucune présence notée du 01/08/"),
    ],
)
def test_a_bad_period_says_why_in_french(client_dupont, lea, annee, debut, fin, message):
    dates = {"a": annee, "d": annee - 5, "f": annee + 2}

    reponse = client_dupont.get(
        reverse("attestation_presence"),
        {"debut": debut.format(**dates), "fin": fin.format(**dates)},
    )

    assert reponse.status_code == 400
    assert message in texte(reponse)
