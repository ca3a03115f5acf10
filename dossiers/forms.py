"""Le dépôt d'un document de « Mon dossier » : lequel, sa date, le fichier."""

from django import forms
from django.utils import timezone

from enfants.forms.enfants import ChampDate
from familles.fichiers import PieceJointeField


class DepotForm(forms.Form):
    """Un document parmi ceux que le dossier demande, et son fichier (PDF, PNG ou JPEG de
    5 Mo au plus, reconnu à son contenu, comme les pièces jointes des messages)."""

    document = forms.ChoiceField(
        label="Document",
        error_messages={
            "required": "Choisissez le document que vous déposez.",
            "invalid_choice": "Choisissez un document de la liste.",
        },
    )
    date_document = ChampDate(
        label="Date du document",
        help_text="La date inscrite sur le document (émission ou signature), jj/mm/aaaa.",
        error_messages={
            "required": "Indiquez la date inscrite sur le document.",
            "invalid": "Indiquez une date valable, par exemple 01/09/2025.",
        },
    )
    fichier = PieceJointeField(
        required=True,
        label="Fichier",
        help_text="Un PDF, ou une photo ou image PNG ou JPEG, de 5 Mo au plus.",
    )

    def __init__(self, *args, exigences, **kwargs):
        super().__init__(*args, **kwargs)
        self.exigences = {exigence.cle: exigence for exigence in exigences}
        self.fields["document"].choices = [("", "Choisissez le document…")] + [
            (exigence.cle, exigence.libelle) for exigence in exigences
        ]

    @property
    def cle_du_rendu(self):
        """Ce qui détermine le HTML du formulaire vide (la clé de son fragment en cache) : les
        choix, le document présélectionné et le jour (la date la plus tardive permise)."""
        return repr(
            (self.fields["document"].choices, self["document"].value(), timezone.localdate())
        )

    def full_clean(self):
        super().full_clean()
        # Le navigateur va au premier champ en erreur (sans script) : l'adresse du formulaire
        # n'a pas d'ancre, que la page suivante garderait même après un dépôt réussi.
        for nom in self.fields:
            if nom in self.errors:
                self.fields[nom].widget.attrs["autofocus"] = True
                break

    def depot(self):
        """Ce que le service de dépôt attend : le type, l'enfant, la date, le fichier."""
        exigence = self.exigences[self.cleaned_data["document"]]
        return {
            "type_document": exigence.type_document,
            "enfant": exigence.enfant,
            "date_document": self.cleaned_data["date_document"],
            "fichier": self.cleaned_data["fichier"],
        }
