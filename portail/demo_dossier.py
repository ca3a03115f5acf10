"""La démonstration de « Mon dossier » : les Dupont ont fait accepter l'attestation d'assurance
de Lucas, attendent la vérification de sa fiche sanitaire, ont vu refuser la décision sur la
garde (illisible) et n'ont pas encore déposé le justificatif du quotient familial ; le dossier
de Léa est complet.

Appelée par `construire_demo()` ; idempotente comme elle (chaque pièce se retrouve par sa
famille, son type et son enfant). Les types de documents viennent de la migration des dossiers.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from demandes.models import Demande
from dossiers.models import PieceDossier, TypeDocument
from portail.demo_outils import enregistrer, instant, pdf_simple

ASSURANCE = "Attestation d'assurance"
FICHE_SANITAIRE = "Fiche sanitaire et vaccinations"
GARDE = "Décision de justice sur la garde"
MOTIF_GARDE = (
    "Le jugement transmis est illisible et incomplet (une seule page) : merci de déposer une "
    "copie complète et lisible."
)


def construire_dossiers(*, dupont, lucas, lea, agent, aujourdhui, maintenant):
    """Les pièces des Dupont et leurs demandes, décidées ou en attente."""

    types = {t.nom: t for t in TypeDocument.objects.all()}
    jean = dupont.titulaire.utilisateur
    hier = aujourdhui - datetime.timedelta(days=1)
    il_y_a_cinq_jours = aujourdhui - datetime.timedelta(days=5)
    il_y_a_un_mois = aujourdhui - datetime.timedelta(days=30)
    pieces = (
        # type, enfant, fichier, date du document, déposé le, statut
        (ASSURANCE, lucas, "assurance-lucas.pdf", il_y_a_un_mois, il_y_a_un_mois, "acceptee"),
        (FICHE_SANITAIRE, lucas, "fiche-sanitaire-lucas.pdf", hier, aujourdhui, "en_attente"),
        (GARDE, None, "jugement.pdf", il_y_a_un_mois, il_y_a_cinq_jours, "refusee"),
        # Léa, inscrite depuis l'été : son dossier est complet.
        (ASSURANCE, lea, "assurance-lea.pdf", il_y_a_un_mois, il_y_a_un_mois, "acceptee"),
        (
            FICHE_SANITAIRE,
            lea,
            "fiche-sanitaire-lea.pdf",
            il_y_a_un_mois,
            il_y_a_un_mois,
            "acceptee",
        ),
    )
    type_piece = ContentType.objects.get_for_model(PieceDossier)
    for nom, enfant, fichier, date_document, depot, statut in pieces:
        type_document = types.get(nom)
        if type_document is None:  # le service a renommé ou retiré le type : rien à montrer
            continue
        chemin = f"dossiers/{dupont.pk}/demo/{fichier}"
        if not default_storage.exists(chemin):
            contenu = pdf_simple([nom, "", f"Famille DUPONT — {date_document:%d/%m/%Y}"])
            chemin = default_storage.save(chemin, ContentFile(contenu))
        decidee = statut != PieceDossier.Statut.EN_ATTENTE
        depose = min(instant(depot, 20, 10), maintenant)
        decision = (
            min(instant(depot + datetime.timedelta(days=1), 9, 30), maintenant) if decidee else None
        )
        motif = MOTIF_GARDE if statut == PieceDossier.Statut.REFUSEE else ""
        piece = enregistrer(
            PieceDossier,
            {"famille": dupont, "type_document": type_document, "enfant": enfant},
            fichier=chemin,
            date_document=date_document,
            deposee_le=depose,
            deposee_par=jean,
            statut=statut,
            valable_jusquau=(
                type_document.fin_de_validite(date_document)
                if statut == PieceDossier.Statut.ACCEPTEE
                else None
            ),
            decidee_par=agent if decidee else None,
            decidee_le=decision,
            motif_refus=motif,
        )
        enregistrer(
            Demande,
            {
                "famille": dupont,
                "type": Demande.Type.DOCUMENT,
                "cible_type": type_piece,
                "cible_id": piece.pk,
            },
            statut=statut,
            enfant=enfant,
            valeurs_actuelles={},
            valeurs_demandees={
                "type_document": nom,
                "date_document": date_document.isoformat(),
                "fichier": piece.nom_fichier,
            },
            demandeur=jean,
            date_demande=depose,
            decidee_par=agent if decidee else None,
            decidee_le=decision,
            motif_refus=motif,
        )
