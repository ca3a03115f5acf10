"""La lecture d'un fichier à importer (enfants/importation) : ses colonnes (le modèle de
docs/import.md), le fichier CSV ou XLSX lu en tablib.Dataset, chaque ligne nettoyée et
vérifiée, ses erreurs en français."""

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from enfants.models import Enfant, Jour
from familles.forms.mon_compte import bic_valide, iban_compact, telephone_francais
from familles.models import Famille, Responsable

TAILLE_MAX = 5 * 1024 * 1024  # 5 Mo, comme les autres fichiers déposés
LIGNES_MAX = 50_000


class FichierIllisible(Exception):
    """Le fichier ne se lit pas (format, encodage, colonnes) : le message dit pourquoi."""


@dataclass(frozen=True)
class Colonne:
    cle: str
    entete: str
    aide: str
    exemple: str = ""
    obligatoire: bool = False


COLONNES = (
    Colonne("numero", "N° famille", "13 chiffres", "1001001819331", obligatoire=True),
    Colonne("civilite", "Responsable : civilité", "M ou MME", "M"),
    Colonne("nom", "Responsable : nom", "obligatoire", "DUPONT", obligatoire=True),
    Colonne("prenom", "Responsable : prénom", "obligatoire", "JEAN", obligatoire=True),
    Colonne("email", "Responsable : e-mail", "l'adresse du compte", "jean.dupont@exemple.fr"),
    Colonne("mobile", "Responsable : mobile", "", "06 12 34 56 78"),
    Colonne("domicile", "Responsable : téléphone domicile", "", "04 79 00 00 00"),
    Colonne("adresse", "Adresse", "", "12 rue des Bonbons"),
    Colonne("code_postal", "Code postal", "5 chiffres", "73350"),
    Colonne("ville", "Ville", "", "BOZEL"),
    Colonne("conjoint_civilite", "Conjoint : civilité", "M ou MME", "MME"),
    Colonne("conjoint_nom", "Conjoint : nom", "vide : pas de conjoint", "DUPONT"),
    Colonne("conjoint_prenom", "Conjoint : prénom", "", "JEANNE"),
    Colonne("conjoint_email", "Conjoint : e-mail", "", ""),
    Colonne("conjoint_mobile", "Conjoint : mobile", "", ""),
    Colonne("organisme", "Organisme de rattachement", "CAF, MSA, Autre ou Aucun", "CAF"),
    Colonne("numero_allocataire", "N° allocataire", "", "1234567"),
    Colonne("quotient_familial", "Quotient familial", "un nombre entier", "620"),
    Colonne("iban", "IBAN", "", "FR76 3000 6000 0112 3456 7890 189"),
    Colonne("bic", "BIC", "", "AGRIFRPP"),
    Colonne("titulaire_compte", "Titulaire du compte", "", "M. JEAN DUPONT"),
    Colonne("enfant_nom", "Enfant : nom", "vide : famille sans enfant", "DUPONT"),
    Colonne("enfant_prenom", "Enfant : prénom", "", "Lucas"),
    Colonne("enfant_sexe", "Enfant : sexe", "F ou M", "M"),
    Colonne("enfant_naissance", "Enfant : date de naissance", "jj/mm/aaaa", "14/05/2018"),
    Colonne("structure", "Structure", "telle que dans le portail", "Accueil de Loisirs"),
    Colonne("prestation", "Prestation", "vide : pas d'inscription", "ALSH Mercredi"),
    Colonne("inscription_debut", "Inscription du", "jj/mm/aaaa", "01/09/2026"),
    Colonne("inscription_fin", "Inscription au", "jj/mm/aaaa, vide : sans fin", ""),
    Colonne("jours_reguliers", "Jours réguliers", "ex. « lundi, jeudi » ; vide : à la demande", ""),
)
PAR_CLE = {colonne.cle: colonne for colonne in COLONNES}

CHAMPS_FAMILLE = (
    "organisme_rattachement",
    "numero_allocataire",
    "quotient_familial",
    "iban",
    "bic",
    "titulaire_compte",
)
CHAMPS_RESPONSABLE = (
    "civilite",
    "nom",
    "prenom",
    "email",
    "telephone_mobile",
    "telephone_domicile",
    "adresse",
    "code_postal",
    "ville",
)


# --- Lire le fichier ---------------------------------------------------------------------


def lire_fichier(contenu, nom):
    """Le tablib.Dataset d'un fichier .csv ou .xlsx (octets) ; FichierIllisible sinon."""
    if len(contenu) > TAILLE_MAX:
        raise FichierIllisible("Le fichier dépasse 5 Mo : découpez-le en plusieurs fichiers.")
    extension = nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
    if extension == "xlsx":
        lignes = _lignes_xlsx(contenu)
    elif extension == "csv":
        lignes = _lignes_csv(_decoder(contenu))
    else:
        raise FichierIllisible("Choisissez un fichier .csv ou .xlsx.")
    entetes = next(lignes, None)
    if not entetes or not any(entetes):
        raise FichierIllisible("Le fichier est vide : la première ligne porte les en-têtes.")
    largeur = len(entetes)
    donnees = tablib.Dataset(headers=[str(entete or "") for entete in entetes])
    try:
        for ligne in lignes:
            if donnees.height >= LIGNES_MAX:
                raise FichierIllisible(f"Le fichier dépasse {LIGNES_MAX} lignes : découpez-le.")
            ligne = list(ligne)[:largeur]
            donnees.append(ligne + [None] * (largeur - len(ligne)))
    except csv.Error as erreur:
        raise FichierIllisible(
            "Ce fichier CSV ne se lit pas (caractère nul, cellule démesurée ou guillemets "
            "mal fermés)."
        ) from erreur
    return donnees


def _lignes_xlsx(contenu):
    """Les lignes de la première feuille, lues au fil de l'eau (openpyxl en lecture seule) :
    un classeur qui gonfle démesurément s'arrête à LIGNES_MAX."""
    try:
        classeur = load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
        yield from classeur.worksheets[0].iter_rows(values_only=True)
    except Exception as erreur:  # un fichier abîmé lève de tout (zip, XML, openpyxl)
        raise FichierIllisible(
            "Ce fichier XLSX ne s'ouvre pas : enregistrez-le de nouveau depuis le tableur."
        ) from erreur


def _lignes_csv(texte):
    try:
        separateur = csv.Sniffer().sniff(texte.split("\n", 1)[0], ";,\t").delimiter
    except csv.Error:
        separateur = ";"
    return csv.reader(io.StringIO(texte), delimiter=separateur)


def _decoder(contenu):
    """UTF-8 (avec ou sans BOM), sinon Windows-1252 (le CSV d'un Excel français)."""
    for encodage in ("utf-8-sig", "cp1252"):
        try:
            return contenu.decode(encodage)
        except UnicodeDecodeError:
            continue
    raise FichierIllisible(
        "Le fichier n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le en « CSV UTF-8 »."
    )


def cle_entete(texte):
    """« Enfant : Date de naissance » et « enfant:date de naissance » se valent."""
    texte = unicodedata.normalize("NFKD", str(texte or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", texte.lower()).strip()


ENTETES = {cle_entete(colonne.entete): colonne.cle for colonne in COLONNES}


# --- Lire une ligne ----------------------------------------------------------------------


CONTROLES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Cellules:
    """Les valeurs nettoyées d'une ligne, et ses erreurs en français."""

    def __init__(self, brutes):
        self.brutes = brutes
        self.erreurs = []

    def texte(self, cle, longueur, *, telephone=False):
        valeur = self.brutes.get(cle)
        if valeur is None:
            return ""
        if isinstance(valeur, float) and valeur.is_integer():
            valeur = int(valeur)
        if isinstance(valeur, datetime.datetime | datetime.date):
            valeur = f"{valeur:%d/%m/%Y}"
        valeur = " ".join(CONTROLES.sub("", str(valeur)).split())
        entete = PAR_CLE[cle].entete
        if valeur.startswith(("=", "@")) or (valeur.startswith(("+", "-")) and not telephone):
            self.erreurs.append(
                f"« {entete} » commence par « {valeur[0]} » comme une formule de tableur : "
                "écrivez la valeur elle-même."
            )
            return ""
        if len(valeur) > longueur:
            self.erreurs.append(f"« {entete} » est trop long ({longueur} caractères au plus).")
            return ""
        return valeur

    def obligatoire(self, cle, longueur):
        valeur = self.texte(cle, longueur)
        if not valeur and cle in self.brutes:
            self.erreurs.append(f"« {PAR_CLE[cle].entete} » est obligatoire.")
        return valeur

    def numero_famille(self):
        valeur = self.texte("numero", 20).replace(" ", "")
        if valeur and not re.fullmatch(r"[0-9]{13}", valeur):
            self.erreurs.append(f"N° famille « {valeur} » : il faut exactement 13 chiffres.")
            return ""
        if not valeur:
            self.erreurs.append("« N° famille » est obligatoire.")
        return valeur

    def choix(self, cle, choix, attendu):
        valeur = self.texte(cle, 30)
        if not valeur:
            return ""
        trouve = choix.get(cle_entete(valeur))
        if trouve is None:
            self.erreurs.append(f"« {PAR_CLE[cle].entete} » : « {valeur} » inconnu ({attendu}).")
            return ""
        return trouve

    def date(self, cle):
        valeur = self.brutes.get(cle)
        if valeur in (None, ""):
            return None
        if isinstance(valeur, datetime.datetime):
            return valeur.date()
        if isinstance(valeur, datetime.date):
            return valeur
        if isinstance(valeur, int | float | Decimal) and 1 <= valeur < 2958466:
            return from_excel(float(valeur)).date()  # une date d'Excel restée en nombre
        texte = self.texte(cle, 30)
        for format_ in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                jour = datetime.datetime.strptime(texte, format_).date()
            except ValueError:
                continue
            if 1900 <= jour.year <= 2100:
                return jour
        if texte:
            self.erreurs.append(
                f"« {PAR_CLE[cle].entete} » : « {texte} » n'est pas une date (jj/mm/aaaa)."
            )
        return None

    def valide(self, cle, valeur, validateur):
        if not valeur:
            return ""
        try:
            return validateur(valeur)
        except ValidationError as erreur:
            self.erreurs.append(f"« {PAR_CLE[cle].entete} » : {' '.join(erreur.messages)}")
            return ""


CIVILITES = {
    "m": Responsable.Civilite.MONSIEUR,
    "mr": Responsable.Civilite.MONSIEUR,
    "monsieur": Responsable.Civilite.MONSIEUR,
    "mme": Responsable.Civilite.MADAME,
    "madame": Responsable.Civilite.MADAME,
}
ORGANISMES = {
    "caf": Famille.Organisme.CAF,
    "msa": Famille.Organisme.MSA,
    "autre": Famille.Organisme.AUTRE,
    "autre regime": Famille.Organisme.AUTRE,
    "aucun": Famille.Organisme.AUCUN,
}
SEXES = {
    "f": Enfant.Sexe.FILLE,
    "fille": Enfant.Sexe.FILLE,
    "m": Enfant.Sexe.GARCON,
    "g": Enfant.Sexe.GARCON,
    "garcon": Enfant.Sexe.GARCON,
}
JOURS = {cle_entete(jour.label): str(jour.value) for jour in Jour} | {
    cle_entete(jour.label[:2]): str(jour.value) for jour in Jour
}


def _courriel(valeur):
    validate_email(valeur)
    return valeur.lower()


def _code_postal(valeur):
    valeur = valeur.replace(" ", "").zfill(5) if valeur.replace(" ", "").isdigit() else valeur
    if not re.fullmatch(r"[0-9]{5}", valeur):
        raise ValidationError("le code postal comporte 5 chiffres.")
    return valeur


def _quotient(valeur):
    if not re.fullmatch(r"[0-9]{1,6}", valeur):
        raise ValidationError("un nombre entier est attendu.")
    return int(valeur)


def _jours(cellules):
    valeur = cellules.texte("jours_reguliers", 100)
    if not valeur:
        return ""
    if re.fullmatch(r"[1-7]+", valeur):
        chiffres = set(valeur)
    else:
        chiffres = set()
        for morceau in re.split(r"[,;/ ]+", valeur):
            if not morceau:
                continue
            chiffre = JOURS.get(cle_entete(morceau))
            if chiffre is None:
                cellules.erreurs.append(
                    f"« Jours réguliers » : « {morceau} » n'est pas un jour de la semaine."
                )
                return ""
            chiffres.add(chiffre)
    return "".join(sorted(chiffres))


@dataclass
class LigneLue:
    numero_ligne: int
    famille: dict
    titulaire: dict
    conjoint: dict | None
    enfant: dict | None
    inscription: dict | None
    erreurs: list


def lire_ligne(numero_ligne, brutes, prestations):
    c = _Cellules(brutes)
    famille = {
        "numero": c.numero_famille(),
        "organisme_rattachement": c.choix("organisme", ORGANISMES, "CAF, MSA, Autre, Aucun"),
        "numero_allocataire": c.texte("numero_allocataire", 20),
        "quotient_familial": c.valide(
            "quotient_familial", c.texte("quotient_familial", 10), _quotient
        ),
        "iban": c.valide("iban", c.texte("iban", 42), iban_compact),
        "bic": c.valide("bic", c.texte("bic", 14).replace(" ", "").upper(), bic_valide),
        "titulaire_compte": c.texte("titulaire_compte", 100),
    }
    adresse = {
        "adresse": c.texte("adresse", 200),
        "code_postal": c.valide("code_postal", c.texte("code_postal", 10), _code_postal),
        "ville": c.texte("ville", 100),
    }
    titulaire = {
        "civilite": c.choix("civilite", CIVILITES, "M ou MME"),
        "nom": c.obligatoire("nom", 100),
        "prenom": c.obligatoire("prenom", 100),
        "email": c.valide("email", c.texte("email", 254), _courriel),
        "telephone_mobile": c.valide(
            "mobile", c.texte("mobile", 30, telephone=True), telephone_francais
        ),
        "telephone_domicile": c.valide(
            "domicile", c.texte("domicile", 30, telephone=True), telephone_francais
        ),
        **adresse,
    }
    conjoint = None
    if c.texte("conjoint_nom", 100):
        conjoint = {
            "civilite": c.choix("conjoint_civilite", CIVILITES, "M ou MME"),
            "nom": c.texte("conjoint_nom", 100),
            "prenom": c.obligatoire("conjoint_prenom", 100),
            "email": c.valide("conjoint_email", c.texte("conjoint_email", 254), _courriel),
            "telephone_mobile": c.valide(
                "conjoint_mobile",
                c.texte("conjoint_mobile", 30, telephone=True),
                telephone_francais,
            ),
            **adresse,
        }
    enfant = inscription = None
    if c.texte("enfant_nom", 100) or c.texte("enfant_prenom", 100):
        enfant = {
            "nom": c.obligatoire("enfant_nom", 100),
            "prenom": c.obligatoire("enfant_prenom", 100),
            "sexe": c.choix("enfant_sexe", SEXES, "F ou M"),
            "date_naissance": c.date("enfant_naissance"),
        }
        if enfant["date_naissance"] is None and not any(
            "date de naissance" in erreur for erreur in c.erreurs
        ):
            c.erreurs.append("« Enfant : date de naissance » est obligatoire.")
        nom_prestation = c.texte("prestation", 100)
        if nom_prestation:
            nom_structure = c.texte("structure", 100)
            prestation = prestations.get((cle_entete(nom_structure), cle_entete(nom_prestation)))
            if prestation is None:
                c.erreurs.append(
                    f"Prestation inconnue : « {nom_prestation} » de la structure "
                    f"« {nom_structure} » (voyez Enfants › Prestations)."
                )
            debut, fin = c.date("inscription_debut"), c.date("inscription_fin")
            if debut is None and not any("Inscription du" in erreur for erreur in c.erreurs):
                c.erreurs.append("« Inscription du » est obligatoire avec une prestation.")
            if debut and fin and fin < debut:
                c.erreurs.append("« Inscription au » est avant « Inscription du ».")
            inscription = {
                "prestation": prestation,
                "date_debut": debut,
                "date_fin": fin,
                "jours_reguliers": _jours(c),
            }
    elif c.texte("prestation", 100):
        c.erreurs.append("Une inscription demande un enfant (« Enfant : nom », « prénom »).")
    return LigneLue(numero_ligne, famille, titulaire, conjoint, enfant, inscription, c.erreurs)


def modele():
    """Le tablib.Dataset du modèle : les en-têtes et une ligne d'exemple (docs/import.md)."""
    donnees = tablib.Dataset(headers=[colonne.entete for colonne in COLONNES])
    donnees.append([colonne.exemple for colonne in COLONNES])
    donnees.title = "Familles"
    return donnees


def aide_des_colonnes():
    """(en-tête, obligatoire, aide) de chaque colonne, pour la page d'import."""
    return [(c.entete, c.obligatoire, c.aide) for c in COLONNES]
