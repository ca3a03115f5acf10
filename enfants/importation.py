"""L'import des familles d'un autre logiciel : un fichier CSV ou XLSX (docs/import.md), une
ligne par enfant et par inscription, les colonnes de la famille et de ses responsables
répétées sur chaque ligne de la famille.

`lire_fichier` lit le fichier (tablib) ; `importer_familles` le vérifie en entier, puis :
- en simulation, fait l'import dans une transaction qu'elle annule, et dit ce qui serait
  créé et mis à jour, ligne par ligne ;
- sinon, l'import d'un seul tenant (tout ou rien), et seulement si aucune ligne n'est en
  erreur.

Une cellule vide ne change rien à la fiche existante ; une valeur égale non plus : importer
deux fois le même fichier ne change rien la seconde fois. Un responsable créé reçoit un compte
sans mot de passe, qu'il doit choisir à sa première connexion : le courriel de bienvenue (file
d'envoi) porte son identifiant et le lien pour le choisir.
"""

import csv
import datetime
import io
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from enfants.models import Enfant, Inscription, Jour, Prestation
from familles.forms.mon_compte import bic_valide, iban_compact, telephone_francais
from familles.models import Famille, Responsable, Utilisateur
from familles.notifications import envoyer_courriel, lien_portail

TAILLE_MAX = 5 * 1024 * 1024  # 5 Mo, comme les autres fichiers déposés
LIGNES_MAX = 50_000


def depot():
    """Où un fichier attend entre sa simulation et son import (jamais servi)."""
    return FileSystemStorage(location=os.path.join(str(settings.MEDIA_ROOT), "imports"))


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
    try:
        classeur = load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
        feuille = classeur.worksheets[0]
        return iter(list(feuille.iter_rows(values_only=True)))
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


def _cle_entete(texte):
    """« Enfant : Date de naissance » et « enfant:date de naissance » se valent."""
    texte = unicodedata.normalize("NFKD", str(texte or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", texte.lower()).strip()


ENTETES = {_cle_entete(colonne.entete): colonne.cle for colonne in COLONNES}


# --- Le rapport --------------------------------------------------------------------------


@dataclass
class Rapport:
    simulation: bool
    lignes: int = 0
    crees: Counter = field(default_factory=Counter)
    mis_a_jour: Counter = field(default_factory=Counter)
    operations: list = field(default_factory=list)  # (n° de ligne, texte)
    erreurs: list = field(default_factory=list)  # (n° de ligne, [messages])
    comptes: list = field(default_factory=list)  # (identifiant, adresse ou "")

    @property
    def importable(self):
        return not self.erreurs

    @property
    def rien_a_faire(self):
        return not self.crees and not self.mis_a_jour

    def resume(self):
        """« familles : 2 créées, 1 mise à jour ; … » ; « rien à changer »."""
        if self.rien_a_faire:
            return "rien à changer"
        return " ; ".join(
            f"{quoi} : {self.crees[quoi]} créé(e)s, {self.mis_a_jour[quoi]} mis(es) à jour"
            for quoi in QUOI
            if self.crees[quoi] or self.mis_a_jour[quoi]
        )

    def tableau(self):
        """(quoi, créés, mis à jour) pour la page."""
        return [(quoi, self.crees[quoi], self.mis_a_jour[quoi]) for quoi in QUOI]


QUOI = ("familles", "responsables", "comptes", "enfants", "inscriptions")


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
        trouve = choix.get(_cle_entete(valeur))
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
JOURS = {_cle_entete(jour.label): str(jour.value) for jour in Jour} | {
    _cle_entete(jour.label[:2]): str(jour.value) for jour in Jour
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
            chiffre = JOURS.get(_cle_entete(morceau))
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


def _lire_ligne(numero_ligne, brutes, prestations):
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
            prestation = prestations.get((_cle_entete(nom_structure), _cle_entete(nom_prestation)))
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


# --- Importer ----------------------------------------------------------------------------


def importer_familles(*, donnees, simulation, par=None):
    """Vérifie puis importe `donnees` (lire_fichier) ; le Rapport dit ce qui est (ou serait,
    en simulation) créé et mis à jour, et chaque ligne en erreur. Rien n'est écrit si une
    ligne est en erreur ; en simulation, rien n'est écrit du tout (les fiches sont préparées
    sans être enregistrées)."""
    colonnes = _colonnes(donnees.headers)
    rapport = Rapport(simulation=simulation)
    prestations = {
        (_cle_entete(p.structure.nom), _cle_entete(p.nom)): p
        for p in Prestation.objects.select_related("structure")
    }
    lignes = []
    for index, valeurs in enumerate(donnees, start=2):  # la ligne 1 porte les en-têtes
        brutes = {cle: valeurs[i] for i, cle in colonnes.items()}
        if all(valeur in (None, "") for valeur in brutes.values()):
            continue
        lignes.append(_lire_ligne(index, brutes, prestations))
    rapport.lignes = len(lignes)
    existantes = {
        famille.numero: famille
        for famille in Famille.objects.filter(
            numero__in={ligne.famille["numero"] for ligne in lignes}
        ).prefetch_related("responsables__utilisateur", "enfants__inscriptions")
    }
    _verifier_les_familles(lignes, existantes)
    rapport.erreurs = [(ligne.numero_ligne, ligne.erreurs) for ligne in lignes if ligne.erreurs]
    if rapport.erreurs:
        return rapport
    import_ = _Import(rapport=rapport, simulation=simulation, existantes=existantes)
    with transaction.atomic():
        for ligne in lignes:
            import_.ligne(ligne)
        for compte, responsable in import_.courriels:
            _envoyer_bienvenue(compte, responsable)
    return rapport


def _colonnes(entetes):
    """{index de la colonne: clé} ; FichierIllisible si une colonne obligatoire manque."""
    colonnes = {}
    for index, entete in enumerate(entetes):
        cle = ENTETES.get(_cle_entete(entete))
        if cle and cle not in colonnes.values():
            colonnes[index] = cle
    manquantes = [c.entete for c in COLONNES if c.obligatoire and c.cle not in colonnes.values()]
    if manquantes:
        raise FichierIllisible(
            "Colonnes manquantes : "
            + ", ".join(f"« {nom} »" for nom in manquantes)
            + ". Partez du modèle à télécharger sur cette page."
        )
    return colonnes


def _identite(personne):
    return (_cle_entete(personne.get("nom")), _cle_entete(personne.get("prenom")))


def _verifier_les_familles(lignes, existantes):
    """Un N° famille n'est qu'à une famille : les lignes d'un même numéro ont le même
    responsable et les mêmes informations, et une famille déjà au portail garde le sien."""
    premieres = {}
    for ligne in lignes:
        numero = ligne.famille["numero"]
        if not numero or ligne.erreurs:
            continue
        premiere = premieres.setdefault(numero, ligne)
        if premiere is not ligne:
            if _identite(premiere.titulaire) != _identite(ligne.titulaire):
                ligne.erreurs.append(
                    f"N° famille {numero} en double : la ligne {premiere.numero_ligne} le donne "
                    f"à {premiere.titulaire['nom']} {premiere.titulaire['prenom']}."
                )
            elif (premiere.famille, premiere.titulaire, premiere.conjoint) != (
                ligne.famille,
                ligne.titulaire,
                ligne.conjoint,
            ):
                ligne.erreurs.append(
                    f"Les informations de la famille {numero} diffèrent de celles de la ligne "
                    f"{premiere.numero_ligne} : elles doivent être les mêmes sur chaque ligne."
                )
        famille = existantes.get(numero)
        titulaire = famille.titulaire if famille else None
        if titulaire and _identite({"nom": titulaire.nom, "prenom": titulaire.prenom}) != _identite(
            ligne.titulaire
        ):
            ligne.erreurs.append(
                f"N° famille {numero} en double : il est déjà celui de la famille de "
                f"{titulaire.nom_complet} au portail."
            )


def _appliquer(objet, valeurs):
    """Pose les valeurs non vides qui changent ; renvoie les noms des champs changés."""
    changes = []
    for nom, valeur in valeurs.items():
        if valeur in ("", None) or getattr(objet, nom) == valeur:
            continue
        setattr(objet, nom, valeur)
        changes.append(nom)
    return changes


def _libelles(modele, champs):
    return ", ".join(str(modele._meta.get_field(nom).verbose_name) for nom in champs)


@dataclass
class _Import:
    """Un import en cours : ce qu'il a fait (le rapport), les familles du fichier déjà
    rencontrées, les courriels de bienvenue à envoyer. En simulation, `_ecrire` n'écrit rien."""

    rapport: Rapport
    simulation: bool
    existantes: dict
    courriels: list = field(default_factory=list)
    identifiants: set = field(default_factory=set)
    pris: set | None = None  # les identifiants déjà au portail, lus une fois

    def _ecrire(self, objet, changes=None):
        if not self.simulation:
            objet.save(update_fields=changes)

    def _noter(self, n, quoi, texte, *, cree):
        (self.rapport.crees if cree else self.rapport.mis_a_jour)[quoi] += 1
        self.rapport.operations.append((n, texte))

    def ligne(self, ligne):
        n, numero = ligne.numero_ligne, ligne.famille["numero"]
        famille = self.existantes.get(numero)
        valeurs = {nom: ligne.famille[nom] for nom in CHAMPS_FAMILLE}
        if famille is None:
            famille = Famille(numero=numero)
            _appliquer(famille, valeurs)
            self._ecrire(famille)
            famille.enfants_importes, famille.responsables_importes = [], {}
            self.existantes[numero] = famille
            self._noter(n, "familles", f"Famille {numero} créée.", cree=True)
        else:
            if not hasattr(famille, "responsables_importes"):
                famille.enfants_importes = list(famille.enfants.all())
                famille.responsables_importes = {r.role: r for r in famille.responsables.all()}
            changes = _appliquer(famille, valeurs)
            if changes:
                self._ecrire(famille, changes)
                self._noter(
                    n,
                    "familles",
                    f"Famille {numero} mise à jour : {_libelles(Famille, changes)}.",
                    cree=False,
                )
        titulaire = self.responsable(n, famille, Responsable.Role.TITULAIRE, ligne.titulaire)
        if ligne.conjoint:
            self.responsable(n, famille, Responsable.Role.CONJOINT, ligne.conjoint)
        if ligne.enfant:
            enfant = self.enfant(n, famille, ligne.enfant)
            if ligne.inscription:
                self.inscription(n, enfant, titulaire, ligne.inscription)

    def responsable(self, n, famille, role, valeurs):
        responsable = famille.responsables_importes.get(role)
        libelle = "Responsable" if role == Responsable.Role.TITULAIRE else "Conjoint"
        if responsable is not None:
            changes = _appliquer(responsable, valeurs)
            if changes:
                self._ecrire(responsable, changes)
                self._noter(
                    n,
                    "responsables",
                    f"{libelle} {responsable.nom_complet} mis(e) à jour : "
                    f"{_libelles(Responsable, changes)}.",
                    cree=False,
                )
            return responsable
        responsable = Responsable(famille=famille, role=role)
        _appliquer(responsable, valeurs)
        compte = Utilisateur(
            username=self.identifiant_libre(responsable),
            first_name=responsable.prenom[:150],
            last_name=responsable.nom[:150],
            email=responsable.email,
            doit_changer_mot_de_passe=True,
        )
        # Aucun mot de passe : le responsable le choisit par le lien du courriel de bienvenue.
        compte.set_unusable_password()
        self._ecrire(compte)
        responsable.utilisateur = compte
        self._ecrire(responsable)
        famille.responsables_importes[role] = responsable
        self._noter(
            n,
            "responsables",
            f"{libelle} {responsable.nom_complet} créé(e), avec le compte « {compte.username} »"
            + (
                " (courriel pour choisir son mot de passe)."
                if responsable.email
                else " (sans adresse e-mail : donnez-lui un mot de passe provisoire)."
            ),
            cree=True,
        )
        self.rapport.crees["comptes"] += 1
        self.rapport.comptes.append((compte.username, responsable.email))
        if responsable.email and not self.simulation:
            self.courriels.append((compte, responsable))
        return responsable

    def identifiant_libre(self, responsable):
        """« prenom.nom », suivi d'un numéro s'il est déjà pris."""
        base = _cle_entete(f"{responsable.prenom} {responsable.nom}").replace(" ", ".")[:140]
        base = base or "parent"
        pris = self.identifiants | set(
            Utilisateur.objects.filter(username__startswith=base).values_list("username", flat=True)
        )
        identifiant, suffixe = base, 1
        while identifiant in pris:
            suffixe += 1
            identifiant = f"{base}{suffixe}"
        self.identifiants.add(identifiant)
        return identifiant

    def enfant(self, n, famille, valeurs):
        cle = (
            _cle_entete(valeurs["nom"]),
            _cle_entete(valeurs["prenom"]),
            valeurs["date_naissance"],
        )
        for enfant in famille.enfants_importes:
            if (_cle_entete(enfant.nom), _cle_entete(enfant.prenom), enfant.date_naissance) == cle:
                changes = _appliquer(enfant, {"sexe": valeurs["sexe"]})
                if changes:
                    self._ecrire(enfant, changes)
                    self._noter(n, "enfants", f"Enfant {enfant} mis à jour : sexe.", cree=False)
                return enfant
        enfant = Enfant(famille=famille)
        _appliquer(enfant, valeurs)
        self._ecrire(enfant)
        enfant.inscriptions_importees = []
        famille.enfants_importes.append(enfant)
        self._noter(
            n,
            "enfants",
            f"Enfant {enfant} (né(e) le {enfant.date_naissance:%d/%m/%Y}) créé(e).",
            cree=True,
        )
        return enfant

    def inscription(self, n, enfant, titulaire, valeurs):
        if not hasattr(enfant, "inscriptions_importees"):
            enfant.inscriptions_importees = list(enfant.inscriptions.all())
        for inscription in enfant.inscriptions_importees:
            if (inscription.prestation_id, inscription.date_debut) == (
                valeurs["prestation"].pk,
                valeurs["date_debut"],
            ):
                changes = _appliquer(
                    inscription,
                    {
                        "date_fin": valeurs["date_fin"],
                        "jours_reguliers": valeurs["jours_reguliers"],
                    },
                )
                if changes:
                    self._ecrire(inscription, changes)
                    champs = _libelles(Inscription, changes)
                    self._noter(
                        n,
                        "inscriptions",
                        f"Inscription {inscription} mise à jour : {champs}.",
                        cree=False,
                    )
                return
        inscription = Inscription(enfant=enfant, responsable=titulaire, **valeurs)
        self._ecrire(inscription)
        enfant.inscriptions_importees.append(inscription)
        self._noter(
            n,
            "inscriptions",
            f"Inscription {inscription} du {inscription.date_debut:%d/%m/%Y} créée.",
            cree=True,
        )


def _envoyer_bienvenue(compte, responsable):
    chemin = reverse(
        "mot_de_passe_reinitialiser",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(compte.pk)),
            "token": default_token_generator.make_token(compte),
        },
    )
    envoyer_courriel(
        adresses=[responsable.email],
        sujet="Votre compte sur le Portail Familles",
        gabarit="compte_importe",
        contexte={"identifiant": compte.username, "lien": lien_portail(chemin)},
    )


def modele():
    """Le tablib.Dataset du modèle : les en-têtes et une ligne d'exemple (docs/import.md)."""
    donnees = tablib.Dataset(headers=[colonne.entete for colonne in COLONNES])
    donnees.append([colonne.exemple for colonne in COLONNES])
    donnees.title = "Familles"
    return donnees


def aide_des_colonnes():
    """(en-tête, obligatoire, aide) de chaque colonne, pour la page d'import."""
    return [(c.entete, c.obligatoire, c.aide) for c in COLONNES]


def lire_et_importer(contenu, nom, *, simulation, par=None):
    """Le raccourci de la page et de la commande : lire puis importer (FichierIllisible si
    le fichier ne se lit pas)."""
    return importer_familles(donnees=lire_fichier(contenu, nom), simulation=simulation, par=par)
