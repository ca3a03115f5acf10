"""Les formulaires du planning : le motif d'une absence, la réservation de plusieurs jours."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from enfants.models import Jour, Journee

# Une période réservée d'un coup ne dépasse pas une année scolaire.
DUREE_MAXIMUM = datetime.timedelta(days=366)


class MotifAbsenceForm(forms.Form):
    """« Déclarer une absence » : la raison, puis la confirmation (`confirmer`)."""

    motif = forms.CharField(
        label="Raison de l'absence",
        max_length=Journee._meta.get_field("motif").max_length,
        help_text="Par exemple : malade, rendez-vous médical, sortie de la famille.",
        error_messages={"required": "Indiquez la raison de l'absence."},
    )


class ChampJour(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
    default_error_messages = {"invalid": "Saisissez une date valable (jj/mm/aaaa)."}


class ReservationPeriodeForm(forms.Form):
    """« Réserver plusieurs jours » : une prestation, des jours de la semaine, du … au …"""

    prestation = forms.TypedChoiceField(
        label="Prestation",
        coerce=int,
        error_messages={"invalid_choice": "Choisissez une prestation de la liste."},
    )
    jours_semaine = forms.TypedMultipleChoiceField(
        label="Jours de la semaine",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un jour de la semaine."},
    )
    debut = ChampJour(label="Du")
    fin = ChampJour(label="Au")

    def __init__(self, *args, prestations, aujourdhui, **kwargs):
        super().__init__(*args, **kwargs)
        self.aujourdhui = aujourdhui
        self.prestations = {p.pk: p for p in prestations}
        self.fields["prestation"].choices = [
            (p.pk, f"{p.structure.nom} — {p.nom}") for p in prestations
        ]
        jours = sorted({j for p in prestations for j in p.jours_ouverture_isoweekday})
        self.fields["jours_semaine"].choices = [(j, Jour(j).label.capitalize()) for j in jours]
        self.fields["debut"].widget.attrs["min"] = aujourdhui.isoformat()
        self.fields["fin"].widget.attrs["min"] = aujourdhui.isoformat()

    def clean_prestation(self):
        return self.prestations[self.cleaned_data["prestation"]]

    def clean_debut(self):
        debut = self.cleaned_data["debut"]
        if debut < self.aujourdhui:
            raise ValidationError("La période ne peut pas commencer avant aujourd'hui.")
        return debut

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin:
            if fin < debut:
                self.add_error("fin", "La fin de la période doit suivre son début.")
            elif fin - debut > DUREE_MAXIMUM:
                self.add_error("fin", "Réservez au plus une année à la fois.")
        return donnees
