"""« Créer mon compte » : l'identité du titulaire, son adresse électronique, un mot de passe."""

import datetime

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from familles.models import Utilisateur

AIDE_MOT_DE_PASSE = (
    "8 caractères minimum, dont au moins 1 majuscule, 1 minuscule et 1 chiffre. "
    "Évitez un mot de passe courant ou proche de votre nom."
)


class DateDeNaissance(forms.DateInput):
    input_type = "date"

    def get_context(self, name, value, attrs):
        contexte = super().get_context(name, value, attrs)
        contexte["widget"]["attrs"]["min"] = "1900-01-01"
        contexte["widget"]["attrs"]["max"] = timezone.localdate().isoformat()
        return contexte


class CreerCompteForm(forms.Form):
    nom = forms.CharField(
        label="Nom", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    prenom = forms.CharField(
        label="Prénom", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    date_naissance = forms.DateField(
        label="Date de naissance",
        help_text="Au format jj/mm/aaaa.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=DateDeNaissance(format="%Y-%m-%d", attrs={"autocomplete": "bday"}),
        error_messages={"invalid": "Saisissez une date de naissance valide (jj/mm/aaaa)."},
    )
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        help_text="Elle sera votre identifiant ; un lien de confirmation y sera envoyé.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    mot_de_passe1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        help_text=AIDE_MOT_DE_PASSE,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    mot_de_passe2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    # Le piège à robots : un champ caché aux personnes (CSS et lecteurs d'écran), que seuls
    # les robots remplissent. Rempli, la demande reçoit la réponse ordinaire, sans effet.
    site_web = forms.CharField(label="Laissez ce champ vide", required=False)

    def clean_nom(self):
        return self.cleaned_data["nom"].strip()

    def clean_prenom(self):
        return self.cleaned_data["prenom"].strip()

    def clean_date_naissance(self):
        jour = self.cleaned_data["date_naissance"]
        aujourdhui = timezone.localdate()
        if jour > aujourdhui:
            raise ValidationError("La date de naissance ne peut pas être dans le futur.")
        if jour < datetime.date(1900, 1, 1):
            raise ValidationError("Vérifiez la date de naissance : elle précède le 01/01/1900.")
        if jour > aujourdhui.replace(year=aujourdhui.year - 16, day=min(aujourdhui.day, 28)):
            raise ValidationError(
                "Vérifiez la date de naissance : le compte se crée au nom d'un parent ou d'un "
                "responsable de l'enfant."
            )
        return jour

    def clean(self):
        donnees = super().clean()
        un, deux = donnees.get("mot_de_passe1"), donnees.get("mot_de_passe2")
        if un and deux and un != deux:
            self.add_error("mot_de_passe2", "Les deux mots de passe ne sont pas identiques.")
        elif un:
            futur = Utilisateur(
                username=donnees.get("email", ""),
                email=donnees.get("email", ""),
                first_name=donnees.get("prenom", ""),
                last_name=donnees.get("nom", ""),
            )
            try:
                password_validation.validate_password(un, futur)
            except ValidationError as erreur:
                self.add_error("mot_de_passe1", erreur)
        return donnees

    @property
    def est_un_robot(self):
        return bool(self.data.get("site_web"))

    def empreinte_mot_de_passe(self):
        """Le mot de passe chiffré, seul gardé : calculé pour chaque demande, que l'adresse ait
        un compte ou non (le temps de réponse ne le trahit pas)."""
        return make_password(self.cleaned_data["mot_de_passe1"])


class EffacementForm(forms.Form):
    """« Demander l'effacement » : la famille confirme qu'elle a lu ce qui sera effacé."""

    confirmation = forms.BooleanField(
        label="J'ai lu ce qui sera effacé et ce qui sera conservé, et je demande l'effacement.",
        error_messages={"required": "Cochez la case pour confirmer votre demande."},
    )
    commentaire = forms.CharField(
        label="Commentaire pour le service (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
