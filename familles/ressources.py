"""Les colonnes des exports des familles et des responsables (commun/exports.py)."""

from import_export.fields import Field

from commun.exports import DateFr, OuiNon, RessourceExport
from familles.models import Famille, Responsable


class FamilleRessource(RessourceExport):
    """Une ligne par famille, avec son responsable et son conjoint (préchargés)."""

    numero = Field(attribute="numero", column_name="N° famille")
    titulaire_civilite = Field(
        attribute="titulaire__get_civilite_display", column_name="Responsable : civilité"
    )
    titulaire_nom = Field(attribute="titulaire__nom", column_name="Responsable : nom")
    titulaire_prenom = Field(attribute="titulaire__prenom", column_name="Responsable : prénom")
    titulaire_mobile = Field(
        attribute="titulaire__telephone_mobile", column_name="Responsable : mobile"
    )
    titulaire_domicile = Field(
        attribute="titulaire__telephone_domicile", column_name="Responsable : téléphone domicile"
    )
    titulaire_email = Field(attribute="titulaire__email", column_name="Responsable : e-mail")
    adresse = Field(attribute="titulaire__adresse", column_name="Adresse")
    code_postal = Field(attribute="titulaire__code_postal", column_name="Code postal")
    ville = Field(attribute="titulaire__ville", column_name="Ville")
    conjoint_civilite = Field(
        attribute="conjoint__get_civilite_display", column_name="Conjoint : civilité"
    )
    conjoint_nom = Field(attribute="conjoint__nom", column_name="Conjoint : nom")
    conjoint_prenom = Field(attribute="conjoint__prenom", column_name="Conjoint : prénom")
    conjoint_mobile = Field(attribute="conjoint__telephone_mobile", column_name="Conjoint : mobile")
    conjoint_domicile = Field(
        attribute="conjoint__telephone_domicile", column_name="Conjoint : téléphone domicile"
    )
    conjoint_email = Field(attribute="conjoint__email", column_name="Conjoint : e-mail")
    organisme = Field(
        attribute="get_organisme_rattachement_display", column_name="Organisme de rattachement"
    )
    numero_allocataire = Field(attribute="numero_allocataire", column_name="N° allocataire")
    quotient_familial = Field(attribute="quotient_familial", column_name="Quotient familial")
    prelevement = Field(
        attribute="prelevement_automatique", column_name="Prélèvement automatique", widget=OuiNon()
    )
    date_creation = Field(attribute="date_creation", column_name="Créée le", widget=DateFr())

    class Meta:
        model = Famille
        fields = (
            "numero",
            "titulaire_civilite",
            "titulaire_nom",
            "titulaire_prenom",
            "titulaire_mobile",
            "titulaire_domicile",
            "titulaire_email",
            "adresse",
            "code_postal",
            "ville",
            "conjoint_civilite",
            "conjoint_nom",
            "conjoint_prenom",
            "conjoint_mobile",
            "conjoint_domicile",
            "conjoint_email",
            "organisme",
            "numero_allocataire",
            "quotient_familial",
            "prelevement",
            "date_creation",
        )


class ResponsableRessource(RessourceExport):
    famille = Field(attribute="famille__numero", column_name="N° famille")
    role = Field(attribute="get_role_display", column_name="Rôle")
    civilite = Field(attribute="get_civilite_display", column_name="Civilité")
    nom = Field(attribute="nom", column_name="Nom")
    prenom = Field(attribute="prenom", column_name="Prénom")
    qualite = Field(attribute="get_qualite_display", column_name="Qualité")
    situation = Field(attribute="get_situation_display", column_name="Situation familiale")
    adresse = Field(attribute="adresse", column_name="Adresse")
    code_postal = Field(attribute="code_postal", column_name="Code postal")
    ville = Field(attribute="ville", column_name="Ville")
    telephone_domicile = Field(attribute="telephone_domicile", column_name="Téléphone domicile")
    telephone_professionnel = Field(
        attribute="telephone_professionnel", column_name="Téléphone professionnel"
    )
    telephone_mobile = Field(attribute="telephone_mobile", column_name="Mobile")
    email = Field(attribute="email", column_name="E-mail")
    identifiant = Field(attribute="utilisateur__username", column_name="Identifiant de connexion")

    class Meta:
        model = Responsable
        fields = (
            "famille",
            "role",
            "civilite",
            "nom",
            "prenom",
            "qualite",
            "situation",
            "adresse",
            "code_postal",
            "ville",
            "telephone_domicile",
            "telephone_professionnel",
            "telephone_mobile",
            "email",
            "identifiant",
        )
