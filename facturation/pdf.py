"""Le PDF d'une facture : rendu une fois, à l'émission, puis archivé avec son empreinte.

Le document archivé ne change jamais : un téléchargement sert le fichier tel qu'il a été
émis, sans le refaire. Il est rangé dans le stockage de Django (`Facture.pdf`) mais jamais
servi par une adresse publique (MEDIA_URL n'est pas routé) : une vue qui a vérifié le droit
de le voir le sert.
"""

import hashlib
import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import translation

from facturation.models import ZERO, Affectation, Facture

logger = logging.getLogger(__name__)
# WeasyPrint raconte chaque étape de son rendu au niveau INFO : seuls ses avertissements
# (une police, une image manquante) intéressent les journaux du portail.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def nom_du_pdf(facture):
    """« facture-AL-36.pdf » (« avoir-AL-40.pdf » pour un avoir)."""
    return f"{facture.genre}-{facture.numero}.pdf"


def contexte_du_pdf(facture):
    """Ce que montre le PDF : la collectivité, la famille, les lignes, ce qui reste à payer."""
    famille = facture.famille
    responsables = list(famille.responsables.all())
    titulaire = next((r for r in responsables if r.role == r.Role.TITULAIRE), None)
    lignes = list(facture.lignes.select_related("enfant").order_by("id"))
    deja_regle = (
        Affectation.objects.filter(facture=facture).aggregate(total=Sum("montant"))["total"] or ZERO
    )
    est_facture = facture.genre == Facture.Genre.FACTURE
    return {
        "collectivite": settings.COLLECTIVITE,
        "portail_url": settings.PORTAIL_URL,
        "facture": facture,
        "est_avoir": not est_facture,
        "famille": famille,
        "titulaire": titulaire,
        "lignes": lignes,
        "deja_regle": deja_regle,
        "reste_a_payer": max(facture.montant - deja_regle, ZERO) if est_facture else ZERO,
    }


def rendre_pdf(facture):
    """Le PDF de la facture (bytes), mis en page par WeasyPrint depuis un gabarit Django."""
    from weasyprint import HTML  # lourd à importer : seulement quand on rend un PDF

    with translation.override("fr"):
        html = render_to_string("facturation/pdf/facture.html", contexte_du_pdf(facture))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def archiver_pdf(*, facture):
    """Rend le PDF de la facture et l'archive dans `facture.pdf` avec son empreinte SHA-256.

    Idempotent : un PDF déjà archivé n'est jamais refait. Seuls les champs `pdf` et
    `pdf_sha256` sont écrits (par un UPDATE) : une facture émise ne change pas autrement.
    Renvoie la facture, à jour.
    """
    if facture.pdf and facture.pdf_sha256:
        return facture
    deja = Facture.objects.filter(pk=facture.pk).values_list("pdf", "pdf_sha256").first()
    if deja and deja[0] and deja[1]:
        facture.pdf.name, facture.pdf_sha256 = deja
        return facture
    contenu = rendre_pdf(facture)
    empreinte = hashlib.sha256(contenu).hexdigest()
    champ = facture.pdf.field
    nom = champ.generate_filename(facture, nom_du_pdf(facture))
    nom = champ.storage.save(nom, ContentFile(contenu), max_length=champ.max_length)
    mis_a_jour = Facture.objects.filter(pk=facture.pk, pdf_sha256="").update(
        pdf=nom, pdf_sha256=empreinte
    )
    if not mis_a_jour:  # archivé entre-temps par un autre processus : garder le sien
        champ.storage.delete(nom)
        facture.pdf.name, facture.pdf_sha256 = Facture.objects.values_list("pdf", "pdf_sha256").get(
            pk=facture.pk
        )
        return facture
    facture.pdf.name, facture.pdf_sha256 = nom, empreinte
    logger.debug("PDF de la facture %s archivé : %s", facture.numero, nom)
    return facture


def lire_pdf_archive(facture):
    """Le contenu du PDF archivé (bytes), après avoir vérifié son empreinte.

    Un fichier dont l'empreinte ne correspond plus lève `PdfAltere`.
    """
    with facture.pdf.open("rb") as fichier:
        contenu = fichier.read()
    if hashlib.sha256(contenu).hexdigest() != facture.pdf_sha256:
        raise PdfAltere(f"Le PDF archivé de la facture {facture.numero} a été modifié.")
    return contenu


class PdfAltere(Exception):
    """Le PDF archivé ne correspond plus à l'empreinte enregistrée à l'émission."""


def fusionner_pdfs(factures):
    """Un seul PDF (bytes) avec les PDF archivés des factures, dans l'ordre donné ;
    archive d'abord ceux qui manquent."""
    from pypdf import PdfWriter

    sortie = PdfWriter()
    for facture in factures:
        archiver_pdf(facture=facture)
        sortie.append(io.BytesIO(lire_pdf_archive(facture)))
    tampon = io.BytesIO()
    sortie.write(tampon)
    return tampon.getvalue()
