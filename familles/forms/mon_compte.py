"""Les formulaires de « Mon compte » : un par bloc, qui part des valeurs actuelles de la fiche.

Ces formulaires ne s'enregistrent jamais eux-mêmes : leurs valeurs nettoyées deviennent une
demande (`demandes.services.demander_modification`), que le service enfance valide ou refuse.
Ils reprennent les champs et les validations des modèles (code postal, e-mail…) et y ajoutent
les leurs : téléphones français, IBAN et BIC.
"""

from decimal import Decimal, InvalidOperation

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.models import model_to_dict
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from familles.blocs import CHAMPS_NOUVEAU_CONJOINT, quotient_calcule
from familles.formats import entier_lisible, iban_groupe
from familles.models import Famille, Responsable, code_postal_validator

# Les numéros français : la métropole et les départements et collectivités d'outre-mer.
REGIONS_FRANCAISES = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"}
ERREUR_TELEPHONE = "Saisissez un numéro de téléphone français valide, par exemple 06 12 34 56 78."


def telephone_francais(valeur):
    """« 0102030405 », « +33 1 02 03 04 05 » → « 01 02 03 04 05 » ; ValidationError sinon."""
    try:
        numero = phonenumbers.parse(valeur, "FR")
    except phonenumbers.NumberParseException as erreur:
        raise ValidationError(ERREUR_TELEPHONE) from erreur
    if (
        not phonenumbers.is_valid_number(numero)
        or phonenumbers.region_code_for_number(numero) not in REGIONS_FRANCAISES
    ):
        raise ValidationError(ERREUR_TELEPHONE)
    return phonenumbers.format_number(numero, phonenumbers.PhoneNumberFormat.NATIONAL)


def iban_compact(valeur):
    """L'IBAN tel qu'on le garde : sans espace, en majuscules ; ValidationError s'il est faux."""
    try:
        return IBAN(valeur).compact
    except SchwiftyException as erreur:
        raise ValidationError(
            "Cet IBAN n'est pas valable : vérifiez-le sur votre relevé d'identité bancaire "
            "(27 caractères pour un compte français, commençant par FR76)."
        ) from erreur


def bic_valide(valeur):
    try:
        return str(BIC(valeur))
    except SchwiftyException as erreur:
        raise ValidationError(
            "Ce BIC n'est pas valable : il compte 8 ou 11 caractères, par exemple AGRIFRPP881."
        ) from erreur


def sans_espaces(valeur):
    return "".join((valeur or "").split())


class TelephoneField(forms.CharField):
    """Un numéro français, enregistré sous la forme « 06 12 34 56 78 »."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        valeur = super().clean(value)
        return telephone_francais(valeur) if valeur else ""


class IbanField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 42)  # avec les espaces des groupes de quatre
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        valeur = super().clean(value)
        return iban_compact(valeur) if valeur else ""


class BicField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 14)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        valeur = sans_espaces(super().clean(value)).upper()
        return bic_valide(valeur) if valeur else ""


class SansEspacesField(forms.CharField):
    """Un code qu'on recopie souvent avec des espaces : « 731 2345 » se lit 7312345."""

    def to_python(self, value):
        return sans_espaces(super().to_python(value))


class CodePostalField(SansEspacesField):
    """Cinq chiffres ; « 73 350 » se lit 73350."""

    default_validators = [code_postal_validator]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", "5 chiffres, par exemple 73350.")
        super().__init__(**kwargs)
        self.widget.attrs["inputmode"] = "numeric"


class NombreField(forms.DecimalField):
    """Un nombre à la française : « 31 250,50 » (le point est admis aussi) ; arrondi aux
    décimales du modèle, pour qu'une valeur inchangée (« 2,5 » pour 2,50) ne fasse pas une
    demande."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return str(value).replace(".", ",")
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = sans_espaces(value).replace("\u202f", "").replace(",", ".")
        nombre = super().to_python(value)
        if nombre is not None and self.decimal_places is not None:
            try:
                nombre = nombre.quantize(Decimal(1).scaleb(-self.decimal_places))
            except InvalidOperation as erreur:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from erreur
        return nombre


CHOIX_VIDE_OBLIGATOIRE = "— Choisir —"
CHOIX_VIDE_FACULTATIF = "Non renseigné"


def libeller_le_choix_vide(champ):
    """Le choix vide d'une liste déroulante dit ce qu'il est, en français (« — Choisir — »,
    ou « Non renseigné » pour un champ facultatif), au lieu des tirets de Django."""
    if not isinstance(champ, forms.ChoiceField) or isinstance(champ.widget, forms.RadioSelect):
        return
    choix = list(champ.choices)
    if choix and choix[0][0] == "":
        libelle = CHOIX_VIDE_OBLIGATOIRE if champ.required else CHOIX_VIDE_FACULTATIF
        champ.choices = [("", libelle), *choix[1:]]


class DemandeForm(forms.ModelForm):
    """Le formulaire d'un bloc : les champs du modèle, partant des valeurs de la fiche.

    `obligatoires` : les champs à remplir (les autres disent « facultatif »).
    `normalises` : les champs dont la valeur est remise en forme (téléphones, IBAN…) ; si la
    valeur saisie revient à la valeur actuelle, la valeur actuelle est gardée telle quelle.
    `pour_soi` : le parent demande pour lui-même ; ses champs disent leur usage au navigateur
    (remplissage automatique).
    """

    obligatoires = ()
    normalises = {}
    autocomplete = {}
    script = None  # le script de la page, s'il en faut un (static/js/…)

    def __init__(self, *args, fiche, pour_soi=False, **kwargs):
        self.fiche = fiche
        if fiche is not None:
            kwargs.setdefault("initial", model_to_dict(fiche, fields=self._meta.fields))
        super().__init__(*args, **kwargs)
        for nom, champ in self.fields.items():
            if nom in self.obligatoires:
                champ.required = True
            if pour_soi and nom in self.autocomplete:
                champ.widget.attrs["autocomplete"] = self.autocomplete[nom]
            if not champ.required and not isinstance(champ.widget, forms.CheckboxInput):
                champ.label = f"{champ.label} (facultatif)"
            libeller_le_choix_vide(champ)

    def clean(self):
        donnees = super().clean()
        for nom, normaliser in self.normalises.items():
            actuelle = getattr(self.fiche, nom, None) if self.fiche is not None else None
            if not actuelle or nom not in donnees:
                continue
            try:
                equivalente = normaliser(actuelle)
            except ValidationError:
                continue
            if donnees[nom] == equivalente:
                donnees[nom] = actuelle
        return donnees

    def valeurs(self):
        """Les valeurs demandées, champ par champ (le service garde celles qui changent)."""
        return {nom: self.cleaned_data[nom] for nom in self._meta.fields}

    @property
    def informations(self):
        """Des valeurs calculées montrées sous les champs : (libellé, valeur, clé)."""
        return ()


class AdresseForm(DemandeForm):
    obligatoires = ("adresse", "code_postal", "ville")

    code_postal = CodePostalField(label="Code postal")
    autocomplete = {
        "adresse": "street-address",
        "code_postal": "postal-code",
        "ville": "address-level2",
    }

    class Meta:
        model = Responsable
        fields = ("adresse", "code_postal", "ville")


class TelephonesForm(DemandeForm):
    normalises = {
        "telephone_domicile": telephone_francais,
        "telephone_professionnel": telephone_francais,
        "telephone_mobile": telephone_francais,
    }
    autocomplete = {"telephone_mobile": "tel", "email": "email"}

    telephone_domicile = TelephoneField(label="Téléphone domicile", required=False)
    telephone_professionnel = TelephoneField(label="Téléphone professionnel", required=False)
    telephone_mobile = TelephoneField(label="Mobile", required=False)

    class Meta:
        model = Responsable
        fields = ("telephone_domicile", "telephone_professionnel", "telephone_mobile", "email")
        labels = {"email": "E-mail"}
        help_texts = {"email": "Par exemple prenom.nom@exemple.fr."}


class SituationForm(DemandeForm):
    obligatoires = ("situation",)

    class Meta:
        model = Responsable
        fields = ("situation",)


class ProfessionForm(DemandeForm):
    autocomplete = {"profession": "organization-title", "employeur": "organization"}

    class Meta:
        model = Responsable
        fields = ("csp", "profession", "employeur", "adresse_employeur")
        labels = {"csp": "Catégorie socio-professionnelle (CSP)"}
        help_texts = {"csp": "Par exemple : employé, cadre, artisan, sans activité…"}


class AutorisationsForm(DemandeForm):
    class Meta:
        model = Responsable
        fields = ("autorisation_sms", "autorisation_courriel")
        labels = {
            "autorisation_sms": "J'accepte de recevoir des SMS du service enfance",
            "autorisation_courriel": "J'accepte de recevoir des courriels du service enfance",
        }


class FiscalesForm(DemandeForm):
    obligatoires = ("revenu_fiscal", "nombre_parts")

    revenu_fiscal = NombreField(
        label="Revenu fiscal de référence (€)",
        max_digits=10,
        decimal_places=2,
        min_value=0,
        help_text="En euros, par exemple 31 250.",
    )
    nombre_parts = NombreField(
        label="Nombre de parts fiscales",
        max_digits=4,
        decimal_places=2,
        min_value=1,
        help_text="Par exemple 2,5.",
    )

    script = "js/demande_fiscales.js"

    class Meta:
        model = Famille
        fields = ("revenu_fiscal", "nombre_parts")

    @property
    def informations(self):
        donnees = self.cleaned_data if self.is_bound and self.is_valid() else self.initial
        quotient = quotient_calcule(donnees.get("revenu_fiscal"), donnees.get("nombre_parts"))
        libelle = "Quotient familial calculé (revenu ÷ 12 ÷ nombre de parts)"
        return [(libelle, entier_lisible(quotient), "quotient")]

    def clean_nombre_parts(self):
        parts = self.cleaned_data["nombre_parts"]
        if parts is not None and (parts * 4) % 1:
            raise ValidationError(
                "Le nombre de parts va de quart en quart : 1 ; 1,5 ; 2,25…", code="quart"
            )
        return parts


class CafForm(DemandeForm):
    numero_allocataire = SansEspacesField(
        label="N° allocataire",
        required=False,
        max_length=20,
        validators=[RegexValidator(r"^\d*$", "Le N° allocataire ne comporte que des chiffres.")],
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    quotient_familial = forms.IntegerField(
        label="Quotient familial",
        required=False,
        min_value=0,
        max_value=99999,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Famille
        fields = ("organisme_rattachement", "numero_allocataire", "quotient_familial")


class _CompteBancaireForm(DemandeForm):
    normalises = {"iban": iban_compact, "bic": bic_valide}

    iban = IbanField(label="IBAN", required=False, help_text="Par exemple FR76 3000 6000 0112…")
    bic = BicField(
        label="BIC",
        required=False,
        help_text="8 ou 11 caractères ; laissé vide, il est déduit de l'IBAN quand c'est possible.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("iban"):
            self.initial["iban"] = iban_groupe(self.initial["iban"])

    def clean(self):
        donnees = super().clean()
        iban = donnees.get("iban")
        if iban and "bic" in donnees and not donnees["bic"]:
            try:
                bic = IBAN(iban).bic
            except SchwiftyException:
                bic = None
            donnees["bic"] = str(bic) if bic is not None else ""
        return donnees


class BancairesForm(_CompteBancaireForm):
    autocomplete = {"titulaire_compte": "name"}

    class Meta:
        model = Famille
        fields = ("nom_banque", "titulaire_compte", "iban", "bic")
        labels = {"nom_banque": "Nom de la banque"}
        help_texts = {"titulaire_compte": "Tel qu'il figure sur le RIB, par exemple DUPONT JEAN."}

    def clean(self):
        donnees = super().clean()
        if self.fiche.prelevement_automatique and "iban" in donnees and not donnees["iban"]:
            self.add_error(
                "iban",
                "Vos factures sont prélevées sur ce compte : l'IBAN ne peut pas être retiré. "
                "Demandez d'abord l'arrêt du prélèvement automatique.",
            )
        return donnees


class PrelevementForm(_CompteBancaireForm):
    class Meta:
        model = Famille
        fields = ("prelevement_automatique", "iban", "bic")
        labels = {
            "prelevement_automatique": "Je demande le prélèvement automatique de mes factures"
        }
        help_texts = {
            "prelevement_automatique": "Décochez la case pour demander l'arrêt du prélèvement."
        }

    def clean(self):
        donnees = super().clean()
        if donnees.get("prelevement_automatique") and "iban" in donnees and not donnees["iban"]:
            self.add_error(
                "iban", "Pour le prélèvement automatique, indiquez l'IBAN du compte à débiter."
            )
        return donnees


class NouveauConjointForm(DemandeForm):
    """Le conjoint que la famille déclare ; le service complète sa fiche avec elle."""

    obligatoires = ("civilite", "nom", "prenom", "qualite")
    normalises = {"telephone_mobile": telephone_francais}

    code_postal = CodePostalField(label="Code postal", required=False)
    telephone_mobile = TelephoneField(label="Mobile", required=False)

    class Meta:
        model = Responsable
        fields = CHAMPS_NOUVEAU_CONJOINT
        labels = {"email": "E-mail"}

    def valeurs(self):
        return {**super().valeurs(), "role": Responsable.Role.CONJOINT}


FORMULAIRES = {
    "adresse": AdresseForm,
    "telephones": TelephonesForm,
    "situation": SituationForm,
    "profession": ProfessionForm,
    "autorisations": AutorisationsForm,
    "fiscales": FiscalesForm,
    "caf": CafForm,
    "bancaires": BancairesForm,
    "prelevement": PrelevementForm,
}
