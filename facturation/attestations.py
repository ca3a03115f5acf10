"""L'attestation fiscale d'une famille : les frais de garde d'une année civile (l'attestation
de présence est dans facturation/attestation_presence.py).

L'attestation fiscale suit la règle de l'impôt sur le revenu (crédit d'impôt pour frais de garde
des enfants de moins de 6 ans, cases 7GA à 7GG) : on déclare les sommes **versées** dans
l'année. Elle compte donc les règlements reçus du 1er janvier au 31 décembre, pour la part
affectée à des factures (quelle que soit la date de la facture) : un règlement reçu en janvier
pour une facture de décembre compte pour l'année où il est reçu. Les chiffres sont ceux du
relevé de compte : les mêmes règlements, à la même date, pour le même montant.

De chaque affectation, la part qui paie des frais de garde se calcule au prorata des lignes de
la facture (et de ses avoirs) : les lignes d'une prestation qui compte pour l'attestation
(Prestation.frais_de_garde, décoché pour la restauration scolaire) et d'un enfant de moins de
6 ans au 1er janvier de l'année, sur le total de la facture. Les fractions s'additionnent
exactement et chaque enfant est arrondi au centime une fois, à la fin.

Ne comptent pas : l'excédent d'un règlement qui n'est affecté à aucune facture (un
trop-perçu, remboursé ensuite), ni un « Titre émis » : la créance a été confiée au Trésor
public, que la famille paie directement, et la régie ne sait pas ce qui a été payé.
"""

import datetime
import hashlib
import io
import logging
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from enfants.models import Enfant
from facturation.models import ZERO, AttestationFiscale, LigneFacture, Reglement
from familles.models import Famille

logger = logging.getLogger(__name__)

AGE_LIMITE = 6
PREMIERE_ANNEE = 2000
CENTIME = Decimal("0.01")


def moins_de_6_ans(date_naissance, annee):
    """Vrai si l'enfant a moins de 6 ans au 1er janvier de l'année : né après le 1er janvier
    d'il y a 6 ans (né ce jour-là, il a 6 ans révolus le 1er janvier)."""
    return date_naissance > datetime.date(annee - AGE_LIMITE, 1, 1)


# --- L'attestation fiscale : le calcul ---------------------------------------------------------


@dataclass
class FraisEnfant:
    enfant: Enfant
    montant: Decimal


@dataclass
class FraisDeGarde:
    """Ce que l'attestation fiscale d'une famille dit d'une année."""

    famille: Famille
    annee: int
    enfants: list[FraisEnfant] = field(default_factory=list)
    # Les règlements de l'année, comme au relevé de compte (tous les modes).
    reglements: list = field(default_factory=list)

    @property
    def total(self):
        return sum((frais.montant for frais in self.enfants), ZERO)

    @property
    def total_reglements(self):
        """Le total des règlements reçus dans l'année : la somme des crédits « Règlement » du
        relevé de compte à ces dates."""
        return sum((reglement.montant for reglement in self.reglements), ZERO)

    def detail(self):
        """Les chiffres attestés, pour l'archive (JSON) : ce qui les change fait une nouvelle
        version."""
        return {
            "enfants": [
                {
                    "enfant": frais.enfant.pk,
                    "prenom": frais.enfant.prenom,
                    "nom": frais.enfant.nom,
                    "date_naissance": frais.enfant.date_naissance.isoformat(),
                    "montant": str(frais.montant),
                }
                for frais in self.enfants
            ],
            "reglements": [[r.numero, r.date.isoformat(), str(r.montant)] for r in self.reglements],
        }


def calculer_frais_de_garde(*, famille, annee):
    """Les frais de garde payés par la famille dans l'année civile, par enfant de moins de
    6 ans au 1er janvier (voir la règle en tête du module). Quatre requêtes."""
    debut, fin = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
    reglements = list(
        Reglement.objects.filter(famille=famille, date__range=(debut, fin))
        .prefetch_related("affectations")
        .order_by("date", "numero")
    )
    affectations = [
        affectation
        for reglement in reglements
        if reglement.mode != Reglement.Mode.TITRE_EMIS
        for affectation in reglement.affectations.all()
    ]
    factures = {affectation.facture_id for affectation in affectations}
    # Les lignes des factures payées et de leurs avoirs, rapportées à la facture corrigée.
    lignes = LigneFacture.objects.filter(
        Q(facture_id__in=factures) | Q(facture__facture_corrigee_id__in=factures)
    ).values_list(
        "facture_id",
        "facture__facture_corrigee_id",
        "enfant_id",
        "enfant__date_naissance",
        "prestation__frais_de_garde",
        "montant",
    )
    nets, gardes = {}, {}
    for facture_id, corrigee_id, enfant_id, naissance, de_garde, montant in lignes:
        facture_id = corrigee_id or facture_id
        nets[facture_id] = nets.get(facture_id, ZERO) + montant
        if enfant_id and de_garde and moins_de_6_ans(naissance, annee):
            par_enfant = gardes.setdefault(facture_id, {})
            par_enfant[enfant_id] = par_enfant.get(enfant_id, ZERO) + montant
    payes = {}
    for affectation in affectations:
        net = nets.get(affectation.facture_id, ZERO)
        if net <= 0:
            continue
        for enfant_id, garde in gardes.get(affectation.facture_id, {}).items():
            part = (
                Fraction(affectation.montant) * Fraction(min(max(garde, ZERO), net)) / Fraction(net)
            )
            payes[enfant_id] = payes.get(enfant_id, Fraction(0)) + part
    enfants = Enfant.objects.filter(famille=famille, pk__in=payes).order_by(
        "date_naissance", "prenom"
    )
    frais = [
        FraisEnfant(enfant=enfant, montant=_au_centime(payes[enfant.pk]))
        for enfant in enfants
        if _au_centime(payes[enfant.pk]) > 0
    ]
    return FraisDeGarde(famille=famille, annee=annee, enfants=frais, reglements=reglements)


def _au_centime(fraction):
    return (Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(
        CENTIME, rounding=ROUND_HALF_UP
    )


def verifier_annee(annee, *, aujourdhui):
    """Une année terminée, et pas trop ancienne ; ValidationError en français sinon."""
    if annee < PREMIERE_ANNEE:
        raise ValidationError(f"Choisissez une année à partir de {PREMIERE_ANNEE}.")
    if annee > aujourdhui.year:
        raise ValidationError(
            f"L'année {annee} n'a pas commencé : il n'y a pas encore d'attestation fiscale."
        )
    if annee == aujourdhui.year:
        raise ValidationError(
            f"L'année {annee} n'est pas terminée : son attestation fiscale sera disponible "
            f"à partir du 01/01/{annee + 1}."
        )


def raison_sans_attestation(frais):
    """Pourquoi l'année n'a pas d'attestation fiscale (aucun frais de garde payé), ou ""."""
    if frais.total > 0:
        return ""
    if not frais.reglements:
        return (
            f"Aucun règlement reçu en {frais.annee} : il n'y a pas d'attestation fiscale pour "
            "cette année."
        )
    return (
        f"Vos règlements de {frais.annee} ne paient aucun frais de garde d'un enfant de moins "
        f"de 6 ans au 01/01/{frais.annee} (la restauration scolaire n'en est pas un) : il n'y "
        "a pas d'attestation fiscale pour cette année."
    )


# --- L'attestation fiscale : l'émission et l'archive -----------------------------------------


def emettre_attestation_fiscale(*, famille, annee, aujourdhui=None, travail=None):
    """L'attestation fiscale de l'année, émise et archivée (PDF et empreinte) : la dernière
    version si ses chiffres sont toujours ceux de l'année, sinon une nouvelle version qui
    remplace la précédente. ValidationError (rien n'est écrit) pour une année sans frais de
    garde, en cours ou à venir.

    La famille est verrouillée le temps de l'émission : deux demandes simultanées ne font
    qu'une version."""
    aujourdhui = aujourdhui or timezone.localdate()
    verifier_annee(annee, aujourdhui=aujourdhui)
    with transaction.atomic():
        Famille.objects.select_for_update().filter(pk=famille.pk).first()
        frais = calculer_frais_de_garde(famille=famille, annee=annee)
        raison = raison_sans_attestation(frais)
        if raison:
            raise ValidationError(raison)
        derniere = (
            AttestationFiscale.objects.filter(famille=famille, annee=annee)
            .order_by("-version")
            .first()
        )
        detail = frais.detail()
        if derniere is not None and derniere.detail == detail:
            derniere.famille = famille
            return derniere
        attestation = AttestationFiscale.objects.create(
            famille=famille,
            annee=annee,
            version=derniere.version + 1 if derniere else 1,
            remplace=derniere,
            montant=frais.total,
            detail=detail,
            travail=travail,
        )
        _archiver(attestation, frais)
    return attestation


def _archiver(attestation, frais):
    contenu = rendre_attestation_fiscale(attestation, frais)
    champ = attestation.pdf.field
    nom = champ.generate_filename(attestation, nom_attestation_fiscale(attestation))
    attestation.pdf.name = champ.storage.save(
        nom, ContentFile(contenu), max_length=champ.max_length
    )
    attestation.pdf_sha256 = hashlib.sha256(contenu).hexdigest()
    attestation.save(update_fields=["pdf", "pdf_sha256"])
    logger.debug("Attestation %s archivée : %s", attestation.numero, attestation.pdf.name)


def nom_attestation_fiscale(attestation):
    """« attestation-fiscale-2025-1001001819331.pdf » (« …-v2.pdf » pour une version 2)."""
    version = f"-v{attestation.version}" if attestation.version > 1 else ""
    return f"attestation-fiscale-{attestation.annee}-{attestation.famille.numero}{version}.pdf"


def titulaire(famille):
    return next((r for r in famille.responsables.all() if r.role == r.Role.TITULAIRE), None)


def rendre_attestation_fiscale(attestation, frais):
    """Le PDF de l'attestation (bytes), dans la mise en page des factures."""
    famille = attestation.famille
    return rendre_pdf(
        "facturation/pdf/attestation_fiscale.html",
        {
            "collectivite": settings.COLLECTIVITE,
            "attestation": attestation,
            "famille": famille,
            "titulaire": titulaire(famille),
            "frais": frais,
            "remplace": attestation.remplace,
            "date": timezone.localdate(attestation.emise_le),
            "titre_cartouche": "Attestation fiscale",
            "pied": f"Attestation fiscale {attestation.numero}",
            "cartouche": [
                ("N° attestation", attestation.numero),
                ("Année", attestation.annee),
                ("Date", f"{timezone.localdate(attestation.emise_le):%d/%m/%Y}"),
                *([("Version", attestation.version)] if attestation.version > 1 else []),
            ],
        },
    )


def lire_attestation(attestation):
    """Le PDF archivé, après avoir vérifié son empreinte (PdfAltere sinon)."""
    from facturation.pdf import PdfAltere

    with attestation.pdf.open("rb") as fichier:
        contenu = fichier.read()
    if hashlib.sha256(contenu).hexdigest() != attestation.pdf_sha256:
        raise PdfAltere(f"Le PDF archivé de l'attestation {attestation.numero} a été modifié.")
    return contenu


def rendre_pdf(gabarit, contexte):
    from weasyprint import HTML  # lourd à importer : seulement quand on rend un PDF

    with translation.override("fr"):
        html = render_to_string(gabarit, contexte)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def fusionner(contenus):
    """Un seul PDF (bytes) de plusieurs (bytes), dans l'ordre."""
    from pypdf import PdfWriter

    sortie = PdfWriter()
    for contenu in contenus:
        sortie.append(io.BytesIO(contenu))
    tampon = io.BytesIO()
    sortie.write(tampon)
    return tampon.getvalue(), len(sortie.pages)
