"""La page « Travaux » de l'administration : le personnel (et lui seul) y suit chaque travail,
son avancement, son rapport et ses erreurs, le relance et télécharge ce qu'il a produit."""

import datetime
import html
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import UtilisateurFactory
from tests.travaux.taches import compter
from travaux.models import ErreurDeTravail, Travail

Etat = Travail.Etat
LISTE = reverse("admin:travaux_travail_changelist")
ACTUALISER = '<meta name="travaux-actualiser" content="3">'
SCRIPT = '<script src="/static/js/admin_travaux.js" defer></script>'


def texte(reponse):
    """Le texte de la page, chaque balise lue comme une espace (les cellules se séparent)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", reponse.content.decode())).split())


def un_travail(**valeurs):
    return Travail.objects.create(
        **{
            "genre": Travail.Genre.FACTURATION,
            "titre": "Facturation de novembre 2026 — Régie garderie ALSH",
            "tache": compter.module_path,
            "parametres": {"elements": [1]},
            "unite": "familles",
            "lance_le": timezone.make_aware(datetime.datetime(2026, 12, 7, 14, 3)),
            **valeurs,
        }
    )


def fiche(travail):
    return reverse("admin:travaux_travail_change", args=[travail.pk])


@pytest.fixture
def en_cours(agent):
    return un_travail(lance_par=agent, etat=Etat.EN_COURS, fait=1250, total=4000)


@pytest.fixture
def avec_erreurs(db):
    travail = un_travail(
        etat=Etat.TERMINE_AVEC_ERREURS,
        fait=2,
        total=2,
        rapport={
            "factures": 2,
            "numeros": "AL-38 à AL-39",
            "montant": "30,00\xa0€",
            "pdf": 1,
            "annoncees": 1,
            "jours_sans_tarif": [],
        },
    )
    ErreurDeTravail.objects.create(
        travail=travail,
        reference="facture:39",
        element="Famille n° 1001001820442 MARTIN",
        message="Facture AL-39 émise, mais ni son PDF ni son courriel.",
    )
    return travail


def test_staff_see_each_job_with_who_when_state_and_a_progress_bar(client_agent, en_cours):
    reponse = client_agent.get(LISTE)

    page = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Facturation de novembre 2026 — Régie garderie ALSH" in page
    assert (
        f'<progress value="1250" max="4000" aria-labelledby="avancement-{en_cours.pk}">'
        "</progress>" in page
    )
    assert f'<span id="avancement-{en_cours.pk}">1\xa0250 / 4\xa0000 familles</span>' in page
    assert "07/12/2026 14:03 par agent En cours" in texte(reponse)


def test_the_list_follows_active_jobs_by_a_script_file_and_only_then(client_agent, en_cours):
    actif = client_agent.get(LISTE).content.decode()
    Travail.objects.update(etat=Etat.TERMINE)
    fini = client_agent.get(LISTE).content.decode()

    assert ACTUALISER in actif and SCRIPT in actif
    assert f'<span id="travail-{en_cours.pk}-avancement" data-actualise>' in actif.replace(
        'class="avancement" ', ""
    )
    assert '<a href="">Actualiser</a>' in actif  # sans JavaScript
    assert ACTUALISER not in fini
    assert '<a href="">Actualiser</a>' not in fini
    assert "<script>" not in actif  # la politique de sécurité du contenu : aucun script en ligne
    assert 'http-equiv="refresh"' not in actif  # RGAA 13.1.2 : pas de rechargement minuté


def test_a_job_launched_by_a_command_says_so(client_agent, db):
    un_travail(etat=Etat.EN_ATTENTE)

    page = texte(client_agent.get(LISTE))

    assert "07/12/2026 14:03 par une commande En attente en attente" in page


def test_any_staff_member_sees_the_jobs_even_without_model_permissions(client, db):
    client.force_login(UtilisateurFactory(username="agent2", is_staff=True))
    un_travail()

    assert client.get(LISTE).status_code == 200
    assert "Travaux" in texte(client.get(reverse("admin:index")))


@pytest.mark.parametrize("qui", ["anonyme", "parent"])
def test_a_parent_or_anonymous_is_refused_the_jobs(client, dupont, avec_erreurs, qui):
    if qui == "parent":
        client.force_login(dupont.titulaire.utilisateur)

    for adresse in (LISTE, fiche(avec_erreurs)):
        reponse = client.get(adresse)
        assert reponse.status_code == 302
        assert reponse.url.startswith(reverse("admin:login"))


def test_the_job_page_shows_its_report_and_its_errors(client_agent, avec_erreurs):
    reponse = client_agent.get(fiche(avec_erreurs))

    page = texte(reponse)
    assert reponse.status_code == 200
    assert "Terminé avec erreurs" in page
    assert "Factures émises 2 (AL-38 à AL-39)" in page
    assert "Montant total 30,00 €" in page
    assert "PDF archivés 1 sur 2" in page
    assert "Factures annoncées aux familles 1 sur 2" in page
    assert "Aucun : chaque jour facturable avait un tarif." in page
    assert (
        "Famille n° 1001001820442 MARTIN Facture AL-39 émise, mais ni son PDF ni son courriel. "
        "À reprendre" in page
    )
    assert ACTUALISER not in reponse.content.decode()
    assert "Relancer les éléments en erreur" in page


def test_a_running_job_page_refreshes_itself_and_offers_no_relaunch(client_agent, en_cours):
    reponse = client_agent.get(fiche(en_cours))

    assert ACTUALISER in reponse.content.decode()
    assert "1 250 / 4 000 familles" in texte(reponse)
    assert "Relancer les éléments en erreur" not in texte(reponse)


def test_relaunching_from_the_page_puts_the_job_back_in_the_queue(
    client_agent, avec_erreurs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_agent.post(
            reverse("admin:travaux_travail_relancer", args=[avec_erreurs.pk]), follow=True
        )

    assert "Le travail est relancé : ses éléments en erreur sont repris." in texte(reponse)
    avec_erreurs.refresh_from_db()
    assert avec_erreurs.etat == Etat.EN_ATTENTE
    assert avec_erreurs.resultat_id == str(DBTaskResult.objects.get().id)


def test_relaunching_is_a_post_only(client_agent, avec_erreurs):
    reponse = client_agent.get(reverse("admin:travaux_travail_relancer", args=[avec_erreurs.pk]))

    assert reponse.status_code == 405
    avec_erreurs.refresh_from_db()
    assert avec_erreurs.etat == Etat.TERMINE_AVEC_ERREURS


def test_the_relaunch_action_of_the_list_skips_jobs_without_errors(
    client_agent, avec_erreurs, django_capture_on_commit_callbacks
):
    termine = un_travail(etat=Etat.TERMINE)

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_agent.post(
            LISTE,
            {"action": "relancer_en_erreur", "_selected_action": [avec_erreurs.pk, termine.pk]},
            follow=True,
        )

    assert "1 travail(s) relancé(s) : leurs éléments en erreur sont repris." in texte(reponse)
    assert dict(Travail.objects.values_list("pk", "etat")) == {
        avec_erreurs.pk: Etat.EN_ATTENTE,
        termine.pk: Etat.TERMINE,
    }


def test_nothing_is_written_by_hand_on_a_job(client_agent, avec_erreurs):
    page = client_agent.get(fiche(avec_erreurs)).content.decode()

    assert 'name="_save"' not in page
    assert client_agent.get(reverse("admin:travaux_travail_add")).status_code == 403
    suppression = reverse("admin:travaux_travail_delete", args=[avec_erreurs.pk])
    assert client_agent.post(suppression, {"post": "yes"}).status_code == 403
    assert Travail.objects.filter(pk=avec_erreurs.pk).exists()


@pytest.fixture
def impression(settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path
    travail = un_travail(
        genre=Travail.Genre.IMPRESSION,
        titre="Impression de 21 factures (07/12/2026)",
        unite="factures",
        etat=Etat.TERMINE,
        fait=21,
        total=21,
        rapport={"factures": 21, "pages": 21},
    )
    travail.fichier.save("factures.pdf", ContentFile(b"%PDF-1.7 fusion"))
    return travail


def test_staff_download_the_pdf_of_a_print_job(client_agent, impression):
    page = client_agent.get(fiche(impression))
    reponse = client_agent.get(reverse("admin:travaux_travail_fichier", args=[impression.pk]))

    assert "Télécharger le PDF des factures" in texte(page)
    assert "Factures imprimées 21 sur 21" in texte(page)
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == 'attachment; filename="factures.pdf"'
    assert b"".join(reponse.streaming_content) == b"%PDF-1.7 fusion"


@pytest.mark.parametrize("qui", ["anonyme", "parent"])
def test_a_parent_or_anonymous_cannot_download_the_pdf(client, dupont, impression, qui):
    if qui == "parent":
        client.force_login(dupont.titulaire.utilisateur)

    reponse = client.get(reverse("admin:travaux_travail_fichier", args=[impression.pk]))

    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("admin:login"))


def test_a_job_without_file_or_unknown_has_nothing_to_download(client_agent, avec_erreurs):
    sans_fichier = reverse("admin:travaux_travail_fichier", args=[avec_erreurs.pk])
    inconnu = reverse("admin:travaux_travail_fichier", args=[avec_erreurs.pk + 1000])

    assert client_agent.get(sans_fichier).status_code == 404
    assert client_agent.get(inconnu).status_code == 404
    assert client_agent.get("/admin/travaux/travail/abc/fichier/").status_code == 404
