"""Les formulaires des demandes de « Mes enfants ».

Ce sont des ModelForm pour reprendre les libellés et les validations des modèles, mais ils ne
sont jamais enregistrés : la vue passe `valeurs()` (ou `valeurs_nouvelles()` pour une création)
au service des demandes, qui ne garde que les champs changés. Le formulaire part des valeurs
actuelles (`initial`).
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from enfants.models import Enfant, FicheSanitaire, PersonneAutorisee, Vaccination
from familles.forms.mon_compte import TelephoneField

AGE_MAXIMUM = 18
VACCINS_COURANTS = (
    "DTPolio",
    "Coqueluche",
    "Haemophilus influenzae b",
    "Hépatite B",
    "Pneumocoque",
    "Méningocoque C",
    "ROR (rougeole, oreillons, rubéole)",
    "BCG",
)


# Aucune date de vaccin, de document ou de naissance d'un enfant accueilli ne la précède : une
# date plus ancienne est une erreur de saisie (0001-01-01, une année à deux chiffres).
DATE_MINIMUM = datetime.date(1900, 1, 1)


class CalendrierJusquAujourdhui(forms.DateInput):
    """Le calendrier du navigateur, du 01/01/1900 à aujourd'hui : la borne haute est lue à
    chaque affichage, pas au chargement du module (un worker qui tourne depuis hier la
    garderait à hier, et le navigateur refuserait la date du jour)."""

    input_type = "date"

    def get_context(self, name, value, attrs):
        contexte = super().get_context(name, value, attrs)
        contexte["widget"]["attrs"]["min"] = DATE_MINIMUM.isoformat()
        contexte["widget"]["attrs"]["max"] = timezone.localdate().isoformat()
        return contexte


class ChampDate(forms.DateField):
    """Une date saisie au calendrier du navigateur (ou au clavier, jj/mm/aaaa), jamais future
    ni antérieure au 01/01/1900."""

    widget = CalendrierJusquAujourdhui(format="%Y-%m-%d")
    input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean(self, value):
        jour = super().clean(value)
        if jour and jour > timezone.localdate():
            raise ValidationError("La date ne peut pas être dans le futur.", code="futur")
        if jour and jour < DATE_MINIMUM:
            raise ValidationError(
                f"Vérifiez la date : elle ne peut pas être antérieure au {DATE_MINIMUM:%d/%m/%Y}.",
                code="trop_ancienne",
            )
        return jour


class DateNaissanceField(ChampDate):
    """Une date de naissance passée, d'un enfant en âge d'être accueilli (moins de 18 ans)."""

    def clean(self, value):
        try:
            jour = super().clean(value)
        except ValidationError as erreur:
            if erreur.code == "futur":
                raise ValidationError(
                    "La date de naissance ne peut pas être dans le futur.", code="futur"
                ) from erreur
            raise
        aujourdhui = timezone.localdate()
        if jour and jour < _il_y_a_des_annees(aujourdhui, AGE_MAXIMUM):
            raise ValidationError(
                "Vérifiez la date de naissance : le service enfance accueille les enfants "
                f"de moins de {AGE_MAXIMUM} ans.",
                code="age",
            )
        return jour


def _il_y_a_des_annees(jour, annees):
    try:
        return jour.replace(year=jour.year - annees)
    except ValueError:  # un 29 février
        return jour.replace(year=jour.year - annees, day=28)


class DemandeForm(forms.ModelForm):
    """Le socle : « (facultatif) » sur les champs qui peuvent rester vides, et les valeurs
    saisies nettoyées (fins de ligne) pour que rien ne paraisse changé à tort."""

    # Des champs ni obligatoires ni vraiment facultatifs (« l'un des deux »).
    sans_mention_facultatif = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for nom, champ in self.fields.items():
            facultatif = not champ.required and not isinstance(champ, forms.BooleanField)
            if facultatif and nom not in self.sans_mention_facultatif:
                champ.label = f"{champ.label} (facultatif)"

    def clean(self):
        donnees = super().clean()
        for nom, valeur in donnees.items():
            if isinstance(valeur, str):
                donnees[nom] = valeur.replace("\r\n", "\n")
        return donnees

    def valeurs(self):
        """Les valeurs demandées, champ par champ, telles que `creer_demande` les attend."""
        return {nom: self.cleaned_data[nom] for nom in self._meta.fields}

    def valeurs_nouvelles(self):
        """Pour une fiche à créer : les seules valeurs qui diffèrent d'une fiche vierge (un
        formulaire laissé tel quel ne demande rien)."""
        vierge = self._meta.model()
        return {nom: v for nom, v in self.valeurs().items() if v != getattr(vierge, nom)}


class NouvelEnfantForm(DemandeForm):
    """La pré-inscription d'un enfant que le service ne connaît pas encore."""

    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Les accueils qui vous intéressent, une question pour le service…",
    )

    sexe = forms.ChoiceField(label="Sexe", choices=Enfant.Sexe.choices, widget=forms.RadioSelect)

    class Meta:
        model = Enfant
        fields = ["nom", "prenom", "sexe", "date_naissance", "ecole", "classe"]
        field_classes = {"date_naissance": DateNaissanceField}


class IdentiteForm(DemandeForm):
    sexe = forms.ChoiceField(
        label="Sexe", choices=Enfant.Sexe.choices, widget=forms.RadioSelect, required=False
    )

    class Meta:
        model = Enfant
        fields = [
            "nom",
            "prenom",
            "sexe",
            "date_naissance",
            "lieu_naissance",
            "ecole",
            "classe",
            "porte_lunettes",
        ]
        field_classes = {"date_naissance": DateNaissanceField}


class AutorisationsForm(DemandeForm):
    class Meta:
        model = Enfant
        fields = [
            "autorisation_photo",
            "autorisation_sortie_seul",
            "autorisation_transport",
            "autorisation_soins",
        ]
        labels = {
            "autorisation_photo": "J'autorise les photos de mon enfant pendant les activités",
            "autorisation_sortie_seul": "Mon enfant est autorisé à partir seul",
            "autorisation_transport": "J'autorise le transport de mon enfant (sorties, car)",
            "autorisation_soins": (
                "J'autorise les soins et l'hospitalisation d'urgence de mon enfant"
            ),
        }


class PersonneAutoriseeForm(DemandeForm):
    """Une personne autorisée à venir chercher l'enfant : au moins un numéro pour la joindre."""

    sans_mention_facultatif = ("telephone", "telephone_mobile")

    class Meta:
        model = PersonneAutorisee
        fields = ["nom", "prenom", "lien", "telephone", "telephone_mobile"]
        field_classes = {"telephone": TelephoneField, "telephone_mobile": TelephoneField}
        help_texts = {"lien": "Par exemple : grand-mère, oncle, voisin, assistante maternelle."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["telephone_mobile"].help_text = "Indiquez au moins un des deux numéros."

    def clean(self):
        donnees = super().clean()
        telephones = ("telephone", "telephone_mobile")
        if not any(donnees.get(nom) for nom in telephones) and not any(
            nom in self.errors for nom in telephones
        ):
            self.add_error(
                "telephone_mobile",
                "Indiquez au moins un numéro de téléphone pour joindre cette personne.",
            )
        return donnees


class FicheSanitaireForm(DemandeForm):
    class Meta:
        model = FicheSanitaire
        fields = [
            "medecin_nom",
            "medecin_telephone",
            "allergies",
            "maladies",
            "regime_alimentaire",
            "regime_precisions",
            "pai",
            "pai_details",
            "observations",
        ]
        field_classes = {"medecin_telephone": TelephoneField}
        widgets = {
            "allergies": forms.Textarea(attrs={"rows": 2}),
            "maladies": forms.Textarea(attrs={"rows": 2}),
            "pai_details": forms.Textarea(attrs={"rows": 2}),
            "observations": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"pai": "Mon enfant a un PAI (projet d'accueil individualisé)"}
        help_texts = {
            "maladies": "Maladies chroniques, antécédents utiles au service.",
            "regime_precisions": "À remplir si vous avez choisi « Autre ».",
        }

    def clean(self):
        donnees = super().clean()
        if donnees.get("regime_alimentaire") == FicheSanitaire.Regime.AUTRE and not donnees.get(
            "regime_precisions"
        ):
            self.add_error("regime_precisions", "Précisez le régime alimentaire de votre enfant.")
        return donnees


class VaccinationForm(DemandeForm):
    """Un vaccin et sa date ; le même vaccin à la même date n'est enregistré qu'une fois."""

    class Meta:
        model = Vaccination
        fields = ["vaccin", "date"]
        field_classes = {"date": ChampDate}
        labels = {"date": "Date de la vaccination"}
        widgets = {"vaccin": forms.TextInput(attrs={"list": "vaccins-courants"})}

    def __init__(self, *args, enfant, vaccination=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enfant = enfant
        self.vaccination = vaccination

    def clean(self):
        donnees = super().clean()
        vaccin, date = donnees.get("vaccin"), donnees.get("date")
        if vaccin and date:
            deja = Vaccination.objects.filter(enfant=self.enfant, vaccin__iexact=vaccin, date=date)
            if self.vaccination is not None:
                deja = deja.exclude(pk=self.vaccination.pk)
            if deja.exists():
                raise ValidationError(
                    f"Le vaccin « {vaccin} » du {date:%d/%m/%Y} est déjà enregistré."
                )
        return donnees


class RetraitForm(forms.Form):
    """La confirmation d'un retrait (une personne, un vaccin), avec un mot pour le service."""

    commentaire = forms.CharField(
        label="Commentaire (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
