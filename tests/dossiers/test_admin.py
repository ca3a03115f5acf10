"""L'administration du dossier annuel : les documents à vérifier, la visionneuse dans la page
de la demande, la décision par Valider / Refuser (le service des demandes), les dossiers
incomplets par famille et par prestation, les types de documents."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse

from dossiers.documents import deposer_document
from dossiers.models import PieceDossier, TypeDocument
from portail.groupes import AGENTS, AGENTS_SANITAIRES, creer_groupes
from tests.dossiers.fabriques import (
    ASSURANCE,
    PNG,
    QUOTIENT,
    SANITAIRE,
    PieceDossierFactory,
    donner_droits_dossiers,
    dossier_complet_de,
    fichier,
    jours,
    piece_acceptee,
    type_document,
)
from tests.factories import InscriptionFactory, PrestationFactory, UtilisateurFactory
from tests.outils import texte


@pytest.fixture(autouse=True)
def stockage_temporaire(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def client_agent(client, agent):
    client.force_login(donner_droits_dossiers(agent))
    return client


def depot(famille, nom=QUOTIENT, enfant=None, contenu=None):
    return deposer_document(
        famille=famille,
        type_document=type_document(nom),
        enfant=enfant,
        fichier=fichier("scan.png", PNG, "image/png") if contenu == "png" else fichier(),
        date_document=datetime.date(2026, 9, 10),
        par=famille.titulaire.utilisateur,
    )


def url_demande(demande, vue="change"):
    return reverse(f"admin:demandes_demande_{vue}", args=[demande.pk])


PIECES = reverse("admin:dossiers_piecedossier_changelist")


def test_the_documents_list_shows_those_to_check_first(client_agent, dupont, martin):
    attente = depot(dupont)
    PieceDossierFactory(famille=martin, statut=PieceDossier.Statut.RETIREE)

    reponse = client_agent.get(PIECES)

    assert [p.pk for p in reponse.context["cl"].result_list] == [attente.cible_id]
    assert "Vérifier et décider" in texte(reponse)
    assert url_demande(attente) in reponse.content.decode()
    tous = client_agent.get(PIECES, {"statut": "tous"})
    assert len(tous.context["cl"].result_list) == 2


def test_the_documents_list_holds_in_twelve_queries(
    client_agent, dupont, django_assert_max_num_queries
):
    for _ in range(25):
        piece_acceptee(dupont, QUOTIENT, jusqu_au=jours(100))

    with django_assert_max_num_queries(12):
        reponse = client_agent.get(PIECES, {"statut": "acceptee"})

    assert len(reponse.context["cl"].result_list) == 25


def test_the_request_page_shows_the_pdf_in_a_frame_through_the_checked_view(client_agent, dupont):
    demande = depot(dupont)

    contenu = client_agent.get(url_demande(demande)).content.decode()

    url = reverse("fichier_piece", args=[demande.cible_id])
    assert f'<iframe class="apercu-document" src="{url}"' in contenu
    assert "/media/" not in contenu
    assert "accepté, il vaudra jusqu&#x27;au 31/08/2027" in contenu
    assert "Valider accepte le document déposé" in contenu


def test_an_image_is_shown_as_an_image(client_agent, dupont):
    demande = depot(dupont, contenu="png")

    contenu = client_agent.get(url_demande(demande)).content.decode()

    url = reverse("fichier_piece", args=[demande.cible_id])
    assert f'<img class="apercu-document" src="{url}"' in contenu


def test_the_document_page_links_to_its_request(client_agent, dupont):
    demande = depot(dupont)

    reponse = client_agent.get(
        reverse("admin:dossiers_piecedossier_change", args=[demande.cible_id])
    )

    assert url_demande(demande) in reponse.content.decode()
    assert reverse("fichier_piece", args=[demande.cible_id]) in reponse.content.decode()


def test_valider_in_the_admin_accepts_the_document(client_agent, agent, dupont):
    demande = depot(dupont)

    reponse = client_agent.post(url_demande(demande, "valider"), follow=True)

    assert "Demande validée" in texte(reponse)
    piece = PieceDossier.objects.get()
    assert piece.statut == PieceDossier.Statut.ACCEPTEE
    assert piece.valable_jusquau == datetime.date(2027, 8, 31)
    assert piece.decidee_par == agent


def test_refuser_in_the_admin_refuses_the_document_with_the_motif(client_agent, dupont):
    demande = depot(dupont)

    client_agent.post(url_demande(demande, "refuser"), {"motif": "Avis d'imposition incomplet."})

    piece = PieceDossier.objects.get()
    assert piece.statut == PieceDossier.Statut.REFUSEE
    assert piece.motif_refus == "Avis d'imposition incomplet."


def test_bulk_valider_accepts_each_document(client_agent, dupont, martin):
    demandes = [depot(dupont), depot(martin)]

    client_agent.post(
        reverse("admin:demandes_demande_changelist"),
        {"action": "valider_selection", ACTION_CHECKBOX_NAME: [d.pk for d in demandes]},
    )

    assert set(PieceDossier.objects.values_list("statut", flat=True)) == {"acceptee"}


def test_health_documents_are_hidden_from_agents_without_the_permission(
    client_agent, agent, dupont
):
    sanitaire = depot(dupont, SANITAIRE, dupont.enfants.get())
    quotient = depot(dupont)
    agent.user_permissions.remove(Permission.objects.get(codename="voir_donnees_sanitaires"))

    pieces = client_agent.get(PIECES).context["cl"].result_list
    demandes = client_agent.get(reverse("admin:demandes_demande_changelist"))

    assert [p.pk for p in pieces] == [quotient.cible_id]
    assert [d.pk for d in demandes.context["cl"].result_list] == [quotient.pk]
    assert client_agent.get(url_demande(sanitaire)).status_code == 302  # « n'existe pas »


def test_incomplete_files_are_listed_per_prestation(client_agent, dupont, martin):
    mercredi = PrestationFactory(nom="ALSH Mercredi journée")
    InscriptionFactory(
        enfant=dupont.enfants.get(), prestation=mercredi, date_debut=jours(-30), date_fin=None
    )
    InscriptionFactory(
        enfant=martin.enfants.get(), prestation=mercredi, date_debut=jours(-30), date_fin=jours(-1)
    )
    depot(dupont)
    url = reverse("admin:dossiers_incomplets")

    par_prestation = texte(client_agent.get(url, {"prestation": mercredi.pk}))
    toutes = texte(client_agent.get(url))

    assert "DUPONT JEAN (1001001819331)" in par_prestation
    assert f"{ASSURANCE} — Lucas (à fournir)" in par_prestation
    assert f"{QUOTIENT}" in par_prestation.split("En cours de vérification")[-1]
    assert "1001001820442" not in par_prestation  # l'inscription d'Emma est finie
    assert "1001001820442" in toutes


def test_a_complete_file_is_not_listed_as_incomplete(client_agent, martin):
    dossier_complet_de(martin)

    page = texte(client_agent.get(reverse("admin:dossiers_incomplets"), {"q": "1001001820442"}))

    assert "Aucun dossier incomplet." in page


def test_the_incomplete_files_need_the_permission_to_view_types(client, martin):
    client.force_login(UtilisateurFactory(username="stagiaire", is_staff=True))

    assert client.get(reverse("admin:dossiers_incomplets")).status_code == 403


def test_a_type_valid_n_months_needs_its_duration_in_the_admin(client, admin_user):
    client.force_login(admin_user)

    reponse = client.post(
        reverse("admin:dossiers_typedocument_add"),
        {
            "nom": "Justificatif de domicile",
            "pour": "famille",
            "condition": "toujours",
            "validite": "mois",
            "ordre": 6,
        },
    )

    assert "Indiquez la durée de validité, en mois." in texte(reponse)
    assert not TypeDocument.objects.filter(nom="Justificatif de domicile").exists()


def test_the_agents_groups_can_check_documents(db):
    groupes = creer_groupes()
    agent = UtilisateurFactory(username="eloise", is_staff=True)
    agent.groups.set([groupes[AGENTS], groupes[AGENTS_SANITAIRES]])

    assert agent.has_perm("dossiers.view_piecedossier")
    assert agent.has_perm("dossiers.change_typedocument")
    assert agent.has_perm("dossiers.change_exigencedossier")
    assert not agent.has_perm("dossiers.change_piecedossier")


def test_a_document_withdrawn_has_no_file_to_show(client_agent, dupont):
    piece = PieceDossierFactory(
        famille=dupont, statut=PieceDossier.Statut.RETIREE, fichier=ContentFile(b"", name="x")
    )
    piece.fichier = ""
    piece.save()

    reponse = client_agent.get(reverse("admin:dossiers_piecedossier_change", args=[piece.pk]))

    assert "Aucun fichier (document retiré par la famille)." in texte(reponse)


def test_the_incomplete_files_hold_in_twelve_queries(client_agent, django_assert_max_num_queries):
    from tests.factories import EnfantFactory, ResponsableFactory

    for _ in range(20):
        famille = ResponsableFactory().famille
        EnfantFactory(famille=famille)
        PieceDossierFactory(famille=famille)

    with django_assert_max_num_queries(12):
        reponse = client_agent.get(reverse("admin:dossiers_incomplets"))

    assert len(reponse.context["lignes"]) == 20


def test_a_prestation_requirement_is_set_in_the_admin_and_links_to_its_families(
    client_agent,
):
    from dossiers.models import ExigenceDossier

    prestation = PrestationFactory(nom="ALSH Vacances journée")

    client_agent.post(
        reverse("admin:dossiers_exigencedossier_add"),
        {"prestation": prestation.pk, "dossier_complet_requis": "on"},
    )
    liste = client_agent.get(reverse("admin:dossiers_exigencedossier_changelist"))

    exigence = ExigenceDossier.objects.get()
    assert exigence.prestation == prestation
    assert exigence.dossier_complet_requis
    assert not exigence.certification_requise
    url = reverse("admin:dossiers_incomplets") + f"?prestation={prestation.pk}"
    assert url in liste.content.decode()
