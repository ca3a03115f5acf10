"""Les données de la page « Mon compte », construites ici en un nombre fixe de requêtes, quel
que soit le nombre de demandes : les fiches de la famille bloc par bloc et, à côté de chaque
bloc, ce qui attend la décision du service. Les demandes en attente se lisent par `demandes`
(l'exception documentée de l'ordre des applications : cette page dépose des demandes)."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from demandes import lectures as lectures_demandes
from demandes.lecture import libelle_champ, valeur_lisible, valeurs_demandees
from demandes.models import Demande
from demandes.services import en_json
from familles import lectures
from familles.blocs import BLOCS, BLOCS_FAMILLE, BLOCS_RESPONSABLE, quotient_calcule
from familles.formats import entier_lisible
from familles.models import Famille, Responsable


@dataclass
class DemandeEnAttente:
    demande: Demande
    lignes: list  # (libellé, valeur demandée)
    aussi: str = ""  # les autres blocs que la même demande change : « Autorisations »


@dataclass
class VueBloc:
    """Un bloc de la page : ses valeurs actuelles, sa demande en attente, son formulaire."""

    titre: str
    lignes: list  # (libellé, valeur lisible, ou "" si elle est vide)
    url: str | None = None
    cle: str = ""  # pour les identifiants HTML
    en_attente: list = field(default_factory=list)


@dataclass
class VuePersonne:
    titre: str
    responsable: Responsable | None
    identite: list = field(default_factory=list)
    blocs: list = field(default_factory=list)
    declaration: DemandeEnAttente | None = None  # un conjoint déclaré, en attente


def lignes_de_la_fiche(fiche, champs, libelles=None):
    """(libellé, valeur lisible) des champs de la fiche ; "" pour une valeur vide."""
    lignes = []
    for nom in champs:
        champ = fiche._meta.get_field(nom)
        valeur = en_json(getattr(fiche, nom))
        lisible = valeur_lisible(champ, valeur) if valeur not in (None, "") else ""
        lignes.append(((libelles or {}).get(nom) or libelle_champ(champ, nom), lisible))
    return lignes


def _en_attente(demandes, fiche, bloc, blocs):
    """Les demandes en attente sur la fiche qui changent l'un des champs du bloc, lisibles,
    avec les autres blocs (parmi `blocs`) que chacune change aussi."""
    vues = []
    for demande in demandes:
        cles = demande.valeurs_demandees.keys()
        if demande.cible_id != fiche.pk or not set(bloc.champs) & cles:
            continue
        aussi = [b.titre for b in blocs if b != bloc and set(b.champs) & cles]
        vues.append(
            DemandeEnAttente(demande, valeurs_demandees(demande, bloc.champs), ", ".join(aussi))
        )
    return vues


def _vue_personne(titre, responsable, famille, demandes):
    identite = lignes_de_la_fiche(responsable, ("civilite", "nom", "prenom"))
    if famille is not None:
        identite.append(("N° famille", famille.numero))
    identite += lignes_de_la_fiche(responsable, ("qualite",))
    blocs = [
        VueBloc(
            titre=bloc.titre,
            lignes=lignes_de_la_fiche(responsable, bloc.champs),
            url=reverse("demande_bloc", args=[bloc.nom, responsable.role]),
            cle=f"{bloc.nom}-{responsable.role}",
            en_attente=_en_attente(demandes, responsable, bloc, BLOCS_RESPONSABLE),
        )
        for bloc in BLOCS_RESPONSABLE
    ]
    return VuePersonne(titre, responsable, identite, blocs)


def page_mon_compte(famille, responsable):
    """« Mon compte » : le parent connecté, l'autre responsable, puis la famille ; à côté de
    chaque bloc, ce qui attend la décision du service. Quatre requêtes."""
    responsables = lectures.responsables(famille_id=famille.pk)
    autre = next((r for r in responsables if r.pk != responsable.pk), None)
    type_responsable = ContentType.objects.get_for_model(Responsable).pk
    type_famille = ContentType.objects.get_for_model(Famille).pk
    sur_responsables, sur_famille, declarations = [], [], []
    for demande in lectures_demandes.demandes_en_attente(famille_id=famille.pk):
        if demande.cible_id is None:
            declarations.append(demande)
        elif demande.cible_type_id == type_responsable:
            sur_responsables.append(demande)
        elif demande.cible_type_id == type_famille:
            sur_famille.append(demande)

    personnes = [_vue_personne("Mon compte", responsable, famille, sur_responsables)]
    if autre is not None:
        personnes.append(_vue_personne("Mon conjoint", autre, None, sur_responsables))
    else:
        conjoint = VuePersonne("Mon conjoint", None)
        declaration = next((d for d in declarations if d.type == Demande.Type.CONJOINT), None)
        if declaration is not None:
            conjoint.declaration = DemandeEnAttente(declaration, valeurs_demandees(declaration))
        personnes.append(conjoint)

    quotient = quotient_calcule(famille.revenu_fiscal, famille.nombre_parts)
    blocs_famille = []
    for bloc in BLOCS_FAMILLE:
        lignes = lignes_de_la_fiche(famille, bloc.champs)
        if bloc.nom == "fiscales":
            lignes.append(("Quotient familial calculé", entier_lisible(quotient)))
        if bloc.nom == "prelevement":
            lignes = lignes[:1]  # l'IBAN et le BIC se lisent dans « Informations bancaires »
        blocs_famille.append(
            VueBloc(
                titre=bloc.titre,
                lignes=lignes,
                url=reverse("demande_bloc_famille", args=[bloc.nom]),
                cle=bloc.nom,
                en_attente=_en_attente(sur_famille, famille, bloc, BLOCS_FAMILLE),
            )
        )
    return {
        "famille": famille,
        "personnes": personnes,
        "blocs_famille": blocs_famille,
        "effacement_en_attente": next(
            (d for d in declarations if d.type == Demande.Type.EFFACEMENT), None
        ),
    }


def bloc_et_fiche(famille, nom, role=None):
    """Le bloc nommé et la fiche qu'il modifie dans cette famille, ou (None, None)."""
    bloc = BLOCS.get(nom)
    if bloc is None or bloc.de_la_famille != (role is None):
        return None, None
    if bloc.de_la_famille:
        return bloc, famille
    fiche = next((r for r in famille.responsables.all() if r.role == role), None)
    return (bloc, fiche) if fiche is not None else (None, None)
