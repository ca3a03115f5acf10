"""Le PDF d'une facture : rendu une fois, à l'émission, puis archivé avec son empreinte.

Le document archivé ne change jamais : un téléchargement sert le fichier tel qu'il a été
émis, sans le refaire. Il est rangé dans le stockage de Django (`Facture.pdf`) mais jamais
servi par une adresse publique (MEDIA_URL n'est pas routé) : une vue qui a vérifié le droit
de le voir le sert.
"""

import hashlib
import io
import logging
import threading

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
    return rendre_pdfs([facture])[facture.pk]


def rendre_pdfs(factures):
    """Le PDF de chacune des factures, {pk: bytes}.

    Elles sont mises en page ensemble, dans un seul document WeasyPrint (un lot de la
    facturation, une impression) avec la feuille de style et les polices du processus : la
    mise en page d'une facture coûte alors ~30 ms au lieu de ~110 ms seule. Chaque facture
    commence une page et l'id de sa section marque ses pages ; le document est découpé en un
    PDF par facture (`Document.copy`), avec ses métadonnées (titre, auteur, objet). Le PDF
    d'une facture ne dépend pas des autres factures du lot (un test le vérifie)."""
    from weasyprint import HTML
    from weasyprint.pdf.metadata import DocumentMetadata

    factures = list(factures)
    if not factures:
        return {}
    feuille, polices = _outils_de_weasyprint()
    with translation.override("fr"):
        sections = [
            render_to_string("facturation/pdf/_facture.html", contexte_du_pdf(facture))
            for facture in factures
        ]
        html = render_to_string(
            "facturation/pdf/factures.html",
            {"sections": sections, "titre": _titre(factures[0])},
        )
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[feuille], font_config=polices
    )
    pages = _pages_par_facture(document, factures)
    pdfs = {}
    for facture in factures:
        partie = document.copy(pages[facture.pk])
        partie.metadata = DocumentMetadata(
            title=_titre(facture),
            authors=[settings.COLLECTIVITE["nom"]],
            description=facture.description,
            generator=document.metadata.generator,
            lang="fr",
        )
        pdfs[facture.pk] = partie.write_pdf()
    return pdfs


def _titre(facture):
    """« Facture AL-36 — Communauté de communes Val Vanoise »."""
    return f"{facture.get_genre_display()} {facture.numero} — {settings.COLLECTIVITE['nom']}"


def _pages_par_facture(document, factures):
    """{pk: [pages]} : chaque page porte l'ancre de la section de sa facture, et d'elle seule
    (chaque facture commence une page)."""
    pages = {facture.pk: [] for facture in factures}
    for numero, page in enumerate(document.pages, start=1):
        ancres = [ancre for ancre in page.anchors if ancre.startswith("facture-")]
        if len(ancres) != 1:
            raise RuntimeError(f"La page {numero} du document des factures en mêle {ancres}.")
        pages[int(ancres[0].removeprefix("facture-"))].append(page)
    vides = [facture.numero for facture in factures if not pages[facture.pk]]
    if vides:
        raise RuntimeError(f"Aucune page pour {', '.join(vides)} dans le document des factures.")
    return pages


_outils = threading.local()


def _outils_de_weasyprint():
    """La feuille de style des factures, analysée une fois, et la configuration des polices
    (fontconfig), créée une fois : par fil d'exécution, pour le processus."""
    if not hasattr(_outils, "feuille"):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _outils.polices = FontConfiguration()
        _outils.feuille = CSS(
            string=render_to_string("facturation/pdf/facture.css"), font_config=_outils.polices
        )
    return _outils.feuille, _outils.polices


def archiver_pdf(*, facture):
    """Rend le PDF de la facture et l'archive dans `facture.pdf` avec son empreinte SHA-256.

    Idempotent : un PDF déjà archivé n'est jamais refait. Seuls les champs `pdf` et
    `pdf_sha256` sont écrits (par un UPDATE) : une facture émise ne change pas autrement.
    Renvoie la facture, à jour.
    """
    if _deja_archive(facture):
        return facture
    _ranger(facture, rendre_pdf(facture))
    return facture


def archiver_pdfs(factures):
    """Comme `archiver_pdf` pour chacune des factures, celles qui n'ont pas encore de PDF
    mises en page ensemble (`rendre_pdfs`). Une facture qui ne se rend pas fait échouer le
    lot (l'appelant reprend alors facture par facture). Renvoie les factures, à jour."""
    factures = list(factures)
    a_rendre = [facture for facture in factures if not _deja_archive(facture)]
    if a_rendre:
        contenus = rendre_pdfs(a_rendre)
        for facture in a_rendre:
            _ranger(facture, contenus[facture.pk])
    return factures


def _deja_archive(facture):
    """Vrai si le PDF de la facture est déjà archivé (la facture est alors mise à jour)."""
    if facture.pdf and facture.pdf_sha256:
        return True
    deja = Facture.objects.filter(pk=facture.pk).values_list("pdf", "pdf_sha256").first()
    if deja and deja[0] and deja[1]:
        facture.pdf.name, facture.pdf_sha256 = deja
        return True
    return False


def _ranger(facture, contenu):
    """Range le PDF rendu de la facture dans le stockage, avec son empreinte."""
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
        return
    facture.pdf.name, facture.pdf_sha256 = nom, empreinte
    logger.debug("PDF de la facture %s archivé : %s", facture.numero, nom)


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
    for facture in archiver_pdfs(factures):
        sortie.append(io.BytesIO(lire_pdf_archive(facture)))
    tampon = io.BytesIO()
    sortie.write(tampon)
    return tampon.getvalue()
