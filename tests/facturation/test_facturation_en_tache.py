"""La facturation d'un mois et l'impression en lot en travaux de fond (facturation/taches.py) :
l'administration revient aussitôt avec le lien du travail, le worker facture par lots,
archive les PDF et annonce chaque facture une fois ; une famille ou un PDF en erreur est noté
et le travail continue ; relancé ou repris, il ne refait rien de ce qui est fait."""

import datetime
import hashlib
import io
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from post_office.models import Email
from pypdf import PdfReader

from facturation import pdf, taches
from facturation.models import Facture, JourFacture, Regie
from familles.models import Responsable
from tests.factories import (
    EnfantFactory,
    FactureFactory,
    FamilleFactory,
    JourneeFactory,
    PrestationFactory,
    RegieFactory,
    ResponsableFactory,
    TarifFactory,
)
from tests.outils import texte
from travaux.models import Travail

NOVEMBRE = datetime.date(2026, 11, 1)
LE_7_DECEMBRE = datetime.date(2026, 12, 7)
Etat = Travail.Etat


@pytest.fixture(autouse=True)
def stockage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def regie(db):
    return RegieFactory(dernier_numero_facture=37)


@pytest.fixture
def mercredi(regie):
    prestation = PrestationFactory(nom="ALSH Mercredi journée", jours_ouverture="3")
    TarifFactory(prestation=prestation, regie=regie, prix_unitaire=Decimal("15.00"))
    return prestation


def famille_du_mercredi(prestation, nom, *, jours=(4,), adresse="3 PLACE DE L'ÉGLISE"):
    """Une famille, son responsable (sans compte) et un enfant inscrit les mercredis donnés."""
    famille = FamilleFactory()
    ResponsableFactory(famille=famille, nom=nom, adresse=adresse, utilisateur=None)
    enfant = EnfantFactory(famille=famille, nom=nom)
    for jour in jours:
        JourneeFactory(enfant=enfant, prestation=prestation, date=datetime.date(2026, 11, jour))
    return famille


def lancer(regie, mois=NOVEMBRE, par=None):
    (travail,) = taches.lancer_facturation(
        regies=[regie], mois=mois, par=par, aujourdhui=LE_7_DECEMBRE
    )
    return travail


def relire(travail):
    return Travail.objects.get(pk=travail.pk)


def sujets():
    return sorted(message.subject for message in mail.outbox)


# --- L'action de l'administration ----------------------------------------------------------


def test_the_admin_action_returns_at_once_with_the_link_to_the_job(
    client_agent, regie, mercredi, django_capture_on_commit_callbacks
):
    for n in range(30):
        famille_du_mercredi(mercredi, f"FAMILLE{n}")
    action = {"action": "facturer_un_mois", "_selected_action": [regie.pk]}

    debut = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_agent.post(
            "/admin/facturation/regie/",
            {**action, "confirmer": "1", "mois": "2026-11"},
            follow=True,
        )
    duree = time.monotonic() - debut

    assert duree < 1
    travail = Travail.objects.get()
    lien = reverse("admin:travaux_travail_change", args=[travail.pk])
    assert (
        "Facturation de novembre 2026 — Régie garderie ALSH : lancée en arrière-plan. "
        f'<a href="{lien}">Suivre le travail</a>.'
    ) in reponse.content.decode()
    assert (travail.etat, travail.lance_par.username, travail.unite) == (
        Etat.EN_ATTENTE,
        "agent",
        "familles",
    )
    tache = DBTaskResult.objects.get()
    assert (tache.status, tache.task_path) == ("READY", "facturation.taches.facturer_en_tache")
    assert not Facture.objects.exists()  # le worker facture, pas la requête


def test_the_admin_action_launches_one_job_per_selected_regie(
    client_agent, regie, mercredi, django_capture_on_commit_callbacks
):
    autre = RegieFactory(nom="Régie périscolaire", prefixe="RS")

    with django_capture_on_commit_callbacks(execute=True):
        client_agent.post(
            "/admin/facturation/regie/",
            {
                "action": "facturer_un_mois",
                "_selected_action": [regie.pk, autre.pk],
                "confirmer": "1",
                "mois": "2026-11",
            },
        )

    assert sorted(Travail.objects.values_list("parametres__regie", flat=True)) == sorted(
        [regie.pk, autre.pk]
    )
    assert DBTaskResult.objects.count() == 2


# --- Le travail, fait par le worker ----------------------------------------------------------

en_base = pytest.mark.django_db(transaction=True)


@en_base
def test_the_job_bills_in_chunks_archives_and_announces_each_invoice_once(
    regie, mercredi, faire_la_file, monkeypatch
):
    monkeypatch.setattr(taches, "LOT_DE_FAMILLES", 2)
    familles = [famille_du_mercredi(mercredi, nom) for nom in "ABCDE"]
    travail = lancer(regie)

    faire_la_file()

    travail = relire(travail)
    assert travail.etat == Etat.TERMINE
    assert (travail.fait, travail.total, travail.progression) == (5, 5, "5 / 5 familles")
    assert travail.rapport == {
        "factures": 5,
        "numeros": "AL-38 à AL-42",
        "montant": "75,00\xa0€",
        "pdf": 5,
        "annoncees": 5,
        "jours_sans_tarif": [],
    }
    factures = Facture.objects.order_by("rang")
    assert [f.famille_id for f in factures] == [f.pk for f in familles]
    assert [f.numero for f in factures] == [f"AL-{n}" for n in range(38, 43)]
    assert all(f.travail_id == travail.pk and f.date_facture == LE_7_DECEMBRE for f in factures)
    assert all(len(f.pdf_sha256) == 64 and f.annoncee_le for f in factures)
    assert sujets() == [f"Portail Familles : facture AL-{n}" for n in range(38, 43)]
    assert set(Email.objects.values_list("status", flat=True)) == {0}  # envoyés


@en_base
def test_the_pdfs_of_a_chunk_are_laid_out_together_each_archived_with_its_own_invoice(
    regie, mercredi, faire_la_file, monkeypatch
):
    monkeypatch.setattr(taches, "LOT_DE_FAMILLES", 3)
    for nom in ("ARNAUD", "BERTIN", "CHARLES", "DURAND"):
        famille_du_mercredi(mercredi, nom)
    documents = []
    rendre_pdfs = pdf.rendre_pdfs

    def compter(factures):
        factures = list(factures)
        documents.append([f.numero for f in factures])
        return rendre_pdfs(factures)

    monkeypatch.setattr(pdf, "rendre_pdfs", compter)
    lancer(regie)

    faire_la_file()

    assert documents == [["AL-38", "AL-39", "AL-40"], ["AL-41"]]
    for facture, nom in zip(
        Facture.objects.order_by("rang"), ("ARNAUD", "BERTIN", "CHARLES", "DURAND"), strict=True
    ):
        with facture.pdf.open("rb") as fichier:
            contenu = fichier.read()
        lecteur = PdfReader(io.BytesIO(contenu))
        texte_du_pdf = " ".join(page.extract_text() for page in lecteur.pages)
        assert len(lecteur.pages) == 1
        assert facture.numero in texte_du_pdf and nom in texte_du_pdf
        autres = {"ARNAUD", "BERTIN", "CHARLES", "DURAND"} - {nom}
        assert not any(autre in texte_du_pdf for autre in autres)
        assert hashlib.sha256(contenu).hexdigest() == facture.pdf_sha256


@en_base
def test_running_the_job_again_bills_archives_and_announces_nothing_twice(
    regie, mercredi, faire_la_file
):
    for nom in "ABC":
        famille_du_mercredi(mercredi, nom)
    travail = lancer(regie)
    faire_la_file()
    empreintes = list(Facture.objects.order_by("rang").values_list("pdf_sha256", flat=True))

    Travail.objects.filter(pk=travail.pk).update(etat=Etat.EN_ATTENTE)
    taches.facturer_en_tache.enqueue(travail_id=travail.pk)
    faire_la_file()
    second = lancer(regie)
    faire_la_file()

    assert list(Facture.objects.order_by("rang").values_list("pdf_sha256", flat=True)) == (
        empreintes
    )
    assert JourFacture.objects.count() == 3
    assert Regie.objects.get(pk=regie.pk).dernier_numero_facture == 40
    assert len(mail.outbox) == Email.objects.count() == 3
    travail = relire(travail)
    assert (travail.etat, travail.tentatives, travail.rapport["factures"]) == (Etat.TERMINE, 2, 3)
    assert (relire(second).etat, relire(second).rapport["factures"]) == (Etat.TERMINE, 0)


@en_base
def test_a_family_without_address_is_noted_and_billed_again_once_fixed(
    regie, mercredi, faire_la_file
):
    famille_du_mercredi(mercredi, "DUPONT")
    sans_adresse = famille_du_mercredi(mercredi, "MARTIN", adresse="")
    travail = lancer(regie)

    faire_la_file()

    travail = relire(travail)
    assert travail.etat == Etat.TERMINE_AVEC_ERREURS
    erreur = travail.erreurs.get()
    assert erreur.element == f"Famille n° {sans_adresse.numero} MARTIN"
    assert erreur.message == (
        "Facture AL-39 émise, mais ni son PDF ni son courriel : la famille n'a pas d'adresse "
        "postale. Saisissez l'adresse du responsable titulaire, puis relancez les éléments en "
        "erreur."
    )
    martin = Facture.objects.get(famille=sans_adresse)
    assert (martin.pdf_sha256, martin.annoncee_le) == ("", None)
    assert sujets() == ["Portail Familles : facture AL-38"]
    assert (travail.rapport["pdf"], travail.rapport["annoncees"]) == (1, 1)

    Responsable.objects.filter(famille=sans_adresse).update(adresse="1 RUE HAUTE")
    from travaux.services import relancer

    assert relancer(travail=travail)
    faire_la_file()

    travail = relire(travail)
    assert travail.etat == Etat.TERMINE
    assert list(travail.erreurs.values_list("resolue", flat=True)) == [True]
    assert sujets() == ["Portail Familles : facture AL-38", "Portail Familles : facture AL-39"]
    assert Facture.objects.count() == 2
    assert len(Facture.objects.get(famille=sans_adresse).pdf_sha256) == 64


@en_base
def test_a_pdf_that_fails_is_noted_and_the_job_goes_on(regie, mercredi, faire_la_file, monkeypatch):
    famille_du_mercredi(mercredi, "DUPONT")
    famille_du_mercredi(mercredi, "MARTIN")
    contexte = pdf.contexte_du_pdf

    def contexte_sauf_al38(facture):  # le lot échoue, puis AL-38 seule
        if facture.numero == "AL-38":
            raise OSError("police introuvable")
        return contexte(facture)

    monkeypatch.setattr(pdf, "contexte_du_pdf", contexte_sauf_al38)
    travail = lancer(regie)

    faire_la_file()

    travail = relire(travail)
    assert travail.etat == Etat.TERMINE_AVEC_ERREURS
    assert travail.erreurs.get().message == (
        "Facture AL-38 : le PDF n'a pas pu être produit (police introuvable)."
    )
    assert sujets() == ["Portail Familles : facture AL-39"]
    assert (travail.fait, travail.rapport["factures"], travail.rapport["pdf"]) == (2, 2, 1)


@en_base
def test_a_family_whose_billing_fails_is_noted_and_the_others_are_billed(
    regie, mercredi, faire_la_file, monkeypatch
):
    bonne = famille_du_mercredi(mercredi, "DUPONT")
    mauvaise = famille_du_mercredi(mercredi, "MARTIN")
    facturer = taches.services.facturer_periode

    def facturer_sauf_martin(*, familles, **options):
        if mauvaise.pk in familles:
            raise RuntimeError("quotient illisible")
        return facturer(familles=familles, **options)

    monkeypatch.setattr(taches.services, "facturer_periode", facturer_sauf_martin)
    travail = lancer(regie)

    faire_la_file()

    travail = relire(travail)
    assert travail.etat == Etat.TERMINE_AVEC_ERREURS
    erreur = travail.erreurs.get()
    assert (erreur.reference, erreur.message) == (
        f"famille:{mauvaise.pk}",
        "La facturation de la famille a échoué : quotient illisible",
    )
    assert list(Facture.objects.values_list("famille_id", "numero")) == [(bonne.pk, "AL-38")]


@en_base
def test_days_without_a_tarif_are_listed_in_the_report_and_on_the_page(
    regie, faire_la_file, agent, client
):
    prestation = PrestationFactory(nom="ALSH Mercredi journée", jours_ouverture="3")
    TarifFactory(
        prestation=prestation,
        regie=regie,
        prix_unitaire=Decimal("15.00"),
        date_debut=datetime.date(2026, 11, 15),
    )
    famille_du_mercredi(prestation, "DUPONT", jours=(4, 11, 18))
    famille_du_mercredi(prestation, "MARTIN", jours=(4,))
    travail = lancer(regie)

    faire_la_file()

    travail = relire(travail)
    assert travail.rapport["factures"] == 1
    assert travail.rapport["montant"] == "15,00\xa0€"
    assert travail.rapport["jours_sans_tarif"] == [
        {
            "prestation": "ALSH Mercredi journée",
            "jours": ["04/11/2026", "11/11/2026"],
            "nombre": 3,
            "familles": 2,
        }
    ]
    client.force_login(agent)
    page = client.get(reverse("admin:travaux_travail_change", args=[travail.pk]))
    assert "Jours non facturés faute de tarif" in texte(page)
    assert (
        "<tr><td>ALSH Mercredi journée</td><td>04/11/2026, 11/11/2026</td><td>3</td>"
        "<td>2</td></tr>" in page.content.decode()
    )


@en_base
def test_a_month_the_regie_no_longer_bills_fails_the_job_with_its_reason(
    regie, mercredi, faire_la_file
):
    famille_du_mercredi(mercredi, "DUPONT")
    regie.mode_facturation = Regie.ModeFacturation.A_ECHOIR
    regie.save()
    (travail,) = taches.lancer_facturation(
        regies=[regie], mois=datetime.date(2027, 1, 1), aujourdhui=LE_7_DECEMBRE
    )
    Regie.objects.filter(pk=regie.pk).update(mode_facturation=Regie.ModeFacturation.TERME_ECHU)

    faire_la_file()

    travail = relire(travail)
    assert travail.etat == Etat.ECHOUE
    assert travail.message == (
        "Régie garderie ALSH : Le mois de janvier 2027 n'est pas terminé : en terme échu, il se "
        "facture à partir du 01/02/2027."
    )
    assert not Facture.objects.exists()


def test_launching_refuses_every_regie_if_one_refuses_the_month(regie):
    autre = RegieFactory(
        nom="Régie périscolaire", prefixe="RS", mode_facturation=Regie.ModeFacturation.A_ECHOIR
    )

    with pytest.raises(ValidationError) as erreur:
        taches.lancer_facturation(
            regies=[regie, autre], mois=datetime.date(2027, 1, 1), aujourdhui=LE_7_DECEMBRE
        )

    assert erreur.value.messages == [
        "Régie garderie ALSH : Le mois de janvier 2027 n'est pas terminé : en terme échu, il se "
        "facture à partir du 01/02/2027."
    ]
    assert not Travail.objects.exists()


def test_the_invoice_page_says_when_it_was_announced_and_by_which_job(client_agent, regie, dupont):
    travail = Travail.objects.create(
        genre=Travail.Genre.FACTURATION, titre="Facturation", tache="x", unite="familles"
    )
    annoncee = FactureFactory(
        regie=regie,
        famille=dupont,
        travail=travail,
        annoncee_le=timezone.make_aware(datetime.datetime(2026, 12, 7, 14, 5)),
    )
    en_attente = FactureFactory(regie=regie, famille=dupont, travail=travail)

    page = client_agent.get(reverse("admin:facturation_facture_change", args=[annoncee.pk]))
    autre = client_agent.get(reverse("admin:facturation_facture_change", args=[en_attente.pk]))

    lien = reverse("admin:travaux_travail_change", args=[travail.pk])
    assert f'<a href="{lien}">le travail n° {travail.pk}</a>' in page.content.decode()
    assert "07/12/2026 14:05" in texte(page)
    assert "Pas encore (son travail de facturation l'annoncera)." in texte(autre)


# --- L'impression en lot -----------------------------------------------------------------------


def imprimer(client, factures):
    return client.post(
        reverse("admin:facturation_facture_changelist"),
        {"action": "imprimer_factures", "_selected_action": [f.pk for f in factures]},
        follow=True,
    )


@pytest.fixture
def vingt_et_une_factures(regie, dupont):
    return [
        FactureFactory(regie=regie, famille=dupont, rang=n, numero=f"AL-{n}") for n in range(1, 22)
    ]


def test_more_than_20_invoices_are_printed_by_a_job_into_one_pdf(
    client_agent, vingt_et_une_factures, taches_immediates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reponse = imprimer(client_agent, vingt_et_une_factures)

    assert reponse["Content-Type"].startswith("text/html")
    travail = Travail.objects.get()
    assert travail.titre.startswith("Impression de 21 factures")
    assert "Impression de 21 factures" in texte(reponse)
    assert "lancée en arrière-plan. Suivre le travail." in texte(reponse)
    assert (travail.etat, travail.genre, travail.progression) == (
        Etat.TERMINE,
        Travail.Genre.IMPRESSION,
        "21 / 21 factures",
    )
    fusion = PdfReader(travail.fichier.open("rb"))
    assert len(fusion.pages) == travail.rapport["pages"] >= 21
    assert travail.rapport["factures"] == 21
    premiere, derniere = fusion.pages[0].extract_text(), fusion.pages[-1].extract_text()
    assert "AL-1" in premiere and "AL-21" in derniere


def test_the_merged_pdf_is_downloaded_from_the_job_page_by_staff_only(
    client,
    agent,
    dupont,
    vingt_et_une_factures,
    taches_immediates,
    django_capture_on_commit_callbacks,
):
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        imprimer(client, vingt_et_une_factures)
    travail = Travail.objects.get()
    adresse = reverse("admin:travaux_travail_fichier", args=[travail.pk])

    page = client.get(reverse("admin:travaux_travail_change", args=[travail.pk]))
    telechargement = client.get(adresse)
    client.force_login(dupont.titulaire.utilisateur)
    refus = client.get(adresse)

    assert f'href="{adresse}"' in page.content.decode()
    assert telechargement.status_code == 200
    assert telechargement["Content-Type"] == "application/pdf"
    assert telechargement["Content-Disposition"].startswith("attachment;")
    contenu = b"".join(telechargement.streaming_content)
    assert len(PdfReader(io.BytesIO(contenu)).pages) == travail.rapport["pages"]
    assert refus.status_code == 302 and refus.url.startswith(reverse("admin:login"))


def test_an_altered_pdf_is_noted_and_the_others_are_printed(
    client_agent, vingt_et_une_factures, taches_immediates, django_capture_on_commit_callbacks
):
    alteree = vingt_et_une_factures[4]
    pdf.archiver_pdf(facture=alteree)
    with open(alteree.pdf.path, "ab") as fichier:
        fichier.write(b"%% ajout")

    with django_capture_on_commit_callbacks(execute=True):
        imprimer(client_agent, vingt_et_une_factures)

    travail = Travail.objects.get()
    assert travail.etat == Etat.TERMINE_AVEC_ERREURS
    erreur = travail.erreurs.get()
    assert (erreur.element, erreur.message) == (
        "Facture AL-5",
        "Non imprimée : Le PDF archivé de la facture AL-5 a été modifié.",
    )
    assert travail.rapport["factures"] == 20


def test_20_invoices_are_still_printed_in_the_request(client_agent, vingt_et_une_factures):
    reponse = imprimer(client_agent, vingt_et_une_factures[:20])

    assert reponse["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(reponse.content)).pages) >= 20
    assert not Travail.objects.exists()


# --- Un worker tué au milieu de la facturation (PostgreSQL, un vrai processus) ---------------

FAMILLES = 500


def attendre(condition, *, secondes, journal):
    """Attend que `condition()` soit vraie ; sinon, échoue avec le journal du worker."""
    limite = time.monotonic() + secondes
    while not condition():
        if time.monotonic() > limite:
            pytest.fail(f"Délai dépassé ({secondes} s). Journal du worker :\n{journal.read_text()}")
        time.sleep(0.2)


@pytest.mark.postgresql
@en_base
def test_a_worker_killed_mid_run_then_resumed_bills_archives_and_announces_each_family_once(
    regie, mercredi, lancer_un_worker, settings, tmp_path, file_courriels
):
    familles = {famille_du_mercredi(mercredi, f"FAMILLE{n}").pk for n in range(FAMILLES)}
    regie.dernier_numero_facture = 0
    regie.save()
    travail = lancer(regie)
    premiere_tache = relire(travail).resultat_id

    tue = lancer_un_worker(journal="tue")
    attendre(lambda: relire(travail).fait >= 100, secondes=180, journal=tmp_path / "tue.log")
    tue.kill()  # SIGKILL : ni transaction finie, ni tâche marquée
    tue.wait()

    apres_l_arret = Facture.objects.count()
    assert relire(travail).etat == Etat.EN_COURS
    assert 0 < apres_l_arret < FAMILLES
    assert DBTaskResult.objects.get(id=premiere_tache).status == "RUNNING"

    from django.core.management import call_command

    call_command("reprendre_travaux", "--inactifs-depuis", "0", stdout=io.StringIO())
    repreneur = lancer_un_worker("--batch", journal="repreneur")
    attendre(lambda: repreneur.poll() is not None, secondes=300, journal=tmp_path / "repreneur.log")

    assert repreneur.returncode == 0
    travail = relire(travail)
    assert (travail.etat, travail.tentatives) == (Etat.TERMINE, 2)
    assert (travail.fait, travail.total) == (FAMILLES, FAMILLES)
    assert DBTaskResult.objects.get(id=premiere_tache).status == "FAILED"
    assert DBTaskResult.objects.get(id=travail.resultat_id).status == "SUCCESSFUL"
    # Chaque famille facturée une fois, des numéros sans trou.
    factures = list(Facture.objects.order_by("rang"))
    assert sorted(f.famille_id for f in factures) == sorted(familles)
    assert [f.rang for f in factures] == list(range(1, FAMILLES + 1))
    assert Regie.objects.get(pk=regie.pk).dernier_numero_facture == FAMILLES
    assert JourFacture.objects.count() == FAMILLES
    # Chaque PDF archivé, tel que son empreinte le dit.
    for facture in factures:
        assert pdf.lire_pdf_archive(facture).startswith(b"%PDF-")
    # Chaque facture annoncée une fois : un courriel dans la file d'envoi, qui part une fois.
    assert all(f.annoncee_le for f in factures)
    courriels = sorted(Email.objects.values_list("subject", flat=True))
    assert courriels == sorted(f"Portail Familles : facture {f.numero}" for f in factures)
    file_courriels()  # la commande envoyer_courriels
    assert set(Email.objects.values_list("status", flat=True)) == {0}  # envoyés
    assert sorted(courriel.subject for courriel in mail.outbox) == courriels
    assert travail.rapport["factures"] == travail.rapport["pdf"] == FAMILLES
    assert travail.rapport["annoncees"] == FAMILLES


@pytest.mark.postgresql
@en_base
def test_two_workers_share_the_pdfs_of_a_billing_run_each_invoice_archived_and_announced_once(
    regie, mercredi, lancer_un_worker, tmp_path
):
    for n in range(200):
        famille_du_mercredi(mercredi, f"FAMILLE{n}")
    travail = lancer(regie)

    for n in range(2):
        lancer_un_worker(journal=f"worker{n}")
    aides = DBTaskResult.objects.filter(task_path="facturation.taches.rendre_les_pdf_en_tache")
    attendre(
        lambda: aides.filter(status="SUCCESSFUL").exists(),
        secondes=600,
        journal=tmp_path / "worker0.log",
    )

    travail = relire(travail)
    assert travail.etat == Etat.TERMINE
    assert (travail.fait, travail.total) == (200, 200)
    factures = list(Facture.objects.all())
    assert len(factures) == 200
    assert all(pdf.lire_pdf_archive(f).startswith(b"%PDF-") and f.annoncee_le for f in factures)
    sujets_en_file = list(Email.objects.values_list("subject", flat=True))
    assert sorted(sujets_en_file) == sorted(
        f"Portail Familles : facture {f.numero}" for f in factures
    )
    # L'aide a rendu des lots à côté de la tâche qui émet.
    aide = aides.get()
    assert 0 < aide.return_value < 200
