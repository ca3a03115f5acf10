"""« Mon dossier » d'un parent : les documents demandés et leur état, le dépôt d'un document
(une demande au service, décidée par valider_demande / refuser_demande), l'Accueil."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from demandes.decisions import refuser_demande, retirer_demande, valider_demande
from demandes.models import Demande
from demandes.services import DemandeImpossible
from dossiers.documents import deposer_document
from dossiers.models import CertificationAnnuelle, PieceDossier
from dossiers.models import annee_scolaire as annee_de
from familles.fichiers import TAILLE_MAX_PIECE_JOINTE
from tests.dossiers.fabriques import (
    ASSURANCE,
    FAUX_PDF,
    GARDE,
    PDF,
    PNG,
    QUOTIENT,
    SANITAIRE,
    PieceDossierFactory,
    aujourdhui,
    fichier,
    jours,
    piece_acceptee,
    type_document,
)
from tests.outils import texte


@pytest.fixture(autouse=True)
def stockage_temporaire(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def fichiers_stockes(tmp_path):
    return [f for f in tmp_path.rglob("*") if f.is_file()]


def cle(nom, enfant=None):
    return f"{type_document(nom).pk}-{enfant.pk if enfant else 0}"


def deposer(client, nom=QUOTIENT, enfant=None, **donnees):
    donnees = {
        "document": cle(nom, enfant),
        "date_document": (aujourdhui() - datetime.timedelta(days=2)).isoformat(),
        "fichier": fichier(),
        **donnees,
    }
    return client.post(reverse("mon_dossier"), donnees, follow=True)


def depot(famille, nom=QUOTIENT, enfant=None):
    return deposer_document(
        famille=famille,
        type_document=type_document(nom),
        enfant=enfant,
        fichier=fichier(),
        date_document=aujourdhui(),
        par=famille.titulaire.utilisateur,
    )


# --- La page ---------------------------------------------------------------------------------


def test_mon_dossier_lists_each_document_asked_with_its_state(client_dupont, dupont):
    lucas = dupont.enfants.get()
    piece_acceptee(dupont, ASSURANCE, lucas, jusqu_au=jours(100))
    PieceDossierFactory(
        famille=dupont,
        type_document=type_document(SANITAIRE),
        enfant=lucas,
        statut=PieceDossier.Statut.REFUSEE,
        motif_refus="Les vaccins ne sont pas lisibles.",
        decidee_le=timezone.now(),
    )

    page = texte(client_dupont.get(reverse("mon_dossier")))

    fin = jours(100).strftime("%d/%m/%Y")
    assert f"{QUOTIENT} À fournir" in page
    assert f"{ASSURANCE} — Lucas Accepté" in page
    assert f"valable jusqu'au {fin}" in page
    assert f"{SANITAIRE} — Lucas Refusé" in page
    assert "Motif : Les vaccins ne sont pas lisibles." in page
    assert f"{GARDE} À fournir" in page  # les parents Dupont sont séparés


def test_mon_dossier_shows_expired_and_expiring_documents(client_dupont, dupont):
    lucas = dupont.enfants.get()
    piece_acceptee(dupont, QUOTIENT, jusqu_au=jours(-1))
    piece_acceptee(dupont, ASSURANCE, lucas, jusqu_au=jours(20))

    page = texte(client_dupont.get(reverse("mon_dossier")))

    assert f"{QUOTIENT} Expiré" in page
    assert f"Expiré depuis le {jours(-1):%d/%m/%Y}" in page
    assert "Il expire bientôt : déposez le nouveau document." in page


def test_mon_dossier_shows_only_the_family_documents(client_martin, dupont):
    PieceDossierFactory(famille=dupont, fichier=fichier("jugement-dupont.pdf"))

    page = texte(client_martin.get(reverse("mon_dossier")))

    assert GARDE not in page
    assert "jugement-dupont" not in page
    assert "Aucun document reçu." in page


def test_mon_dossier_asks_an_anonymous_visitor_to_log_in(client):
    reponse = client.get(reverse("mon_dossier"))

    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("connexion"))


def test_mon_dossier_holds_in_twelve_queries(client_dupont, dupont, django_assert_max_num_queries):
    from tests.factories import EnfantFactory

    for prenom in ("Léa", "Hugo", "Zoé", "Tom"):
        enfant = EnfantFactory(famille=dupont, prenom=prenom)
        PieceDossierFactory(famille=dupont, type_document=type_document(ASSURANCE), enfant=enfant)
        piece_acceptee(dupont, SANITAIRE, enfant, jusqu_au=jours(40))

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("mon_dossier"))

    assert f"{ASSURANCE} — Tom Reçu, en cours de vérification" in texte(reponse)


# --- Déposer ---------------------------------------------------------------------------------


def test_a_deposit_is_a_request_that_appears_in_the_list_of_requests(client_dupont, dupont):
    lucas = dupont.enfants.get()

    reponse = deposer(client_dupont, ASSURANCE, lucas, fichier=fichier("Assurance Lucas.PDF"))

    assert "Votre document a été transmis au service enfance" in texte(reponse)
    piece = PieceDossier.objects.get()
    assert piece.nom_fichier.startswith("Assurance_Lucas")
    demande = Demande.objects.get()
    assert demande.type == Demande.Type.DOCUMENT
    assert demande.statut == Demande.Statut.EN_ATTENTE
    assert demande.enfant == lucas
    assert demande.cible == piece
    assert f"{ASSURANCE} — Lucas Reçu, en cours de vérification" in texte(reponse)
    liste = texte(client_dupont.get(reverse("demandes"), {"onglet": "dossier"}))
    assert "Document du dossier (Lucas)" in liste
    assert f"Document : {ASSURANCE}" in liste


def test_an_image_is_accepted_from_its_content_whatever_its_name(client_dupont, dupont):
    deposer(client_dupont, fichier=fichier("photo.pdf", PNG, "application/pdf"))

    assert PieceDossier.objects.get().nom_fichier == "photo.png"


@pytest.mark.parametrize(
    ("contenu", "erreur"),
    [
        (FAUX_PDF, "Ce fichier n'est ni un PDF, ni une image PNG ou JPEG"),
        (PDF + b"0" * TAILLE_MAX_PIECE_JOINTE, "Le fichier dépasse 5 Mo"),
        (b"", "Le fichier envoyé est vide."),
    ],
)
def test_a_bad_file_is_refused_in_french_and_nothing_is_stored(
    client_dupont, dupont, tmp_path, contenu, erreur
):
    reponse = deposer(client_dupont, fichier=fichier("attestation.pdf", contenu))

    page = texte(reponse)
    assert erreur in page
    assert "Par sécurité, le fichier choisi n'est pas gardé" in page
    assert not PieceDossier.objects.exists()
    assert not Demande.objects.exists()
    assert not fichiers_stockes(tmp_path)


def test_a_deposit_without_file_date_or_document_says_what_is_missing(client_dupont, dupont):
    reponse = client_dupont.post(reverse("mon_dossier"), {}, follow=True)

    page = texte(reponse)
    assert "Choisissez le document que vous déposez." in page
    assert "Indiquez la date inscrite sur le document." in page
    assert "Choisissez le fichier à envoyer." in page
    assert not PieceDossier.objects.exists()


def test_the_deposit_form_links_each_error_to_its_field(client_dupont, dupont):
    # Le formulaire est rendu par crispy-forms (Bootstrap 5), comme les autres formulaires.
    reponse = client_dupont.post(
        reverse("mon_dossier"), {"document": "inconnu", "date_document": "31/02/2020"}
    )

    html = reponse.content.decode()
    champ = html[html.index('<div id="div_id_document"') :].split('<div id="div_id_date')[0]
    assert 'aria-invalid="true"' in champ
    assert 'aria-describedby="id_document_error"' in champ
    assert '<div id="id_document_error" class="invalid-feedback">' in champ
    assert "Choisissez un document de la liste." in champ
    assert 'class="select form-select is-invalid"' in champ
    assert "Indiquez une date valable, par exemple 01/09/2025." in texte(reponse)
    assert '<div id="id_fichier_error" class="invalid-feedback">' in html


def test_the_deposit_form_labels_are_the_exact_names_of_the_fields(client_dupont, dupont):
    # « Tous les champs sont obligatoires » est écrit au-dessus : pas d'astérisque dans le
    # libellé, le nom accessible de chaque champ reste son libellé exact
    # (templates/bootstrap5/field.html surcharge celui de crispy-bootstrap5).
    html = client_dupont.get(reverse("mon_dossier")).content.decode()

    for nom, libelle in [("document", "Document"), ("date_document", "Date du document")]:
        etiquette = rf'<label\s+for="id_{nom}" class="form-label requiredField">\s*{libelle}\s*<'
        assert re.search(etiquette, html)
    assert "asteriskField" not in html
    assert 'id="id_date_document_helptext" class="form-text"' in html


def test_the_names_in_the_document_list_are_escaped(client_dupont, dupont):
    lucas = dupont.enfants.get()
    lucas.prenom = "Léa <l'aînée>"
    lucas.save()

    html = client_dupont.get(reverse("mon_dossier")).content.decode()

    assert "<l'aînée>" not in html
    assert "Léa &lt;l&#x27;aînée&gt;</option>" in html


def test_a_successful_deposit_lands_on_the_page_without_any_anchor(client_dupont, dupont):
    """Une adresse de formulaire avec ancre (« #erreurs ») resterait dans la barre d'adresse
    après la redirection du dépôt réussi : le formulaire n'en a pas, la redirection non plus."""
    html = client_dupont.get(reverse("mon_dossier")).content.decode()
    assert f'action="{reverse("mon_dossier")}" novalidate>' in html
    assert "#erreurs" not in html

    reponse = client_dupont.post(
        reverse("mon_dossier"),
        {
            "document": cle(QUOTIENT),
            "date_document": (aujourdhui() - datetime.timedelta(days=2)).isoformat(),
            "fichier": fichier(),
        },
    )

    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("mon_dossier")


def test_a_deposit_in_error_takes_the_browser_to_the_first_field_in_error(client_dupont, dupont):
    reponse = client_dupont.post(reverse("mon_dossier"), {"document": cle(QUOTIENT)})

    html = reponse.content.decode()
    assert re.search(r'<input type="date" name="date_document"[^>]* autofocus', html)
    assert html.count(" autofocus") == 1


def test_a_document_of_another_family_child_cannot_be_chosen(client_dupont, dupont, martin):
    emma = martin.enfants.get()

    page = texte(deposer(client_dupont, ASSURANCE, emma))

    assert "Choisissez un document de la liste." in page
    assert not PieceDossier.objects.exists()


def test_a_deposit_while_the_same_document_waits_is_refused_and_nothing_is_stored(
    client_dupont, dupont, tmp_path
):
    deposer(client_dupont)

    page = texte(deposer(client_dupont, fichier=fichier("second.pdf")))

    assert "est déjà en cours de vérification" in page
    assert "Rien n'a été enregistré." in page
    assert PieceDossier.objects.count() == 1
    assert Demande.objects.count() == 1
    assert [f.name for f in fichiers_stockes(tmp_path)] == ["attestation.pdf"]


def test_a_file_is_erased_when_its_request_cannot_be_recorded(dupont, tmp_path, monkeypatch):
    def echec(*args, **kwargs):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(Demande.objects, "create", echec)

    with pytest.raises(RuntimeError):
        depot(dupont)

    assert not PieceDossier.objects.exists()
    assert not fichiers_stockes(tmp_path)


# --- Les décisions du service, par le service des demandes -----------------------------------


def test_validating_the_request_accepts_the_document_until_the_end_of_its_validity(dupont, agent):
    demande = depot(dupont)

    valider_demande(demande=demande, agent=agent)

    piece = PieceDossier.objects.get()
    assert piece.statut == PieceDossier.Statut.ACCEPTEE
    assert piece.valable_jusquau == datetime.date(annee_de(aujourdhui()) + 1, 8, 31)
    assert piece.decidee_par == agent
    assert Demande.objects.get().statut == Demande.Statut.ACCEPTEE
    assert dupont.messages.get().sujet == "Votre demande « Document du dossier » a été acceptée"


def test_refusing_the_request_refuses_the_document_with_its_reason(client_dupont, dupont, agent):
    demande = depot(dupont)

    refuser_demande(demande=demande, agent=agent, motif="Ce n'est pas une attestation CAF.")

    piece = PieceDossier.objects.get()
    assert piece.statut == PieceDossier.Statut.REFUSEE
    assert piece.motif_refus == "Ce n'est pas une attestation CAF."
    page = texte(client_dupont.get(reverse("mon_dossier")))
    assert "Motif : Ce n'est pas une attestation CAF." in page
    assert "Déposer un nouveau document : Justificatif du quotient familial" in page


def test_withdrawing_the_request_withdraws_the_document(client_dupont, dupont):
    depot(dupont)
    demande = Demande.objects.get()

    reponse = client_dupont.post(
        reverse("retirer_demande", args=[demande.pk]),
        {"suivant": reverse("mon_dossier")},
        follow=True,
    )

    assert PieceDossier.objects.get().statut == PieceDossier.Statut.RETIREE
    assert f"{QUOTIENT} À fournir" in texte(reponse)
    retirer = Demande.objects.get()
    assert retirer.statut == Demande.Statut.RETIREE


def test_a_health_document_is_decided_only_by_staff_allowed_to(dupont, agent):
    demande = depot(dupont, SANITAIRE, dupont.enfants.get())
    agent.user_permissions.remove(Permission.objects.get(codename="voir_donnees_sanitaires"))

    with pytest.raises(DemandeImpossible, match="agent habilité"):
        valider_demande(demande=demande, agent=agent)
    with pytest.raises(DemandeImpossible, match="agent habilité"):
        refuser_demande(demande=demande, agent=agent, motif="Non.")

    assert PieceDossier.objects.get().statut == PieceDossier.Statut.EN_ATTENTE
    assert Demande.objects.get().statut == Demande.Statut.EN_ATTENTE


def test_a_request_withdrawn_cannot_be_validated(dupont, agent):
    demande = depot(dupont)
    retirer_demande(demande=demande, par=dupont.titulaire.utilisateur)

    with pytest.raises(DemandeImpossible, match="n'est plus en attente"):
        valider_demande(demande=demande, agent=agent)


# --- L'Accueil -------------------------------------------------------------------------------


def test_accueil_shows_what_is_missing_and_what_expires_soon(client_dupont, dupont):
    lucas = dupont.enfants.get()
    piece_acceptee(dupont, ASSURANCE, lucas, jusqu_au=jours(12))

    page = texte(client_dupont.get(reverse("accueil")))

    assert "Documents à déposer :" in page
    assert f"{QUOTIENT} — À fournir" in page
    assert f"{SANITAIRE} — Lucas — À fournir" in page
    assert "Documents qui expirent bientôt :" in page
    assert f"{ASSURANCE} — Lucas — valable jusqu'au {jours(12):%d/%m/%Y}" in page
    assert "Voir mon dossier et déposer un document" in page


def test_accueil_shows_the_certification_banner_until_it_is_done(client_dupont, dupont):
    banniere = "confirmez les informations de votre famille et de vos enfants avant de réserver"
    assert banniere in texte(client_dupont.get(reverse("accueil")))

    CertificationAnnuelle.objects.create(
        famille=dupont, annee=annee_de(aujourdhui()), certifiee_le=timezone.now()
    )

    assert banniere not in texte(client_dupont.get(reverse("accueil")))


def test_accueil_says_the_file_is_complete_when_it_is(client_martin, martin):
    from tests.dossiers.fabriques import dossier_complet_de

    dossier_complet_de(martin)

    page = texte(client_martin.get(reverse("accueil")))

    assert "Dossier complet" in page
    assert "Documents à déposer" not in page


def test_mon_dossier_writes_each_state_with_its_links_and_escaped_texts(client_dupont, dupont):
    # La liste (templates/dossiers/_documents_demandes.html) : chaque état, ses liens,
    # le formulaire de retrait et l'échappement des textes saisis par le service.
    lucas = dupont.enfants.get()
    piece_acceptee(dupont, QUOTIENT, jusqu_au=None)  # valable sans limite de durée
    nouvelle = depot(dupont, QUOTIENT)  # un nouveau document reçu en plus de l'accepté
    attente = depot(dupont, ASSURANCE, lucas)
    PieceDossierFactory(
        famille=dupont,
        type_document=type_document(SANITAIRE),
        enfant=lucas,
        statut=PieceDossier.Statut.REFUSEE,
        motif_refus="Vaccins <illisibles> & incomplets",
        decidee_le=timezone.now(),
    )

    reponse = client_dupont.get(reverse("mon_dossier"))
    html, page = reponse.content.decode(), texte(reponse)

    assert f"{QUOTIENT} Accepté" in page
    assert "valable sans limite de durée." in page
    assert f"Un nouveau document, reçu le {aujourdhui():%d/%m/%Y}, est en cours de" in page
    assert f"{ASSURANCE} — Lucas Reçu, en cours de vérification" in page
    assert f"Reçu le {aujourdhui():%d/%m/%Y} : le service enfance le vérifie." in page
    assert "<strong>Motif :</strong> Vaccins &lt;illisibles&gt; &amp; incomplets" in html
    assert "<illisibles>" not in html
    assert f'href="?document={cle(GARDE)}#deposer">Déposer ce document' in html
    assert f'href="?document={cle(SANITAIRE, lucas)}#deposer">Déposer un nouveau document' in html
    fichier_attente = reverse("fichier_piece", args=[attente.cible_id])
    assert f'<a href="{fichier_attente}" target="_blank" rel="noopener">Voir le document' in html
    assert "(PDF)" in page
    for demande in (nouvelle, attente):
        retirer = reverse("retirer_demande", args=[demande.pk])
        formulaire = html[html.index(f'action="{retirer}"') :].split("</form>")[0]
        assert 'name="csrfmiddlewaretoken"' in formulaire
        assert f'name="suivant" value="{reverse("mon_dossier")}"' in formulaire
        assert "Retirer ce document" in formulaire
