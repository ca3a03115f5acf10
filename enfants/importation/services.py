"""L'import lui-même (enfants/importation) : vérifier toutes les lignes, puis simuler ou
importer d'un seul tenant ; le rapport de ce qui est fait."""

import os
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from enfants.importation.lecture import (
    CHAMPS_FAMILLE,
    COLONNES,
    ENTETES,
    FichierIllisible,
    cle_entete,
    lire_fichier,
    lire_ligne,
)
from enfants.models import Enfant, Inscription, Prestation
from familles.models import Famille, Responsable, Utilisateur
from familles.notifications import envoyer_courriel, lien_portail


def depot():
    """Où un fichier attend entre sa simulation et son import (jamais servi)."""
    return FileSystemStorage(location=os.path.join(str(settings.MEDIA_ROOT), "imports"))


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


# --- Importer ----------------------------------------------------------------------------


def importer_familles(*, donnees, simulation, par=None):
    """Vérifie puis importe `donnees` (lire_fichier) ; le Rapport dit ce qui est (ou serait,
    en simulation) créé et mis à jour, et chaque ligne en erreur. Rien n'est écrit si une
    ligne est en erreur ; en simulation, rien n'est écrit du tout (les fiches sont préparées
    sans être enregistrées)."""
    colonnes = _colonnes(donnees.headers)
    rapport = Rapport(simulation=simulation)
    prestations = {
        (cle_entete(p.structure.nom), cle_entete(p.nom)): p
        for p in Prestation.objects.select_related("structure")
    }
    lignes = []
    for index, valeurs in enumerate(donnees, start=2):  # la ligne 1 porte les en-têtes
        brutes = {cle: valeurs[i] for i, cle in colonnes.items()}
        if all(valeur in (None, "") for valeur in brutes.values()):
            continue
        lignes.append(lire_ligne(index, brutes, prestations))
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
        cle = ENTETES.get(cle_entete(entete))
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
    return (cle_entete(personne.get("nom")), cle_entete(personne.get("prenom")))


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
        base = cle_entete(f"{responsable.prenom} {responsable.nom}").replace(" ", ".")[:140]
        base = base or "parent"
        if self.pris is None:
            self.pris = set(Utilisateur.objects.values_list("username", flat=True))
        identifiant, suffixe = base, 1
        while identifiant in self.pris or identifiant in self.identifiants:
            suffixe += 1
            identifiant = f"{base}{suffixe}"
        self.identifiants.add(identifiant)
        return identifiant

    def enfant(self, n, famille, valeurs):
        cle = (
            cle_entete(valeurs["nom"]),
            cle_entete(valeurs["prenom"]),
            valeurs["date_naissance"],
        )
        for enfant in famille.enfants_importes:
            if (cle_entete(enfant.nom), cle_entete(enfant.prenom), enfant.date_naissance) == cle:
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


def lire_et_importer(contenu, nom, *, simulation, par=None):
    """Le raccourci de la page et de la commande : lire puis importer (FichierIllisible si
    le fichier ne se lit pas)."""
    return importer_familles(donnees=lire_fichier(contenu, nom), simulation=simulation, par=par)
