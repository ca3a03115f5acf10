"""Le paiement en ligne d'une facture, quelle que soit la passerelle (PayFiP ou son simulateur).

Le parcours : `commencer_paiement` crée la TransactionEnLigne et donne l'adresse de la
passerelle ; la notification (de serveur à serveur) et le retour du navigateur passent tous deux
par `confirmer_paiement`, qui fait confirmer le résultat par la passerelle avant de rien
enregistrer. La ligne de la transaction est verrouillée (select_for_update) et le règlement lui
est lié une fois pour toutes : dix notifications, ou la notification et le retour ensemble,
ne font qu'un règlement.

Une passerelle a deux méthodes :
- `demarrer(transaction, *, url_notification, url_retour)` → (idop, adresse où envoyer le parent) ;
- `verifier(donnees)` → une `Verification` (statut, montant, idop), ou `ReponseInvalide`.
"""

import datetime
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction as db_transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from commun.requetes import compilee
from facturation.models import ZERO, Facture, Reglement, TransactionEnLigne
from facturation.services import enregistrer_reglement

logger = logging.getLogger(__name__)

Statut = TransactionEnLigne.Statut

# Une transaction en cours depuis moins longtemps bloque un second paiement de la facture.
DUREE_EN_COURS = datetime.timedelta(minutes=20)

PASSERELLES = {
    "simulateur": "facturation.simulateur_payfip.PasserelleSimulateur",
    "payfip_ws": "facturation.paiement.PasserellePayfip",
}


class PaiementImpossible(Exception):
    """La facture ne se paie pas en ligne ; le message s'adresse au parent."""


class ReponseInvalide(Exception):
    """Une réponse de la passerelle mal formée, inconnue ou incohérente (un 400, jamais un 500)."""


@dataclass
class Verification:
    statut: str  # une valeur de TransactionEnLigne.Statut
    idop: str
    montant: Decimal | None = None
    reference_passerelle: str = ""
    detail: str = ""


def passerelle():
    """La passerelle choisie par settings.PAYFIP_BACKEND."""
    return import_string(PASSERELLES[settings.PAYFIP_BACKEND])()


# --- Ce qui se paie --------------------------------------------------------------------------


def raison_de_refus(facture, *, maintenant=None):
    """Pourquoi la facture ne se paie pas en ligne maintenant (texte en français), ou ""."""
    maintenant = maintenant or timezone.now()
    reste = getattr(facture, "reste_a_payer", None)
    if reste is None:
        reste = Facture.objects.avec_reste_a_payer().get(pk=facture.pk).reste_a_payer
    if (
        reste <= 0
        and facture.affectations.filter(reglement__mode=Reglement.Mode.TITRE_EMIS).exists()
    ):
        return (
            f"La facture {facture.numero} a été transmise au Trésor public : son recouvrement "
            "ne relève plus de la régie de recettes. Rapprochez-vous de la "
            f"{settings.COLLECTIVITE['tresorerie']}."
        )
    raison = facture.raison_de_ne_pas_payer_en_ligne(maintenant, reste_a_payer=reste)
    if raison:
        return raison
    if _transactions_en_cours(maintenant).filter(facture=facture).exists():
        return (
            f"Un paiement de la facture {facture.numero} est déjà en cours. Attendez son "
            "résultat (quelques minutes) avant de recommencer."
        )
    return ""


def factures_payables(*, famille, factures, maintenant=None):
    """Les id de celles des `factures` de la famille (déjà chargées) dont le bouton « Payer en
    ligne » s'affiche. Une transaction en cours ne cache pas le bouton : la page de paiement
    l'explique.

    Le reste à payer n'est lu (une requête) que pour les factures que rien d'autre n'exclut :
    émises, échéance non passée, famille sans prélèvement automatique ; souvent aucune."""
    maintenant = maintenant or timezone.now()
    aujourdhui = timezone.localdate(maintenant)
    candidates = {
        facture.pk
        for facture in factures
        if facture.genre == Facture.Genre.FACTURE
        and facture.date_facture <= aujourdhui
        and maintenant < facture.fin_du_paiement_en_ligne()
    }
    if not candidates or famille.prelevement_automatique:
        return set()
    impayees = _impayees_a_echoir(famille_id=famille.pk, au=aujourdhui)
    return {
        facture.pk
        for facture in impayees
        if facture.pk in candidates and est_payable(facture, famille, maintenant)
    }


@compilee
def _impayees_a_echoir(*, famille_id, au):
    """Les factures impayées de la famille émises au plus tard `au` et dont l'échéance n'est
    pas passée : celles dont le bouton peut s'afficher (une requête compilée une fois, au lieu
    d'un `pk__in` reconstruit à chaque page)."""
    return Facture.objects.impayees().filter(
        famille_id=famille_id, date_facture__lte=au, date_echeance__gte=au
    )


def est_payable(facture, famille, maintenant=None):
    """Vrai si le bouton « Payer en ligne » de la facture (annotée de reste_a_payer) s'affiche ;
    sans requête : `famille` est celle, déjà chargée, de la facture."""
    facture.famille = famille
    return not facture.raison_de_ne_pas_payer_en_ligne(
        maintenant or timezone.now(), reste_a_payer=facture.reste_a_payer
    )


def _transactions_en_cours(maintenant):
    return TransactionEnLigne.objects.filter(
        statut=Statut.EN_COURS, date_creation__gt=maintenant - DUREE_EN_COURS
    )


# --- Le parcours -----------------------------------------------------------------------------


def commencer_paiement(*, facture, email, adresse_absolue):
    """Crée la transaction du reste à payer et renvoie (transaction, adresse de la passerelle).

    `adresse_absolue(chemin)` : l'adresse complète d'un chemin du portail
    (request.build_absolute_uri). Lève PaiementImpossible si la facture ne se paie pas.
    """
    with db_transaction.atomic():
        # Deux clics simultanés : le second attend le premier, puis voit sa transaction en cours.
        facture = (
            Facture.objects.select_for_update(of=("self",))
            .select_related("famille", "regie")
            .get(pk=facture.pk)
        )
        reste = Facture.objects.avec_reste_a_payer().get(pk=facture.pk).reste_a_payer
        facture.reste_a_payer = reste
        raison = raison_de_refus(facture)
        if raison:
            raise PaiementImpossible(raison)
        transaction = TransactionEnLigne(
            facture=facture,
            montant=reste.quantize(ZERO),
            email=email,
            reference=uuid.uuid4().hex,
            passerelle=settings.PAYFIP_BACKEND,
        )
        transaction.noter(Statut.EN_COURS, "demande de paiement")
        transaction.save()
    idop, url = passerelle().demarrer(
        transaction,
        url_notification=adresse_absolue(
            reverse("paiement_notification", args=[transaction.reference])
        ),
        url_retour=adresse_absolue(reverse("paiement_retour", args=[transaction.reference])),
    )
    transaction.idop = idop
    transaction.save(update_fields=["idop", "date_modification"])
    logger.info(
        "Paiement en ligne %s commencé : facture %s, %s €",
        transaction.reference,
        facture.numero,
        transaction.montant,
    )
    return transaction, url


def confirmer_paiement(*, reference, donnees):
    """Fait confirmer par la passerelle la réponse `donnees` (notification ou retour) et
    l'applique à la transaction `reference` ; un paiement confirmé fait un règlement, une fois.

    Lève TransactionEnLigne.DoesNotExist (référence inconnue) ou ReponseInvalide.
    """
    transaction = TransactionEnLigne.objects.get(reference=reference)
    verification = passerelle().verifier(donnees)  # hors verrou : un appel réseau
    with db_transaction.atomic():
        transaction = (
            TransactionEnLigne.objects.select_for_update(of=("self",))
            .select_related("facture__famille", "facture__regie")
            .get(pk=transaction.pk)
        )
        if not transaction.idop or verification.idop != transaction.idop:
            raise ReponseInvalide(
                f"idop {verification.idop!r} étranger à la transaction {reference}"
            )
        if transaction.statut == Statut.PAYEE or verification.statut == transaction.statut:
            return transaction  # déjà traitée : une notification rejouée ne change rien
        if verification.statut == Statut.PAYEE:
            montant = verification.montant
            # Un NaN de signalisation lève une exception à la comparaison : le refuser avant.
            if montant is None or not montant.is_finite() or montant != transaction.montant:
                raise ReponseInvalide(
                    f"montant {verification.montant} au lieu de {transaction.montant} "
                    f"pour la transaction {reference}"
                )
            transaction.reglement = _enregistrer_le_reglement(transaction, verification)
        transaction.reference_passerelle = (
            verification.reference_passerelle or transaction.reference_passerelle
        )
        transaction.noter(verification.statut, verification.detail)
        transaction.save()
    logger.info("Paiement en ligne %s : %s", reference, transaction.statut)
    return transaction


def _enregistrer_le_reglement(transaction, verification):
    """Le règlement « Paiement en ligne (PayFiP) », affecté à la facture pour ce qui en reste
    (un paiement reçu après un règlement au guichet reste au crédit de la famille)."""
    facture = transaction.facture
    reste = Facture.objects.avec_reste_a_payer().get(pk=facture.pk).reste_a_payer
    part = min(transaction.montant, max(reste, ZERO))
    return enregistrer_reglement(
        famille=facture.famille,
        regie=facture.regie,
        mode=Reglement.Mode.PAIEMENT_EN_LIGNE,
        montant=transaction.montant,
        date=timezone.localdate(),
        reference=(verification.reference_passerelle or transaction.idop)[:100],
        observations=f"Transaction {transaction.reference}",
        affectations={facture: part} if part > 0 else {},
    )


# --- PayFiP (eopayment, backend payfip_ws) ---------------------------------------------------


class PasserellePayfip:
    """Le service PayFiP de la DGFiP, par eopayment (backend `payfip_ws`)."""

    STATUTS = {
        "PAID": Statut.PAYEE,
        "DENIED": Statut.REFUSEE,
        "CANCELLED": Statut.ABANDONNEE,
        "EXPIRED": Statut.EXPIREE,
        "WAITING": Statut.EN_COURS,
    }

    def _payment(self, options=None):
        import eopayment

        return eopayment.Payment("payfip_ws", {"saisie": settings.PAYFIP_SAISIE, **(options or {})})

    def demarrer(self, transaction, *, url_notification, url_retour):
        facture = transaction.facture
        idop, _, url = self._payment(
            {
                "numcli": facture.regie.payfip_numcli,
                "normal_return_url": url_retour,
                "automatic_return_url": url_notification,
            }
        ).request(
            transaction.montant,
            email=transaction.email,
            refdet=facture.numero,
            exer=str(facture.date_facture.year),
        )
        return idop, url

    def verifier(self, donnees):
        import eopayment

        idop = donnees.get("idop") or donnees.get("idOp") or ""
        if not idop:
            raise ReponseInvalide("réponse PayFiP sans idop")
        try:
            reponse = self._payment().response(f"idop={idop}")
        except eopayment.PaymentException as erreur:
            raise ReponseInvalide(f"PayFiP refuse l'idop {idop!r} : {erreur}") from erreur
        noms = {getattr(eopayment, nom): nom for nom in self.STATUTS}
        statut = self.STATUTS.get(noms.get(reponse.result))
        if statut is None:
            raise ReponseInvalide(f"résultat PayFiP inattendu pour {idop!r} : {reponse.result}")
        montant = (reponse.bank_data or {}).get("montant")
        try:
            montant = (Decimal(montant) / 100).quantize(ZERO) if montant else None
        except (ArithmeticError, TypeError, ValueError) as erreur:
            raise ReponseInvalide(
                f"montant PayFiP illisible pour {idop!r} : {montant!r}"
            ) from erreur
        return Verification(
            statut=statut,
            idop=str(reponse.order_id or idop),
            montant=montant,
            reference_passerelle=reponse.transaction_id or "",
            detail=reponse.bank_status or "",
        )
