"""Les attestations fiscales d'une année pour toutes les familles, en un travail de fond :
l'administration lance le travail, chaque famille qui a payé des frais de garde reçoit la
sienne une fois (message avec le PDF, courriel avec le PDF aux responsables qui l'acceptent),
toutes réunies en un PDF ; relancé, le travail n'envoie rien deux fois."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from facturation import taches
from facturation.models import AttestationFiscale
from familles.models import Message
from tests.factories import (
    EnfantFactory,
    FamilleFactory,
    PrestationFactory,
    ResponsableFactory,
)
from tests.facturation.test_attestations import facture, regler
from tests.outils import texte
from travaux.models import Travail

D = Decimal


@pytest.fixture
def annee():
    return timezone.localdate().year - 1


@pytest.fixture
def garde(db):
    return PrestationFactory(nom="ALSH Mercredi après-midi")


@pytest.fixture
def cantine(db):
    return PrestationFactory(nom="Restauration scolaire", frais_de_garde=False)


def famille_qui_paie(annee, prestation, montant, *, courriel=True, age=3):
    famille = FamilleFactory()
    ResponsableFactory(famille=famille, email=f"{famille.numero}@exemple.fr")
    ResponsableFactory(
        famille=famille,
        role="conjoint",
        utilisateur=None,
        email=f"conjoint-{famille.numero}@exemple.fr",
        autorisation_courriel=courriel,
    )
    enfant = EnfantFactory(famille=famille, date_naissance=datetime.date(annee - age, 4, 2))
    f = facture(famille, [(enfant, prestation, montant)], date=datetime.date(annee, 5, 8))
    regler(famille, [(f, montant)], date=datetime.date(annee, 5, 20))
    return famille


@pytest.fixture
def familles(annee, garde, cantine):
    return [
        famille_qui_paie(annee, garde, D("34.00")),
        famille_qui_paie(annee, garde, D("51.00"), courriel=False),
        famille_qui_paie(annee, cantine, D("42.00")),  # la cantine seule : pas d'attestation
        famille_qui_paie(annee, garde, D("20.00"), age=7),  # plus de 6 ans : pas d'attestation
    ]


def lancer(django_capture_on_commit_callbacks, annee):
    with django_capture_on_commit_callbacks(execute=True):
        travail = taches.lancer_attestations(annee=annee)
    travail.refresh_from_db()
    return travail


def test_the_job_issues_sends_and_merges_the_year_s_certificates(
    taches_immediates, familles, annee, django_capture_on_commit_callbacks
):
    travail = lancer(django_capture_on_commit_callbacks, annee)

    assert travail.etat == Travail.Etat.TERMINE
    assert (travail.fait, travail.total) == (4, 4)
    assert travail.rapport["attestations"] == 2
    assert travail.rapport["sans_frais"] == 2
    assert travail.rapport["envoyees"] == 2
    attestations = AttestationFiscale.objects.order_by("montant")
    assert [(a.famille, a.montant) for a in attestations] == [
        (familles[0], D("34.00")),
        (familles[1], D("51.00")),
    ]
    assert all(a.envoyee_le and a.travail == travail for a in attestations)
    # Un message par famille, le PDF en pièce jointe.
    messages = Message.objects.filter(sujet=f"Votre attestation fiscale {annee} (frais de garde)")
    assert sorted(m.famille_id for m in messages) == [familles[0].pk, familles[1].pk]
    assert all(m.piece_jointe.name.endswith(".pdf") for m in messages)
    # Les courriels, avec le PDF joint : le conjoint qui refuse les courriels n'en a pas.
    destinataires = sorted(adresse for courriel in mail.outbox for adresse in courriel.to)
    assert destinataires == sorted(
        [
            f"{familles[0].numero}@exemple.fr",
            f"conjoint-{familles[0].numero}@exemple.fr",
            f"{familles[1].numero}@exemple.fr",
        ]
    )
    for courriel in mail.outbox:
        ((nom, contenu, _type),) = courriel.attachments
        assert nom.startswith(f"attestation-fiscale-{annee}-")
        assert contenu.startswith(b"%PDF-")
    # Le PDF de toutes les attestations, pour l'impression.
    with travail.fichier.open("rb") as fichier:
        assert len(PdfReader(io.BytesIO(fichier.read())).pages) == 2


def test_running_the_year_again_sends_nothing_twice(
    taches_immediates, familles, annee, django_capture_on_commit_callbacks
):
    lancer(django_capture_on_commit_callbacks, annee)
    courriels, messages = len(mail.outbox), Message.objects.count()

    second = lancer(django_capture_on_commit_callbacks, annee)

    assert second.etat == Travail.Etat.TERMINE
    assert (second.rapport["attestations"], second.rapport["envoyees"]) == (2, 0)
    assert AttestationFiscale.objects.count() == 2
    assert (len(mail.outbox), Message.objects.count()) == (courriels, messages)


def test_a_late_payment_sends_a_new_version_that_replaces_the_first(
    taches_immediates, familles, annee, garde, django_capture_on_commit_callbacks
):
    lancer(django_capture_on_commit_callbacks, annee)
    enfant = familles[0].enfants.get()
    f = facture(familles[0], [(enfant, garde, D("10.00"))], date=datetime.date(annee, 11, 8))
    regler(familles[0], [(f, D("10.00"))], date=datetime.date(annee, 12, 28))
    mail.outbox.clear()

    travail = lancer(django_capture_on_commit_callbacks, annee)

    assert (travail.rapport["nouvelles_versions"], travail.rapport["envoyees"]) == (1, 1)
    nouvelle = AttestationFiscale.objects.get(famille=familles[0], version=2)
    assert (nouvelle.montant, nouvelle.remplace.version) == (D("44.00"), 1)
    assert len(mail.outbox) == 2  # les deux responsables de la famille
    assert "annule et remplace" in mail.outbox[0].body


def test_the_current_year_is_refused_and_nothing_is_launched(taches_immediates, db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="n'est pas terminée"):
        taches.lancer_attestations(annee=timezone.localdate().year)
    assert not Travail.objects.exists()


def test_the_admin_launches_the_job_and_lists_the_certificates(
    client_agent, agent, taches_immediates, familles, annee, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Permission

    agent.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_attestationfiscale", "view_travail"])
    )
    liste = client_agent.get(reverse("admin:facturation_attestationfiscale_changelist"))
    assert "Émettre les attestations fiscales d'une année…" in texte(liste)

    erreur = client_agent.post(
        reverse("admin:facturation_attestationfiscale_emettre"),
        {"annee": timezone.localdate().year + 1},
    )
    assert "n'a pas commencé" in texte(erreur)
    assert not Travail.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_agent.post(
            reverse("admin:facturation_attestationfiscale_emettre"), {"annee": annee}
        )
    travail = Travail.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("admin:travaux_travail_change", args=[travail.pk])
    page = texte(client_agent.get(reponse["Location"]))
    assert "Attestations émises2 (dont 0 nouvelles versions)" in page
    assert "Télécharger le PDF des attestations" in page
    liste = texte(client_agent.get(reverse("admin:facturation_attestationfiscale_changelist")))
    assert familles[0].numero in liste and "34,00 €" in liste
    attestation = AttestationFiscale.objects.first()
    pdf = client_agent.get(
        reverse("admin:facturation_attestationfiscale_pdf", args=[attestation.pk])
    )
    assert pdf.content.startswith(b"%PDF-")
