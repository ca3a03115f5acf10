"""Les fichiers que déposent les familles : les vérifier à l'arrivée, les servir ensuite.

Les pièces jointes des messages et les documents du dossier annuel passent tous par ici.

Un fichier accepté est un PDF, une image PNG ou une image JPEG de 5 Mo au plus. Son type se lit
dans ses premiers octets (sa « signature »), jamais dans son nom : un texte renommé en .pdf est
refusé, une image PNG nommée .pdf est acceptée comme l'image qu'elle est, et enregistrée sous
l'extension de son vrai type.

Les fichiers déposés ne sont jamais servis par une adresse publique (MEDIA_URL n'est pas
routé) : une vue qui a vérifié le droit de les voir les sert par `servir_fichier`.
"""

import logging
import os
from pathlib import Path

from django import forms
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename

logger = logging.getLogger(__name__)

TAILLE_MAX_PIECE_JOINTE = 5 * 1024 * 1024  # 5 Mo

# Extension enregistrée → signatures possibles en tête de fichier.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
}
# Extension enregistrée → type servi (le contenu a été vérifié à l'arrivée).
TYPES_MIME = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
TYPES_ACCEPTES = "application/pdf,image/png,image/jpeg"
AIDE_PIECE_JOINTE = "Facultative : un PDF, une image PNG ou JPEG, de 5 Mo au plus."


def type_reel(fichier):
    """L'extension qui correspond au contenu du fichier (« pdf », « png », « jpg »), ou None."""
    position = fichier.tell() if hasattr(fichier, "tell") else 0
    fichier.seek(0)
    debut = fichier.read(16)
    fichier.seek(position)
    for extension, signatures in SIGNATURES.items():
        if debut.startswith(signatures):
            return extension
    return None


def nom_de_piece_jointe(nom, extension, *, par_defaut="piece-jointe"):
    """« Justificatif CAF.PDF » → « Justificatif_CAF.pdf » : un nom sûr, court, à la bonne
    extension."""
    try:
        base = get_valid_filename(Path(nom).stem[:80])
    except SuspiciousFileOperation:  # un nom vide, « . » ou « .. »
        base = par_defaut
    return f"{base}.{extension}"


class PieceJointeField(forms.FileField):
    """Un fichier PDF, PNG ou JPEG de 5 Mo au plus, reconnu à son contenu."""

    widget = forms.FileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Pièce jointe")
        kwargs.setdefault("help_text", AIDE_PIECE_JOINTE)
        messages = {
            "required": "Choisissez le fichier à envoyer.",
            "empty": "Le fichier envoyé est vide.",
            "invalid": "Aucun fichier n'a été reçu : choisissez-le de nouveau.",
            "missing": "Aucun fichier n'a été reçu : choisissez-le de nouveau.",
        }
        kwargs["error_messages"] = {**messages, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", TYPES_ACCEPTES)

    def clean(self, data, initial=None):
        fichier = super().clean(data, initial)
        if not isinstance(fichier, UploadedFile):  # rien de nouveau : le fichier déjà là
            return fichier
        if fichier.size > TAILLE_MAX_PIECE_JOINTE:
            raise ValidationError(
                "Le fichier dépasse 5 Mo : envoyez un fichier plus léger (5 Mo au plus).",
                code="trop_lourd",
            )
        extension = type_reel(fichier)
        if extension is None:
            raise ValidationError(
                "Ce fichier n'est ni un PDF, ni une image PNG ou JPEG : seuls ces formats "
                "sont acceptés.",
                code="type",
            )
        fichier.name = nom_de_piece_jointe(fichier.name, extension)
        return fichier


def servir_fichier(fichier, *, en_ligne=False):
    """Le fichier déposé, sous son nom : en téléchargement, ou affiché dans le navigateur
    (`en_ligne`, pour la visionneuse des agents) quand c'est un PDF ou une image."""
    try:
        contenu = fichier.open("rb")
    except FileNotFoundError:
        logger.error("Fichier introuvable dans le stockage : %s", fichier.name)
        raise Http404("Ce fichier n'est plus disponible.") from None
    nom = os.path.basename(fichier.name)
    type_mime = TYPES_MIME.get(Path(nom).suffix.lstrip(".").lower())
    return FileResponse(
        contenu,
        as_attachment=not (en_ligne and type_mime),
        filename=nom,
        **({"content_type": type_mime} if type_mime else {}),
    )
