"""Les formulaires de la Boîte de réception : écrire au service, répondre, joindre un fichier.

Une pièce jointe est un PDF, une image PNG ou une image JPEG de 5 Mo au plus. Son type se lit
dans ses premiers octets (sa « signature »), jamais dans son nom : un texte renommé en .pdf est
refusé, une image PNG nommée .pdf est acceptée comme l'image qu'elle est, et enregistrée sous
l'extension de son vrai type.
"""

from pathlib import Path

from django import forms
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename

TAILLE_MAX_PIECE_JOINTE = 5 * 1024 * 1024  # 5 Mo

# Extension enregistrée → signatures possibles en tête de fichier.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
}
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


def nom_de_piece_jointe(nom, extension):
    """« Justificatif CAF.PDF » → « Justificatif_CAF.pdf » : un nom sûr, court, à la bonne
    extension."""
    try:
        base = get_valid_filename(Path(nom).stem[:80])
    except SuspiciousFileOperation:  # un nom vide, « . » ou « .. »
        base = "piece-jointe"
    return f"{base}.{extension}"


class PieceJointeField(forms.FileField):
    """Un fichier PDF, PNG ou JPEG de 5 Mo au plus, reconnu à son contenu."""

    widget = forms.FileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Pièce jointe")
        kwargs.setdefault("help_text", AIDE_PIECE_JOINTE)
        kwargs.setdefault(
            "error_messages",
            {
                "empty": "Le fichier envoyé est vide.",
                "invalid": "Aucun fichier n'a été reçu : choisissez-le de nouveau.",
                "missing": "Aucun fichier n'a été reçu : choisissez-le de nouveau.",
            },
        )
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


class MessageForm(forms.Form):
    """« Écrire au service » : un sujet, un texte, une pièce jointe facultative."""

    sujet = forms.CharField(
        label="Sujet",
        max_length=200,
        error_messages={
            "required": "Indiquez le sujet de votre message.",
            "max_length": "Le sujet est trop long (200 caractères au plus).",
        },
    )
    corps = forms.CharField(
        label="Votre message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Écrivez votre message.",
            "max_length": "Le message est trop long (5 000 caractères au plus).",
        },
    )
    piece_jointe = PieceJointeField()


class ReponseForm(forms.Form):
    """« Répondre » dans un fil : le texte et une pièce jointe facultative."""

    corps = forms.CharField(
        label="Votre réponse",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Écrivez votre réponse.",
            "max_length": "La réponse est trop longue (5 000 caractères au plus).",
        },
    )
    piece_jointe = PieceJointeField()
