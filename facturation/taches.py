"""Les travaux de fond de la facturation (la file et la page « Travaux » : travaux/) :

- la facturation d'un mois pour une régie (`lancer_facturation`, l'action « Facturer un
  mois… » et la commande `facturer`) : par lots de familles, chaque lot émis dans sa
  transaction (services.facturer_periode), puis le PDF de chacune de ses factures archivé et
  la facture annoncée à la famille (la file d'envoi des courriels). Les PDF, l'essentiel du
  temps, se rendent par lots de factures mises en page ensemble, que la tâche partage avec
  des aides mises dans la file (`rendre_les_pdf_en_tache`, FACTURATION_PDF_EN_PARALLELE) :
  chaque processus prend un lot que nul autre n'a pris (FOR UPDATE SKIP LOCKED) ;
- l'impression de plus de SEUIL_IMPRESSION factures en un seul PDF (`lancer_impression`,
  l'action « Imprimer les factures sélectionnées »), rangé dans le travail ;
- les attestations fiscales d'une année pour toutes les familles (`lancer_attestations`,
  « Émettre les attestations fiscales d'une année » dans l'administration) : chacune émise et
  archivée (facturation/attestations.py), envoyée une fois à sa famille (message et courriel,
  PDF joint : AttestationFiscale.envoyee_le), toutes réunies en un PDF rangé dans le travail.

Tous sont idempotents : relancés (« Relancer les éléments en erreur ») ou repris après
l'arrêt d'un worker (`manage.py reprendre_travaux`), ils ne refont que ce qui manque. Rien
n'est facturé deux fois (JourFacture), les numéros restent sans trou (le compteur de la régie,
dans la transaction de chaque lot), un PDF archivé ne se refait pas et une facture annoncée ne
l'est plus (Facture.annoncee_le, marquée avec la mise en boîte de son courriel). Un élément qui
échoue (une famille sans adresse, un PDF qui ne se rend pas) est noté en erreur et le travail
continue.
"""

import contextlib
import datetime
import io
import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from enfants.regles import MOIS
from facturation import attestations, formats, notifications, pdf, services
from facturation.models import ZERO, Facture, Regie, Reglement
from familles.models import Famille
from travaux.models import Travail
from travaux.services import (
    TravailRepris,
    avancer,
    creer_travail,
    enregistrer_fichier,
    executer,
    noter_erreur,
)

logger = logging.getLogger(__name__)

# Les familles facturées par transaction : assez pour que la régie ne soit verrouillée que
# brièvement à chaque lot, et que l'avancement bouge toutes les quelques secondes. Les PDF
# d'un lot sont mis en page ensemble (pdf.archiver_pdfs).
LOT_DE_FAMILLES = 50
# Les factures émises qui attendent leur PDF au-delà desquelles la tâche qui émet s'arrête
# d'émettre pour rendre un lot elle-même (en deçà, elle émet, et les aides rendent).
AVANCE_DE_L_EMISSION = 3 * LOT_DE_FAMILLES
# Au-delà de ce nombre de factures, l'impression part dans un travail de fond.
SEUIL_IMPRESSION = 20
LOT_D_IMPRESSION = 20


# --- La facturation d'un mois ----------------------------------------------------------------


def lancer_facturation(*, regies, mois, par=None, aujourdhui=None):
    """Lance la facturation du mois (une date du mois) : un travail par régie, rendus dans
    l'ordre. Toutes ou aucune : si une régie refuse le mois selon son mode
    (Regie.raison_de_ne_pas_facturer), ValidationError et rien n'est lancé."""
    debut, fin = services.bornes_du_mois(mois)
    aujourdhui = aujourdhui or timezone.localdate()
    raisons = [regie.raison_de_ne_pas_facturer(debut, fin, aujourdhui) for regie in regies]
    if any(raisons):
        raise ValidationError([raison for raison in raisons if raison])
    return [
        creer_travail(
            genre=Travail.Genre.FACTURATION,
            titre=f"Facturation de {MOIS[debut.month - 1]} {debut.year} — {regie.nom}",
            tache=facturer_en_tache,
            parametres={
                "regie": regie.pk,
                "debut": debut.isoformat(),
                "fin": fin.isoformat(),
                # Les factures d'un travail portent toutes la date de son lancement, même
                # reprises le lendemain.
                "aujourdhui": aujourdhui.isoformat(),
            },
            lance_par=par,
            unite="familles",
        )
        for regie in regies
    ]


@task
def facturer_en_tache(travail_id):
    """La tâche de la file : la facturation décrite par le travail (lancer_facturation)."""
    return executer(travail_id=travail_id, faire=_facturer)


def _facturer(travail):
    parametres = travail.parametres
    regie = Regie.objects.get(pk=parametres["regie"])
    debut = datetime.date.fromisoformat(parametres["debut"])
    fin = datetime.date.fromisoformat(parametres["fin"])
    aujourdhui = datetime.date.fromisoformat(parametres["aujourdhui"])
    # La régie a pu changer de mode depuis le lancement : le travail échoue avec la raison.
    raison = regie.raison_de_ne_pas_facturer(debut, fin, aujourdhui)
    if raison:
        raise ValidationError(raison)
    options = {
        "regie": regie,
        "debut": debut,
        "fin": fin,
        "date_facture": aujourdhui,
        "aujourdhui": aujourdhui,
        "par": travail.lance_par,
        "produire_pdf": False,
        "annoncer": False,
        "travail": travail,
    }
    familles = services.familles_a_facturer(regie=regie, debut=debut, fin=fin)
    avancer(travail=travail, de=0, total=len(familles))
    # Les PDF (l'essentiel du temps) se partagent avec d'autres workers : des aides, mises
    # dans la file, prennent les lots de factures émises que ce processus n'a pas encore pris.
    # Pas d'aide quand la file fait chaque tâche dès sa mise en file, dans ce processus
    # (ImmediateBackend) : l'aide attendrait la fin de la tâche qui l'attend.
    if not isinstance(rendre_les_pdf_en_tache.get_backend(), ImmediateBackend):
        for _ in range(settings.FACTURATION_PDF_EN_PARALLELE - 1):
            rendre_les_pdf_en_tache.enqueue(travail_id=travail.pk)
    sans_tarif, echecs, avancement = [], set(), _Avancement(travail)
    for debut_du_lot in range(0, len(familles), LOT_DE_FAMILLES):
        lot = familles[debut_du_lot : debut_du_lot + LOT_DE_FAMILLES]
        for rapport in _emettre(travail, lot, options):
            sans_tarif.extend(rapport.jours_sans_tarif)
        # L'émission garde de l'avance (les aides prennent les lots émis) ; au-delà, la tâche
        # rend elle aussi les PDF, sauf si tous ceux qui attendent sont déjà pris.
        while _a_faire(travail).exclude(pk__in=echecs).count() >= AVANCE_DE_L_EMISSION:
            if not _un_lot_de_pdf(travail, echecs):
                break
            avancement.mettre_a_jour(rapport=_rapport(travail, regie, sans_tarif))
        avancement.mettre_a_jour(
            emises=debut_du_lot + len(lot),
            derniere=lot[-1],
            rapport=_rapport(travail, regie, sans_tarif),
        )
    # Les derniers lots : ceux qui restent, puis ceux que les aides finissent.
    while True:
        if not _un_lot_de_pdf(travail, echecs):
            if not _a_faire(travail).exclude(pk__in=echecs).exists():
                break
            time.sleep(0.2)  # une aide finit son lot
        avancement.mettre_a_jour(rapport=_rapport(travail, regie, sans_tarif))
    avancement.mettre_a_jour()
    return _rapport(travail, regie, sans_tarif)


@task
def rendre_les_pdf_en_tache(travail_id):
    """Une aide de la facturation du travail : elle archive et annonce des lots de ses
    factures émises, à côté de la tâche qui les émet, jusqu'à la fin du travail."""
    travail = Travail.objects.filter(pk=travail_id, etat=Travail.Etat.EN_COURS).first()
    if travail is None:
        return None  # fini (ou repris) avant que l'aide ne commence
    echecs, faits = set(), 0
    try:
        while Travail.objects.filter(
            pk=travail.pk, etat=Travail.Etat.EN_COURS, execution=travail.execution
        ).exists():
            pris = _un_lot_de_pdf(travail, echecs)
            faits += pris
            if not pris:
                time.sleep(0.5)  # la tâche principale émet le lot suivant
    except TravailRepris:
        pass
    return faits


def _a_faire(travail):
    """Les factures du travail dont le PDF ou l'annonce manque."""
    return Facture.objects.filter(Q(pdf_sha256="") | Q(annoncee_le__isnull=True), travail=travail)


def _un_lot_de_pdf(travail, echecs):
    """Prend un lot de factures du travail qui attendent leur PDF ou leur annonce, que nul
    autre processus n'a pris (PostgreSQL : FOR UPDATE SKIP LOCKED, tenu le temps du lot), les
    archive (mises en page ensemble) et les annonce. `echecs` : les factures que ce processus
    n'a pas pu faire (notées en erreur), qu'il ne reprend pas. Rend le nombre de factures
    prises, 0 s'il n'y avait rien à prendre."""
    verrou = connection.features.has_select_for_update
    with transaction.atomic() if verrou else contextlib.nullcontext():
        a_prendre = _a_faire(travail).exclude(pk__in=echecs)
        if verrou:
            a_prendre = a_prendre.select_for_update(skip_locked=True, of=("self",))
        factures = list(
            a_prendre.select_related("famille", "regie")
            .prefetch_related("famille__responsables")
            .order_by("rang")[:LOT_DE_FAMILLES]
        )
        if not factures:
            return 0
        for facture in _archiver_le_lot(travail, factures):
            _annoncer(travail, facture)
        echecs.update(
            _a_faire(travail).filter(pk__in=[f.pk for f in factures]).values_list("pk", flat=True)
        )
    avancer(travail=travail, de=0)  # signe de vie ; TravailRepris si le travail a été repris
    return len(factures)


class _Avancement:
    """L'avancement de la facturation, en familles : celles des lots émis, moins celles dont
    la facture attend encore son PDF ou son annonce (une facture en erreur compte comme
    faite : elle est notée). Seule la tâche principale l'écrit."""

    def __init__(self, travail):
        self.travail, self.fait = travail, 0
        self.emises, self.derniere = 0, None

    def mettre_a_jour(self, *, emises=None, derniere=None, rapport=None):
        if emises is not None:
            self.emises, self.derniere = emises, derniere
        fait = 0
        if self.derniere is not None:
            en_erreur = [
                int(reference.removeprefix("facture:"))
                for reference in self.travail.erreurs.filter(
                    resolue=False, reference__startswith="facture:"
                ).values_list("reference", flat=True)
            ]
            en_attente = (
                _a_faire(self.travail)
                .filter(famille_id__lte=self.derniere)
                .exclude(pk__in=en_erreur)
                .count()
            )
            fait = self.emises - en_attente
        de = max(fait - self.fait, 0)
        self.fait += de
        avancer(travail=self.travail, de=de, rapport=rapport)


def _emettre(travail, lot, options):
    """Les factures du lot, en une transaction ; si elle échoue, famille par famille, et une
    famille qui échoue seule est notée en erreur. Rend les rapports de facturation."""
    try:
        return [services.facturer_periode(familles=lot, **options)]
    except ValidationError:
        raise  # la période ne se facture pas (le mode de la régie) : le travail échoue
    except Exception as erreur:
        if len(lot) == 1:
            logger.exception("Facturation de la famille %s", lot[0])
            famille = Famille.objects.prefetch_related("responsables").get(pk=lot[0])
            noter_erreur(
                travail=travail,
                reference=f"famille:{famille.pk}",
                element=_nom_de_famille(famille),
                message=f"La facturation de la famille a échoué : {erreur}",
            )
            return []
    return [rapport for famille_id in lot for rapport in _emettre(travail, [famille_id], options)]


def _archiver_le_lot(travail, factures):
    """Les PDF des factures du lot archivés, mis en page ensemble (pdf.archiver_pdfs) ; si le
    lot échoue, facture par facture, et une facture qui échoue seule est notée en erreur.
    Rend les factures dont le PDF est archivé."""
    a_rendre = [f for f in factures if not f.pdf_sha256 and _a_une_adresse(f.famille)]
    try:
        pdf.archiver_pdfs(a_rendre)
    except Exception:
        logger.exception("PDF des factures d'un lot : reprise facture par facture")
    return [facture for facture in factures if _archiver(travail, facture)]


def _a_une_adresse(famille):
    titulaire = famille.titulaire
    return titulaire is not None and bool(titulaire.adresse and titulaire.ville)


def _archiver(travail, facture):
    """Le PDF de la facture archivé ; False, et une erreur notée, s'il ne peut pas l'être."""
    if facture.pdf_sha256:
        return True
    if not _a_une_adresse(facture.famille):
        noter_erreur(
            travail=travail,
            reference=f"facture:{facture.pk}",
            element=_nom_de_famille(facture.famille),
            message=(
                f"Facture {facture.numero} émise, mais ni son PDF ni son courriel : la famille "
                "n'a pas d'adresse postale. Saisissez l'adresse du responsable titulaire, puis "
                "relancez les éléments en erreur."
            ),
        )
        return False
    try:
        pdf.archiver_pdf(facture=facture)
    except Exception as erreur:
        logger.exception("PDF de la facture %s", facture.numero)
        noter_erreur(
            travail=travail,
            reference=f"facture:{facture.pk}",
            element=_nom_de_famille(facture.famille),
            message=f"Facture {facture.numero} : le PDF n'a pas pu être produit ({erreur}).",
        )
        return False
    return True


def _annoncer(travail, facture):
    """La facture annoncée à la famille, une seule fois (la file d'envoi des courriels)."""
    if facture.annoncee_le:
        return
    try:
        notifications.annoncer_une_fois(facture=facture)
    except Exception as erreur:
        logger.exception("Annonce de la facture %s", facture.numero)
        noter_erreur(
            travail=travail,
            reference=f"facture:{facture.pk}",
            element=_nom_de_famille(facture.famille),
            message=f"Facture {facture.numero} : le courriel n'a pas pu être préparé ({erreur}).",
        )


def _rapport(travail, regie, sans_tarif):
    """Le rapport du travail, d'après les factures qu'il a émises (toutes ses exécutions)."""
    totaux = Facture.objects.filter(travail=travail).aggregate(
        nombre=Count("pk"),
        montant=Sum("montant"),
        premier=Min("rang"),
        dernier=Max("rang"),
        pdf=Count("pk", filter=~Q(pdf_sha256="")),
        annoncees=Count("pk", filter=Q(annoncee_le__isnull=False)),
    )
    numeros = ""
    if totaux["nombre"]:
        numeros = f"{regie.prefixe}-{totaux['premier']} à {regie.prefixe}-{totaux['dernier']}"
    return {
        "factures": totaux["nombre"],
        "numeros": numeros,
        "montant": formats.euros(totaux["montant"] or ZERO),
        "pdf": totaux["pdf"],
        "annoncees": totaux["annoncees"],
        "jours_sans_tarif": services.jours_sans_tarif_par_prestation(sans_tarif),
    }


def _nom_de_famille(famille):
    """« Famille n° 1001001819331 DUPONT »."""
    titulaire = famille.titulaire
    return f"Famille n° {famille.numero}" + (f" {titulaire.nom}" if titulaire else "")


# --- L'impression d'un lot de factures -------------------------------------------------------


def lancer_impression(*, factures, par=None):
    """Lance l'impression des factures (dans cet ordre) en un seul PDF, rangé dans le
    travail rendu."""
    ids = [facture.pk for facture in factures]
    return creer_travail(
        genre=Travail.Genre.IMPRESSION,
        titre=f"Impression de {len(ids)} factures ({timezone.localdate():%d/%m/%Y})",
        tache=imprimer_en_tache,
        parametres={"factures": ids},
        lance_par=par,
        unite="factures",
        total=len(ids),
    )


@task
def imprimer_en_tache(travail_id):
    """La tâche de la file : l'impression décrite par le travail (lancer_impression)."""
    return executer(travail_id=travail_id, faire=_imprimer)


def _imprimer(travail):
    from pypdf import PdfWriter

    ids = travail.parametres["factures"]
    par_id = Facture.objects.select_related("regie", "famille", "facture_corrigee").in_bulk(ids)
    avancer(travail=travail, de=0, total=len(ids))
    sortie = PdfWriter()
    imprimees = 0
    for debut_du_lot in range(0, len(ids), LOT_D_IMPRESSION):
        lot = ids[debut_du_lot : debut_du_lot + LOT_D_IMPRESSION]
        try:  # les PDF qui manquent, mis en page ensemble ; sinon facture par facture
            pdf.archiver_pdfs([par_id[pk] for pk in lot if pk in par_id])
        except Exception:
            logger.exception("PDF des factures d'un lot d'impression : reprise une par une")
        for pk in lot:
            facture = par_id.get(pk)
            if facture is None:
                continue  # une facture ne se supprime pas ; une base restaurée, peut-être
            try:
                pdf.archiver_pdf(facture=facture)
                sortie.append(io.BytesIO(pdf.lire_pdf_archive(facture)))
            except Exception as erreur:
                logger.exception("Impression de la facture %s", facture.numero)
                noter_erreur(
                    travail=travail,
                    reference=f"facture:{facture.pk}",
                    element=f"Facture {facture.numero}",
                    message=f"Non imprimée : {erreur}",
                )
            else:
                imprimees += 1
        avancer(travail=travail, de=len(lot))
    if not imprimees:
        raise ValidationError("Aucune des factures n'a pu être imprimée.")
    tampon = io.BytesIO()
    sortie.write(tampon)
    enregistrer_fichier(
        travail=travail,
        nom=f"factures-{timezone.localtime(travail.lance_le):%Y-%m-%d}-{travail.pk}.pdf",
        contenu=tampon.getvalue(),
    )
    return {"factures": imprimees, "pages": len(sortie.pages)}


# --- Les attestations fiscales d'une année ---------------------------------------------------


def lancer_attestations(*, annee, par=None, aujourdhui=None):
    """Lance l'émission des attestations fiscales de l'année pour toutes les familles qui ont
    un règlement dans l'année : chacune émise (ou reprise telle qu'archivée), envoyée une
    fois à sa famille, et toutes réunies en un PDF rangé dans le travail. ValidationError
    (rien n'est lancé) pour une année en cours ou à venir."""
    aujourdhui = aujourdhui or timezone.localdate()
    attestations.verifier_annee(annee, aujourdhui=aujourdhui)
    return creer_travail(
        genre=Travail.Genre.ATTESTATIONS,
        titre=f"Attestations fiscales {annee}",
        tache=attester_en_tache,
        parametres={"annee": annee, "aujourdhui": aujourdhui.isoformat()},
        lance_par=par,
        unite="familles",
    )


@task
def attester_en_tache(travail_id):
    """La tâche de la file : les attestations décrites par le travail (lancer_attestations)."""
    return executer(travail_id=travail_id, faire=_attester)


def familles_a_attester(annee):
    """Les familles qui ont un règlement dans l'année (hors titre émis), par numéro."""
    return list(
        Reglement.objects.filter(date__year=annee)
        .exclude(mode=Reglement.Mode.TITRE_EMIS)
        .order_by("famille_id")
        .values_list("famille_id", flat=True)
        .distinct()
    )


def _attester(travail):
    annee = travail.parametres["annee"]
    aujourdhui = datetime.date.fromisoformat(travail.parametres["aujourdhui"])
    identifiants = familles_a_attester(annee)
    avancer(travail=travail, de=0, total=len(identifiants))
    bilan = BilanAttestations()
    for debut_du_lot in range(0, len(identifiants), LOT_DE_FAMILLES):
        lot = identifiants[debut_du_lot : debut_du_lot + LOT_DE_FAMILLES]
        familles = Famille.objects.filter(pk__in=lot).prefetch_related("responsables")
        for famille in familles.order_by("pk"):
            _attester_une_famille(travail, famille, annee, aujourdhui, bilan)
        avancer(travail=travail, de=len(lot), rapport=bilan.rapport())
    if bilan.emises:
        contenu, _pages = attestations.fusionner(
            attestations.lire_attestation(attestation) for attestation in bilan.emises
        )
        enregistrer_fichier(
            travail=travail, nom=f"attestations-fiscales-{annee}-{travail.pk}.pdf", contenu=contenu
        )
    return bilan.rapport()


class BilanAttestations:
    """Ce que le travail des attestations a fait, pour son rapport."""

    def __init__(self):
        self.emises = []
        self.envoyees = 0
        self.sans_frais = 0

    def rapport(self):
        return {
            "attestations": len(self.emises),
            "nouvelles_versions": sum(1 for a in self.emises if a.version > 1),
            "envoyees": self.envoyees,
            "sans_frais": self.sans_frais,
            "montant": formats.euros(sum((a.montant for a in self.emises), ZERO)),
        }


def _attester_une_famille(travail, famille, annee, aujourdhui, bilan):
    """L'attestation de la famille, émise (ou reprise telle qu'archivée) et envoyée une fois ;
    rien pour une famille sans frais de garde dans l'année ; une erreur notée si elle échoue."""
    try:
        attestation = attestations.emettre_attestation_fiscale(
            famille=famille, annee=annee, aujourdhui=aujourdhui, travail=travail
        )
    except ValidationError:
        bilan.sans_frais += 1
        return
    except Exception as erreur:
        logger.exception("Attestation fiscale %s de la famille %s", annee, famille.pk)
        noter_erreur(
            travail=travail,
            reference=f"famille:{famille.pk}",
            element=_nom_de_famille(famille),
            message=f"L'attestation n'a pas pu être émise : {erreur}",
        )
        return
    bilan.emises.append(attestation)
    try:
        if notifications.envoyer_attestation_une_fois(attestation=attestation):
            bilan.envoyees += 1
    except Exception as erreur:
        logger.exception("Envoi de l'attestation %s", attestation.numero)
        noter_erreur(
            travail=travail,
            reference=f"famille:{famille.pk}",
            element=_nom_de_famille(famille),
            message=f"Attestation {attestation.numero} émise, mais pas envoyée : {erreur}",
        )
