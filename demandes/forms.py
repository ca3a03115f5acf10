"""Le formulaire de l'administration des demandes : le motif d'un refus."""

from django import forms


class MotifRefusForm(forms.Form):
    """Le motif d'un refus, que l'agent écrit pour la famille (administration)."""

    motif = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="La famille le lit dans sa Boîte de réception et dans sa Liste des demandes.",
        error_messages={"required": "Indiquez le motif du refus : la famille le lira."},
    )
