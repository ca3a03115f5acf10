"""Une famille ne voit que ses données : chaque page du portail qui prend un identifiant, demandée
par la famille Martin pour un objet de la famille Dupont, répond 404 — en GET comme en POST — et
rien ne s'écrit.

Le test parcourt toutes les routes du portail : une route nouvelle qui prend un paramètre et
n'est déclarée ni dans objets_de_dupont() ni dans SANS_OBJET_DE_FAMILLE le fait échouer.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import URLResolver, get_resolver, reverse

from demandes.models import Demande
from enfants.models import Journee
from facturation.models import Reglement
from familles.models import Famille, Message

# Les routes dont le paramètre n'est pas l'identifiant d'un objet d'une famille, et pourquoi.
SANS_OBJET_DE_FAMILLE = {
    "mot_de_passe_reinitialiser": "un jeton signé de réinitialisation",
    "confirmer_compte": "un jeton signé de création de compte",
    "formulaire": "un formulaire publié pour toutes les familles",
    "paiement_notification": "la référence de transaction que vérifie la passerelle",
    "paiement_retour": "la référence de transaction que vérifie la passerelle",
    "agenda": "le jeton secret et révocable de l'agenda",
    "demande_bloc_famille": "un bloc de Mon compte, toujours celui de la famille connectée",
    "demande_bloc": "un bloc de Mon compte, toujours celui de la famille connectée",
    "certification_etape": "une page de la certification de la famille connectée",
    "certification_confirmer": "une page de la certification de la famille connectée",
    "facture_pdf_agent": "réservée au personnel (testée à part)",
}
JOUR = "2026-12-09"


def objets_de_dupont(dupont):
    """Pour chaque route, les paramètres qui désignent un objet de la famille Dupont."""
    lucas = dupont.enfants.get(prenom="Lucas")
    prestation = lucas.inscriptions.first().prestation_id
    message = Message.objects.filter(famille=dupont).first()
    avec_piece_jointe = Message.objects.filter(famille=dupont).exclude(piece_jointe="").first()
    facture = dupont.factures.first()
    demande = dupont.demandes.first()
    personne = lucas.personnes_autorisees.first()
    vaccin = lucas.vaccinations.first()
    piece = dupont.pieces_dossier.first()
    enfant = {"pk": lucas.pk}
    cellule = {"pk": lucas.pk, "prestation_pk": prestation, "jour": JOUR}
    return {
        "message": {"pk": message.pk},
        "repondre": {"pk": message.pk},
        "piece_jointe": {"pk": avec_piece_jointe.pk},
        "facture_pdf": {"pk": facture.pk},
        "attestation_fiscale_pdf": {"pk": dupont.attestations_fiscales.first().pk},
        "payer_facture": {"pk": facture.pk},
        "retirer_demande": {"pk": demande.pk},
        "enfant_identite": enfant,
        "enfant_personnes": enfant,
        "enfant_personne_modifier": {"pk": lucas.pk, "personne_pk": personne.pk},
        "enfant_personne_retirer": {"pk": lucas.pk, "personne_pk": personne.pk},
        "enfant_sanitaire": enfant,
        "enfant_vaccin_ajouter": enfant,
        "enfant_vaccin_modifier": {"pk": lucas.pk, "vaccin_pk": vaccin.pk},
        "enfant_vaccin_retirer": {"pk": lucas.pk, "vaccin_pk": vaccin.pk},
        "enfant_autorisations": enfant,
        "enfant_planning": enfant,
        "enfant_planning_periode": enfant,
        "enfant_agenda_creer": enfant,
        "enfant_agenda_revoquer": enfant,
        "enfant_planning_jour": cellule,
        "enfant_planning_reserver": cellule,
        "enfant_planning_annuler": cellule,
        "enfant_planning_absence": cellule,
        "fichier_piece": {"pk": piece.pk},
    }


def routes_avec_parametre():
    """(nom, motif) de chaque route du portail des familles qui prend un paramètre."""

    def parcourir(motifs, prefixe=""):
        for motif in motifs:
            if isinstance(motif, URLResolver):
                if str(motif.pattern).startswith("admin/"):
                    continue
                yield from parcourir(motif.url_patterns, prefixe + str(motif.pattern))
            elif "<" in str(motif.pattern):
                yield motif.name, prefixe + str(motif.pattern)

    return sorted(parcourir(get_resolver().url_patterns))


@pytest.fixture
def demonstration(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG = True
    call_command("demo", verbosity=0)
    settings.DEBUG = False
    dupont = Famille.objects.get(numero="1001001819331")
    Message.objects.create(
        famille=dupont,
        sens=Message.Sens.VERS_SERVICE,
        sujet="Certificat médical",
        corps="Voici le certificat de Lucas.",
        piece_jointe=ContentFile(b"%PDF-1.4\n%%EOF\n", name="certificat.pdf"),
    )
    return dupont


def test_chaque_route_a_parametre_est_classee(demonstration):
    objets = objets_de_dupont(demonstration)
    oubliees = [
        f"{nom} ({motif})"
        for nom, motif in routes_avec_parametre()
        if nom not in objets and nom not in SANS_OBJET_DE_FAMILLE
    ]
    assert not oubliees, (
        "Ces routes prennent un paramètre sans test d'isolation : ajoutez-les à "
        f"objets_de_dupont() ou à SANS_OBJET_DE_FAMILLE : {oubliees}"
    )


def test_la_famille_martin_recoit_404_sur_chaque_objet_de_dupont(client, demonstration):
    objets = objets_de_dupont(demonstration)
    martin = Famille.objects.get(numero="1001001820442")
    client.force_login(martin.titulaire.utilisateur)
    comptes = (
        Demande.objects.count(),
        Message.objects.count(),
        Journee.objects.count(),
        Reglement.objects.count(),
    )
    echecs = []
    for nom, _motif in routes_avec_parametre():
        if nom in SANS_OBJET_DE_FAMILLE:
            continue
        parametres = objets[nom]
        url = reverse(nom, kwargs=parametres)
        lecture = client.get(url)
        ecriture = client.post(url, {"motif": "Malade", "email": "x@exemple.fr"})
        # Une route en POST seul peut répondre 405 au GET : l'autre méthode doit alors dire 404.
        statuts = {lecture.status_code, ecriture.status_code}
        if not statuts <= {404, 405} or 404 not in statuts:
            echecs.append(f"{nom} {url} : GET {lecture.status_code}, POST {ecriture.status_code}")
    assert not echecs, "\n".join(echecs)
    assert comptes == (
        Demande.objects.count(),
        Message.objects.count(),
        Journee.objects.count(),
        Reglement.objects.count(),
    )


def test_le_pdf_reserve_au_personnel_est_refuse_aux_familles(client, demonstration):
    martin = Famille.objects.get(numero="1001001820442")
    client.force_login(martin.titulaire.utilisateur)
    facture = demonstration.factures.first()
    reponse = client.get(reverse("facture_pdf_agent", args=[facture.pk]))
    assert reponse.status_code in (302, 403, 404)
    assert reponse.get("Content-Type", "") != "application/pdf"


def test_la_famille_dupont_atteint_chacun_de_ses_objets(client, demonstration):
    """Le témoin : les mêmes adresses ne répondent pas 404 à leur propriétaire, si bien que
    les 404 de la famille Martin viennent de l'isolation, pas d'une adresse fausse."""
    objets = objets_de_dupont(demonstration)
    client.force_login(demonstration.titulaire.utilisateur)
    introuvables = []
    for nom, _motif in routes_avec_parametre():
        if nom in SANS_OBJET_DE_FAMILLE:
            continue
        url = reverse(nom, kwargs=objets[nom])
        if client.get(url).status_code == 404:
            introuvables.append(f"{nom} {url}")
    assert not introuvables, "\n".join(introuvables)
