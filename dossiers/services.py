"""Le dossier annuel : déposer un document, le décider, certifier la fiche ; et ce que les
réservations demandent au dossier avant d'accepter une famille.

Le dépôt d'un document est aussi une Demande au service : `dossiers/documents.py` appelle ces
fonctions (celles-ci ne dépendent jamais des demandes). Le service des réservations appelle
`dossier_bloque_reservation` (documents et certification exigés par la prestation).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from dossiers import lectures
from dossiers.etat import (
    annee_a_certifier,
    documents_manquants,
    etapes_de_la_certification,
    exigences_du_dossier,
)
from dossiers.models import CertificationAnnuelle, PieceDossier
from familles.models import Famille


class DossierImpossible(Exception):
    """Un dépôt ou une décision refusée ; le message, en français, se montre tel quel."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _pour_qui(type_document, enfant):
    return f"« {type_document.nom} »" + (f" de {enfant.prenom}" if enfant else "")


def _verifier_depot(*, famille, type_document, enfant, date_document, au):
    if not type_document.actif:
        raise DossierImpossible("Ce document n'est plus demandé par le service enfance.")
    if type_document.par_enfant != (enfant is not None):
        raise DossierImpossible(
            "Indiquez pour quel enfant est ce document."
            if type_document.par_enfant
            else "Ce document concerne toute la famille, pas un enfant."
        )
    if enfant is not None and enfant.famille_id != famille.pk:
        raise DossierImpossible("Cet enfant n'est pas de votre famille.")
    if date_document > au:
        raise DossierImpossible("La date du document ne peut pas être dans le futur.")
    fin = type_document.fin_de_validite(date_document)
    if fin is not None and fin < au:
        raise DossierImpossible(
            f"Un document daté du {date_document:%d/%m/%Y} n'est plus valable (il l'était "
            f"jusqu'au {fin:%d/%m/%Y}) : déposez un document plus récent."
        )


@transaction.atomic
def deposer_piece(*, famille, type_document, enfant, fichier, date_document, par, au=None):
    """Enregistre le document déposé, en attente de vérification, et son fichier.

    Jamais deux documents en attente pour le même type (et le même enfant) : la famille attend
    la décision du service, ou retire le premier. Le fichier n'est rangé qu'une fois tout
    vérifié ; si l'enregistrement échoue ensuite, il est effacé : rien ne reste à moitié."""
    au = au or timezone.localdate()
    _verifier_depot(
        famille=famille,
        type_document=type_document,
        enfant=enfant,
        date_document=date_document,
        au=au,
    )
    # Deux dépôts simultanés de la même famille (double clic) passent l'un après l'autre.
    list(Famille.objects.select_for_update().filter(pk=famille.pk).values_list("pk"))
    deja = PieceDossier.objects.filter(
        famille=famille,
        type_document=type_document,
        enfant=enfant,
        statut=PieceDossier.Statut.EN_ATTENTE,
    ).first()
    if deja is not None:
        raise _deja_en_attente(type_document, enfant, deja.deposee_le)
    piece = PieceDossier(
        famille=famille,
        type_document=type_document,
        enfant=enfant,
        date_document=date_document,
        deposee_par=par,
    )
    piece.fichier.save(fichier.name, fichier, save=False)
    try:
        with transaction.atomic():
            piece.save()
    except IntegrityError as erreur:  # un dépôt simultané a gagné (contrainte « une seule »)
        piece.fichier.delete(save=False)
        raise _deja_en_attente(type_document, enfant, timezone.now()) from erreur
    except Exception:
        piece.fichier.delete(save=False)
        raise
    return piece


def _deja_en_attente(type_document, enfant, deposee_le):
    return DossierImpossible(
        f"Un document {_pour_qui(type_document, enfant)} déposé le "
        f"{timezone.localtime(deposee_le):%d/%m/%Y} est déjà en cours de vérification : "
        "attendez la réponse du service enfance, ou retirez-le dans la Liste des demandes "
        "avant d'en déposer un autre. Rien n'a été enregistré."
    )


def _verrouiller_en_attente(piece):
    piece = (
        PieceDossier.objects.select_for_update().select_related("type_document").get(pk=piece.pk)
    )
    if piece.statut != PieceDossier.Statut.EN_ATTENTE:
        raise DossierImpossible(
            f"Ce document n'est plus en attente : il est « {piece.get_statut_display()} »."
        )
    return piece


@transaction.atomic
def accepter_piece(*, piece, agent):
    """Le service accepte le document : il vaut jusqu'à la fin de sa validité."""
    piece = _verrouiller_en_attente(piece)
    piece.statut = PieceDossier.Statut.ACCEPTEE
    piece.valable_jusquau = piece.type_document.fin_de_validite(piece.date_document)
    piece.decidee_par = agent
    piece.decidee_le = timezone.now()
    piece.save()
    return piece


@transaction.atomic
def refuser_piece(*, piece, agent, motif):
    """Le service refuse le document, avec un motif que la famille lira."""
    motif = (motif or "").strip()
    if not motif:
        raise DossierImpossible("Indiquez le motif du refus : la famille le lira.")
    piece = _verrouiller_en_attente(piece)
    piece.statut = PieceDossier.Statut.REFUSEE
    piece.motif_refus = motif
    piece.decidee_par = agent
    piece.decidee_le = timezone.now()
    piece.save()
    return piece


@transaction.atomic
def retirer_piece(*, piece, par):
    """La famille retire un document encore en attente ; son fichier est effacé du stockage
    une fois le retrait enregistré."""
    piece = _verrouiller_en_attente(piece)
    fichier, stockage = piece.fichier.name, piece.fichier.storage
    piece.statut = PieceDossier.Statut.RETIREE
    piece.fichier = ""
    piece.save(update_fields=["statut", "fichier"])
    if fichier:
        transaction.on_commit(lambda: stockage.delete(fichier))
    return piece


# --- Ce que demandent les réservations -------------------------------------------------------


def dossier_complet(*, famille, au):
    """Vrai quand chaque document obligatoire de la famille est accepté et valable au jour dit."""
    return not [
        e for e in exigences_du_dossier(famille=famille, au=au) if e.obligatoire and not e.complete
    ]


def certification_a_faire(*, famille, au):
    """Vrai tant que la famille n'a pas confirmé sa fiche pour l'année scolaire du jour dit."""
    annee, _ = annee_a_certifier(au)
    return not lectures.certifiee(famille_id=famille.pk, annee=annee)


def dossier_bloque_reservation(*, famille, prestation, au):
    """Pourquoi la famille ne peut pas encore réserver la prestation pour le jour `au` (en
    français, tel qu'on le montre), ou None. La prestation l'exige dans son réglage
    (ExigenceDossier) : un dossier complet, une fiche certifiée pour l'année scolaire."""
    # Lue à jour, dans la transaction de la réservation.
    exigences = lectures.exigence_de_la_prestation(prestation_id=prestation.pk)
    if not exigences:
        return None
    exigence = exigences[0]
    if exigence.dossier_complet_requis:
        exigences = [
            e
            for e in exigences_du_dossier(famille=famille, au=au)
            if e.obligatoire and not e.complete
        ]
        if exigences:
            attente = [e.libelle for e in exigences if e.en_attente is not None]
            manque = [e.libelle for e in documents_manquants(exigences)]
            details = []
            if manque:
                details.append("à fournir : " + ", ".join(manque))
            if attente:
                details.append("en cours de vérification : " + ", ".join(attente))
            return (
                f"« {prestation.nom} » demande un dossier complet, et celui de votre famille "
                f"ne l'est pas au {au:%d/%m/%Y} ({' ; '.join(details)}). Vous pourrez réserver "
                "dès que le service enfance aura accepté ces documents (« Mon dossier »)."
            )
    if exigence.certification_requise and certification_a_faire(famille=famille, au=au):
        _, libelle = annee_a_certifier(au)
        return (
            f"« {prestation.nom} » demande que vous confirmiez d'abord les informations de votre "
            f"famille pour l'année scolaire {libelle} (« Mon dossier »)."
        )
    return None


# --- La certification annuelle ---------------------------------------------------------------


def etapes_de_la_famille(famille):
    return etapes_de_la_certification(famille.enfants.order_by("date_naissance", "prenom"))


@transaction.atomic
def confirmer_page(*, famille, cle, par, au=None):
    """La famille confirme une page de sa fiche pour l'année scolaire du jour ; la dernière
    page confirmée certifie l'année (qui, quand). Renvoie la certification."""
    au = au or timezone.localdate()
    etapes = [etape.cle for etape in etapes_de_la_famille(famille)]
    if cle not in etapes:
        raise DossierImpossible("Cette page ne fait pas partie de votre fiche.")
    annee, _ = annee_a_certifier(au)
    list(Famille.objects.select_for_update().filter(pk=famille.pk).values_list("pk"))
    certification, _ = CertificationAnnuelle.objects.get_or_create(famille=famille, annee=annee)
    if cle not in certification.pages_confirmees:
        certification.pages_confirmees = [*certification.pages_confirmees, cle]
    if not certification.est_certifiee and set(etapes) <= set(certification.pages_confirmees):
        certification.certifiee_le = timezone.now()
        certification.certifiee_par = par
    certification.save()
    return certification
