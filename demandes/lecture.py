"""Les valeurs d'une demande telles qu'on les lit : le nom français du champ et une valeur à la
française (« Oui », « 12/03/2017 », « Père », « 31 250,00 € », un IBAN par groupes de quatre).

Le portail (« Mon compte », « Liste des demandes ») et l'administration lisent les demandes
par ces fonctions : une valeur s'écrit partout de la même façon.
"""

import datetime
import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import floatformat
from django.utils.text import capfirst

from demandes.models import Demande
from demandes.services import SUPPRIMER
from enfants.models import Enfant, FicheSanitaire, Journee, PersonneAutorisee
from facturation.formats import euros
from familles.formats import iban_groupe
from familles.models import Famille, Responsable

VIDE = "—"

# Le modèle dont une demande change les champs, quand la demande ne vise pas encore de fiche
# (une création) : il sert à nommer les champs en français.
MODELE_PAR_TYPE = {
    Demande.Type.RESPONSABLE: Responsable,
    Demande.Type.CONJOINT: Responsable,
    Demande.Type.FISCALES: Famille,
    Demande.Type.CAF: Famille,
    Demande.Type.BANCAIRES: Famille,
    Demande.Type.PRELEVEMENT: Famille,
    Demande.Type.ENFANT: Enfant,
    Demande.Type.AUTORISATIONS: Enfant,
    Demande.Type.NOUVEL_ENFANT: Enfant,
    Demande.Type.PERSONNES_AUTORISEES: PersonneAutorisee,
    Demande.Type.DONNEES_SANITAIRES: FicheSanitaire,
    Demande.Type.RESERVATION: Journee,
    Demande.Type.ABSENCE: Journee,
    Demande.Type.EFFACEMENT: Famille,
}
# Les montants en euros (les autres nombres décimaux s'écrivent sans symbole).
CHAMPS_EN_EUROS = {"revenu_fiscal"}


def modele_de(demande):
    if demande.cible_type_id:
        modele = demande.cible_type.model_class()
        if modele is not None:
            return modele
    return MODELE_PAR_TYPE.get(demande.type)


def champ_de(modele, nom):
    if modele is None:
        return None
    try:
        return modele._meta.get_field(nom)
    except FieldDoesNotExist:
        return None


def libelle_champ(champ, nom):
    if champ is not None and hasattr(champ, "verbose_name"):
        return capfirst(champ.verbose_name)
    return capfirst(nom.replace("_", " "))


def valeur_lisible(champ, valeur):
    """Une valeur JSON telle qu'une famille ou un agent la lit : « Oui », « 12/03/2017 »."""
    if valeur is None or valeur == "" or valeur == [] or valeur == {}:
        return VIDE
    if isinstance(valeur, bool):
        return "Oui" if valeur else "Non"
    if champ is not None and getattr(champ, "choices", None):
        return str(dict(champ.flatchoices).get(valeur, valeur))
    if champ is not None and champ.name == "iban":
        return iban_groupe(valeur)
    if isinstance(champ, models.DecimalField):
        try:
            nombre = Decimal(str(valeur))
        except InvalidOperation:
            return str(valeur)
        return euros(nombre) if champ.name in CHAMPS_EN_EUROS else floatformat(nombre, "-2")
    if isinstance(champ, models.DateField) and isinstance(valeur, str):
        try:
            return f"{datetime.date.fromisoformat(valeur[:10]):%d/%m/%Y}"
        except ValueError:
            return valeur
    if isinstance(valeur, list | dict):
        return json.dumps(valeur, ensure_ascii=False)
    return str(valeur)


def lignes_de(demande):
    """(libellé, valeur actuelle, valeur demandée, changée ?) pour chaque champ de la demande."""
    modele = modele_de(demande)
    actuelles = demande.valeurs_actuelles or {}
    demandees = demande.valeurs_demandees or {}
    noms = list(actuelles) + [nom for nom in demandees if nom not in actuelles]
    lignes = []
    for nom in noms:
        champ = champ_de(modele, nom)
        avant, apres = actuelles.get(nom), demandees.get(nom)
        lignes.append(
            (
                libelle_champ(champ, nom),
                valeur_lisible(champ, avant),
                valeur_lisible(champ, apres) if nom in demandees else VIDE,
                nom in demandees and avant != apres,
            )
        )
    return lignes


def valeurs_demandees(demande, champs=None):
    """(libellé, valeur demandée) de chaque champ que la demande change, dans l'ordre des champs
    de la fiche ; limité à `champs` s'ils sont donnés ; "" pour une valeur effacée. Une
    suppression se lit « Supprimer cette fiche »."""
    demandees = demande.valeurs_demandees or {}
    if demandees.get(SUPPRIMER):
        return [("Demande", "Supprimer cette fiche")]
    modele = modele_de(demande)
    ordre = {f.name: i for i, f in enumerate(modele._meta.fields)} if modele else {}
    noms = sorted(
        (nom for nom in demandees if champs is None or nom in champs),
        key=lambda nom: ordre.get(nom, len(ordre)),
    )
    lignes = []
    for nom in noms:
        champ = champ_de(modele, nom)
        valeur = demandees[nom]
        lisible = valeur_lisible(champ, valeur) if valeur not in (None, "") else ""
        lignes.append((libelle_champ(champ, nom), lisible))
    return lignes
