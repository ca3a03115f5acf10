"""Les formulaires des comptes : connexion, mots de passe."""

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

ERREUR_CONNEXION = "Identifiant ou mot de passe incorrect."
MEME_MOT_DE_PASSE = "Le nouveau mot de passe doit être différent de l'actuel."
AIDE_MOT_DE_PASSE = (
    "8 caractères minimum, dont au moins 1 majuscule, 1 minuscule et 1 chiffre. "
    "Évitez un mot de passe courant ou proche de votre identifiant."
)


class ConnexionForm(AuthenticationForm):
    """« Compte famille » : une seule erreur, que l'identifiant existe ou non, que le compte
    soit actif ou non, pour ne rien révéler des comptes existants."""

    error_messages = {"invalid_login": ERREUR_CONNEXION, "inactive": ERREUR_CONNEXION}

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Identifiant"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].label = "Mot de passe"


class _NouveauMotDePasseMixin:
    """La règle du portail rappelée sous le champ ; le nouveau mot de passe n'est pas l'actuel
    (le provisoire du service, à la première connexion) ; un mot de passe choisi par son
    titulaire lève l'obligation d'en changer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = AIDE_MOT_DE_PASSE

    def clean(self):
        donnees = super().clean()
        nouveau = donnees.get("new_password1")
        if (
            nouveau
            and not self.has_error("new_password1")
            and not self.has_error("new_password2")
            and self.user.check_password(nouveau)
        ):
            self.add_error("new_password1", MEME_MOT_DE_PASSE)
        return donnees

    def save(self, commit=True):
        self.user.doit_changer_mot_de_passe = False
        return super().save(commit=commit)


class NouveauMotDePasseForm(_NouveauMotDePasseMixin, SetPasswordForm):
    """Le nouveau mot de passe, deux fois : à la première connexion ou après un oubli."""


class ChangerMotDePasseForm(_NouveauMotDePasseMixin, PasswordChangeForm):
    """L'ancien mot de passe, puis le nouveau deux fois."""


class MotDePasseOublieForm(PasswordResetForm):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        help_text="L'adresse électronique associée à votre compte famille.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
