"""Le paiement en ligne d'une facture, quelle que soit la passerelle (PayFiP ou son simulateur).

Le parcours : `commencer_paiement` crée la TransactionEnLigne et donne l'adresse de la
passerelle ; la notification (de serveur à serveur) et le retour du navigateur passent tous deux
par `confirmer_paiement`, qui fait confirmer le résultat par la passerelle avant de rien
enregistrer. La ligne de la transaction est verrouillée (select_for_update) et le règlement lui
est lié une fois pour toutes : dix notifications, ou la notification et le retour ensemble,
ne font qu'un règlement.

L'argent pris est toujours enregistré : une confirmation « payée » pour une transaction déjà
close (refusée, abandonnée, expirée) ou pour une facture déjà réglée (par un autre paiement,
un chèque) fait son règlement, affecté à la facture pour ce qui en reste ; l'excédent devient
un trop-perçu (TropPercu) que la régie rembourse, et la famille en est prévenue.

Un paiement commencé puis laissé sans réponse ne bloque pas la facture : la page de paiement le
dit, et recommencer (en le confirmant) clôt la transaction précédente (« abandonnée ») ; si
PayFiP la confirme malgré tout, la règle ci-dessus s'applique.

Une notification perdue (le portail injoignable à ce moment, le parent qui ferme son navigateur
avant le retour) ne laisse pas la transaction « en cours » : `rapprocher_paiements` (commande du
même nom, toutes les dix minutes) demande à la passerelle ce que sont devenues celles qui le
sont depuis plus de 20 minutes, et applique sa réponse comme une notification.

Une passerelle a trois méthodes :
- `demarrer(transaction, *, url_notification, url_retour)` → (idop, adresse où envoyer le parent) ;
- `verifier(donnees)` → une `Verification` (statut, montant, idop), ou `ReponseInvalide` ;
- `consulter(transaction)` → la `Verification` de ce qu'elle sait de la transaction.
"""

import datetime
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction as db_transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from facturation import formats, lectures
from facturation.models import ZERO, Facture, Reglement, TransactionEnLigne, TropPercu
from facturation.services import enregistrer_reglement
from familles.notifications import notifier_famille

logger = logging.getLogger(__name__)

Statut = TransactionEnLigne.Statut

# Une transaction en cours depuis moins longtemps n'est remplacée que si le parent le confirme.
DUREE_EN_COURS = datetime.timedelta(minutes=20)
# Les statuts d'une transaction close : seul un paiement confirmé (« payée ») la change encore.
CLOS = frozenset({Statut.REFUSEE, Statut.ABANDONNEE, Statut.EXPIREE})

PASSERELLES = {
    "simulateur": "facturation.simulateur_payfip.PasserelleSimulateur",
    "payfip_ws": "facturation.paiement.PasserellePayfip",
}


class PaiementImpossible(Exception):
    """La facture ne se paie pas en ligne ; le message s'adresse au parent."""


class PaiementEnCours(PaiementImpossible):
    """Un paiement de la facture est en cours : le recommencer se confirme (`remplacer`)."""

    def __init__(self, transaction):
        self.transaction = transaction
        super().__init__(
            f"Un paiement de la facture {transaction.facture.numero} est déjà en cours."
        )


class ReponseInvalide(Exception):
    """Une réponse de la passerelle mal formée, inconnue ou incohérente (un 400, jamais un 500)."""


@dataclass
class Verification:
    statut: str  # une valeur de TransactionEnLigne.Statut
    idop: str
    montant: Decimal | None = None
    reference_passerelle: str = ""
    detail: str = ""


def passerelle(nom=None):
    """La passerelle `nom` (« simulateur », « payfip_ws »), par défaut celle que choisit
    settings.PAYFIP_BACKEND."""
    return import_string(PASSERELLES[nom or settings.PAYFIP_BACKEND])()


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
    return facture.raison_de_ne_pas_payer_en_ligne(maintenant, reste_a_payer=reste)


def transaction_en_cours(facture, *, maintenant=None):
    """La transaction de la facture commencée depuis moins de DUREE_EN_COURS et restée sans
    réponse (la plus récente), ou None : la page de paiement l'annonce."""
    maintenant = maintenant or timezone.now()
    return (
        _transactions_en_cours(maintenant)
        .filter(facture=facture)
        .order_by("-date_creation", "-pk")
        .first()
    )


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
    impayees = lectures.impayees_a_echoir(famille_id=famille.pk, au=aujourdhui)
    return {
        facture.pk
        for facture in impayees
        if facture.pk in candidates and est_payable(facture, famille, maintenant)
    }


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


def commencer_paiement(*, facture, email, adresse_absolue, remplacer=""):
    """Crée la transaction du reste à payer et renvoie (transaction, adresse de la passerelle).

    `adresse_absolue(chemin)` : l'adresse complète d'un chemin du portail
    (request.build_absolute_uri). Lève PaiementImpossible si la facture ne se paie pas, et
    PaiementEnCours si une transaction récente est en cours et que `remplacer` n'est pas sa
    référence (le parent n'a pas confirmé vouloir recommencer). Les transactions en cours de
    la facture sont alors closes (« abandonnée ») : une confirmation tardive de l'une d'elles
    reste enregistrée (confirmer_paiement).
    """
    with db_transaction.atomic():
        # Deux clics simultanés : le second attend le premier, puis voit sa transaction en cours
        # (et, sans la confirmation de la page, ne la remplace pas).
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
        recente = transaction_en_cours(facture)
        if recente is not None and recente.reference != remplacer:
            raise PaiementEnCours(recente)
        transaction = TransactionEnLigne(
            facture=facture,
            montant=reste.quantize(ZERO),
            email=email,
            reference=uuid.uuid4().hex,
            passerelle=settings.PAYFIP_BACKEND,
        )
        _clore_les_transactions_en_cours(facture, remplacee_par=transaction)
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


def _clore_les_transactions_en_cours(facture, *, remplacee_par):
    """Les transactions en cours de la facture deviennent « abandonnées » (facture verrouillée)."""
    for ancienne in TransactionEnLigne.objects.select_for_update().filter(
        facture=facture, statut=Statut.EN_COURS
    ):
        ancienne.noter(
            Statut.ABANDONNEE,
            f"remplacée par un nouveau paiement (transaction {remplacee_par.reference})",
        )
        ancienne.save(update_fields=["statut", "historique", "date_modification"])
        logger.info(
            "Paiement en ligne %s abandonné : remplacé par %s",
            ancienne.reference,
            remplacee_par.reference,
        )


def confirmer_paiement(*, reference, donnees):
    """Fait confirmer par la passerelle la réponse `donnees` (notification ou retour) et
    l'applique à la transaction `reference` ; un paiement confirmé fait un règlement, une fois,
    même pour une transaction close ou une facture déjà réglée (l'excédent : un trop-perçu).
    Une transaction close ne change plus que pour « payée ».

    Lève TransactionEnLigne.DoesNotExist (référence inconnue) ou ReponseInvalide.
    """
    transaction = TransactionEnLigne.objects.get(reference=reference)
    verification = passerelle().verifier(donnees)  # hors verrou : un appel réseau
    return appliquer_verification(transaction=transaction, verification=verification)


def appliquer_verification(*, transaction, verification):
    """Applique à la transaction ce que la passerelle en a confirmé (`verification`) : un
    paiement confirmé fait son règlement, une fois ; une transaction close ne change plus que
    pour « payée ». Rend la transaction à jour ; lève ReponseInvalide si la réponse ne lui
    correspond pas (idop, montant)."""
    reference = transaction.reference
    trop_percu = None
    with db_transaction.atomic():
        # La facture d'abord, puis la transaction : l'ordre de commencer_paiement (pas
        # d'interblocage), et deux transactions de la même facture ne se la partagent pas.
        list(Facture.objects.select_for_update().filter(pk=transaction.facture_id).values("pk"))
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
        if transaction.statut in CLOS and verification.statut != Statut.PAYEE:
            return transaction  # close : elle ne redevient pas « en cours »
        if verification.statut == Statut.PAYEE:
            montant = verification.montant
            # Un NaN de signalisation lève une exception à la comparaison : le refuser avant.
            if montant is None or not montant.is_finite() or montant != transaction.montant:
                raise ReponseInvalide(
                    f"montant {verification.montant} au lieu de {transaction.montant} "
                    f"pour la transaction {reference}"
                )
            transaction.reglement, trop_percu = _enregistrer_le_reglement(transaction, verification)
        statut_precedent = transaction.statut
        transaction.reference_passerelle = (
            verification.reference_passerelle or transaction.reference_passerelle
        )
        detail = verification.detail
        if statut_precedent in CLOS:
            detail = f"{detail} (confirmé après « {statut_precedent} »)".strip()
        transaction.noter(verification.statut, detail)
        transaction.save()
    logger.info("Paiement en ligne %s : %s", reference, transaction.statut)
    if trop_percu is not None:
        logger.warning(
            "Paiement en ligne %s : trop-perçu de %s € sur la facture %s (règlement %s), "
            "à rembourser",
            reference,
            trop_percu.montant,
            transaction.facture.numero,
            transaction.reglement.numero,
        )
    return transaction


def _enregistrer_le_reglement(transaction, verification):
    """Le règlement « Paiement en ligne (PayFiP) », affecté à la facture pour ce qui en reste,
    et le trop-perçu de l'excédent, s'il y en a un (la famille en est prévenue) ; rend
    (règlement, trop-perçu ou None). La facture est verrouillée par l'appelant."""
    facture = transaction.facture
    reste = Facture.objects.avec_reste_a_payer().get(pk=facture.pk).reste_a_payer
    part = min(transaction.montant, max(reste, ZERO))
    reglement = enregistrer_reglement(
        famille=facture.famille,
        regie=facture.regie,
        mode=Reglement.Mode.PAIEMENT_EN_LIGNE,
        montant=transaction.montant,
        date=timezone.localdate(),
        reference=(verification.reference_passerelle or transaction.idop)[:100],
        observations=f"Transaction {transaction.reference}",
        affectations={facture: part} if part > 0 else {},
    )
    excedent = transaction.montant - part
    if excedent <= 0:
        return reglement, None
    return reglement, enregistrer_trop_percu(
        reglement=reglement, facture=facture, montant=excedent, reste_a_payer=part
    )


# --- Le rapprochement des paiements restés en cours -----------------------------------------


@dataclass
class Rapprochement:
    """Ce qu'un rapprochement a trouvé : le nombre de transactions par statut après réponse de
    la passerelle, et celles dont la réponse n'a pas pu être lue (réessayées la fois suivante)."""

    par_statut: dict
    erreurs: int = 0

    @property
    def demandees(self):
        return sum(self.par_statut.values()) + self.erreurs

    def __str__(self):
        if not self.demandees:
            return "Paiements en ligne : aucune transaction en cours depuis plus de 20 minutes."
        nombres = ", ".join(
            f"{self.par_statut.get(statut, 0)} {libelle.lower()}"
            for statut, libelle in Statut.choices
        )
        return (
            f"Paiements en ligne : {self.demandees} transaction(s) en cours depuis plus de 20 "
            f"minutes demandée(s) à la passerelle : {nombres} ; {self.erreurs} erreur(s)."
        )


def rapprocher_paiements(*, maintenant=None):
    """Demande à leur passerelle ce que sont devenues les transactions « en cours » depuis plus
    de DUREE_EN_COURS (la notification ne l'a pas dit) et applique sa réponse comme une
    notification (`appliquer_verification`) : un paiement confirmé fait son règlement, une
    seule fois, même si la notification arrive ensuite ; une transaction refusée, abandonnée
    ou expirée est close ; une transaction que la passerelle dit encore en cours le reste, et
    sera redemandée. Une réponse illisible ou une passerelle injoignable est notée au journal
    et laisse la transaction pour la fois suivante. Rend un Rapprochement."""
    maintenant = maintenant or timezone.now()
    par_statut, erreurs = {}, 0
    a_demander = TransactionEnLigne.objects.filter(
        statut=Statut.EN_COURS, date_creation__lte=maintenant - DUREE_EN_COURS
    ).order_by("date_creation", "pk")
    for transaction in a_demander:
        try:
            transaction = _rapprocher(transaction)
        except Exception:  # une transaction ne bloque pas les autres ; le journal le dit
            logger.exception(
                "Paiement en ligne %s : rapprochement impossible", transaction.reference
            )
            erreurs += 1
            continue
        par_statut[transaction.statut] = par_statut.get(transaction.statut, 0) + 1
    rapprochement = Rapprochement(par_statut=par_statut, erreurs=erreurs)
    # Toutes les dix minutes sans rien à rapprocher : pas une ligne de plus au journal.
    logger.log(logging.INFO if rapprochement.demandees else logging.DEBUG, "%s", rapprochement)
    return rapprochement


def _rapprocher(transaction):
    if not transaction.idop:
        # La passerelle n'a jamais donné d'idop : le parent n'est pas allé payer.
        with db_transaction.atomic():
            transaction = TransactionEnLigne.objects.select_for_update().get(pk=transaction.pk)
            if transaction.statut == Statut.EN_COURS and not transaction.idop:
                transaction.noter(Statut.EXPIREE, "aucun identifiant de la passerelle")
                transaction.save(update_fields=["statut", "historique", "date_modification"])
        return transaction
    nom = transaction.passerelle if transaction.passerelle in PASSERELLES else None
    verification = passerelle(nom).consulter(transaction)  # hors verrou : un appel réseau
    transaction = appliquer_verification(transaction=transaction, verification=verification)
    logger.info(
        "Paiement en ligne %s rapproché : %s (%s)",
        transaction.reference,
        transaction.statut,
        verification.detail,
    )
    return transaction


# --- Les trop-perçus -------------------------------------------------------------------------


def enregistrer_trop_percu(*, reglement, facture, montant, reste_a_payer):
    """Le trop-perçu `montant` du `reglement` qui visait `facture` (sur laquelle il ne restait
    que `reste_a_payer`), et le message à la famille (Boîte de réception et courriel)."""
    paye = formats.euros(reglement.montant)
    if reste_a_payer > 0:
        motif = (
            f"Paiement en ligne de {paye} reçu alors qu'il ne restait que "
            f"{formats.euros(reste_a_payer)} à payer sur la facture {facture.numero}."
        )
    else:
        motif = f"Paiement en ligne de {paye} reçu pour la facture {facture.numero} déjà réglée."
    trop_percu = TropPercu.objects.create(
        reglement=reglement,
        famille=reglement.famille,
        facture=facture,
        montant=montant,
        date=reglement.date,
        motif=motif,
    )
    notifier_famille(
        famille=reglement.famille,
        sujet=f"Paiement reçu en trop pour la facture {facture.numero}",
        gabarit="trop_percu",
        contexte={
            "trop_percu": trop_percu,
            "reglement": reglement,
            "facture": facture,
            "reste_a_payer": reste_a_payer,
        },
    )
    return trop_percu


@db_transaction.atomic
def rembourser_trop_percu(*, trop_percu, date, mode, reference="", par=None):
    """Enregistre le remboursement du trop-perçu (une fois) : sa date, son mode, sa référence
    et qui l'a saisi. Lève une ValidationError (en français) s'il est déjà remboursé ou si la
    date ne convient pas ; le relevé de la famille le montre au débit."""
    trop_percu = (
        TropPercu.objects.select_for_update(of=("self",))
        .select_related("reglement")
        .get(pk=trop_percu.pk)
    )
    if trop_percu.statut == TropPercu.Statut.REMBOURSE:
        raise ValidationError(
            f"Le trop-perçu du règlement {trop_percu.reglement.numero} est déjà remboursé "
            f"(le {trop_percu.date_remboursement:%d/%m/%Y})."
        )
    if date < trop_percu.date:
        raise ValidationError(
            f"Le remboursement ne peut pas précéder le paiement reçu le {trop_percu.date:%d/%m/%Y}."
        )
    if date > timezone.localdate():
        raise ValidationError("La date du remboursement ne peut pas être dans le futur.")
    if mode not in TropPercu.ModeRemboursement.values:
        raise ValidationError(f"Mode de remboursement inconnu : « {mode} ».")
    trop_percu.statut = TropPercu.Statut.REMBOURSE
    trop_percu.date_remboursement = date
    trop_percu.mode_remboursement = mode
    trop_percu.reference_remboursement = reference
    trop_percu.rembourse_par = par
    trop_percu.rembourse_saisi_le = timezone.now()
    trop_percu.save()
    logger.info(
        "Trop-perçu du règlement %s remboursé (%s €, %s)",
        trop_percu.reglement.numero,
        trop_percu.montant,
        mode,
    )
    return trop_percu


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
        return self._verification(reponse, idop)

    def consulter(self, transaction):
        """PayFiP dit où en est l'idop ; d'après l'heure de la transaction, eopayment lit « en
        cours » ou « expirée » dans une opération que PayFiP ne connaît pas (encore)."""
        import eopayment

        try:
            reponse = self._payment().payment_status(
                transaction.idop, transaction_date=transaction.date_creation
            )
        except eopayment.PaymentException as erreur:
            raise ReponseInvalide(
                f"PayFiP refuse l'idop {transaction.idop!r} : {erreur}"
            ) from erreur
        return self._verification(reponse, transaction.idop)

    def _verification(self, reponse, idop):
        import eopayment

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
