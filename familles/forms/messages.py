"""Les formulaires de la Boîte de réception : écrire au service, répondre, joindre un fichier.

Une pièce jointe est un PDF, une image PNG ou une image JPEG de 5 Mo au plus, reconnue à son
contenu : la vérification est celle de tous les fichiers déposés (familles/fichiers.py).
"""

from django import forms

from familles.fichiers import PieceJointeField


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
