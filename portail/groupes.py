"""Les groupes d'agents du service enfance et leurs permissions, définis en un seul endroit.

`creer_groupes()` crée les groupes ou remet leurs permissions à l'identique : la
démonstration et les tests l'appellent, une installation aussi (`manage.py creer_groupes`).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

AGENTS = "Agents du service enfance"
AGENTS_SANITAIRES = "Agents habilités aux données sanitaires"

VOIR, AJOUTER, MODIFIER, SUPPRIMER = "view", "add", "change", "delete"
CONSULTER_ET_SAISIR = (VOIR, AJOUTER, MODIFIER)

# Modèle → actions permises. La suppression n'est donnée que là où elle ne fait rien perdre
# d'important : jamais sur une facture, un règlement ou une affectation (le compte d'une
# famille doit rester juste), ni sur une famille, un enfant ou une journée.
PERMISSIONS = {
    AGENTS: {
        "familles.utilisateur": CONSULTER_ET_SAISIR,  # créer les comptes des parents
        "familles.famille": CONSULTER_ET_SAISIR,
        "familles.responsable": CONSULTER_ET_SAISIR,
        "familles.message": (*CONSULTER_ET_SAISIR, SUPPRIMER),
        "familles.document": (*CONSULTER_ET_SAISIR, SUPPRIMER),
        "enfants.enfant": CONSULTER_ET_SAISIR,
        "enfants.personneautorisee": (*CONSULTER_ET_SAISIR, SUPPRIMER),
        "enfants.structure": CONSULTER_ET_SAISIR,
        "enfants.prestation": CONSULTER_ET_SAISIR,
        "enfants.inscription": CONSULTER_ET_SAISIR,
        "enfants.journee": CONSULTER_ET_SAISIR,
        "enfants.fermeture": (*CONSULTER_ET_SAISIR, SUPPRIMER),
        # Les campagnes de réservation ; leur résultat s'écrit par l'attribution seule.
        "enfants.campagne": CONSULTER_ET_SAISIR,
        "enfants.resultatattribution": (VOIR,),
        "facturation.regie": (VOIR, MODIFIER),
        "facturation.tarif": CONSULTER_ET_SAISIR,
        "facturation.tranchequotient": (*CONSULTER_ET_SAISIR, SUPPRIMER),
        # Ajouter une facture : émettre celles d'un mois (action « Facturer un mois »).
        "facturation.facture": (VOIR, AJOUTER),
        "facturation.lignefacture": (VOIR,),
        "facturation.reglement": CONSULTER_ET_SAISIR,
        "facturation.affectation": CONSULTER_ET_SAISIR,
        "facturation.mandatsepa": CONSULTER_ET_SAISIR,
        # Ajouter une attestation fiscale : émettre celles d'une année pour toutes les familles.
        "facturation.attestationfiscale": (VOIR, AJOUTER),
        "demandes.demande": (VOIR, MODIFIER),  # décider, pas créer ni effacer
        # Le dossier annuel : les documents déposés se décident par leur demande.
        "dossiers.typedocument": CONSULTER_ET_SAISIR,
        "dossiers.exigencedossier": (*CONSULTER_ET_SAISIR, SUPPRIMER),
        "dossiers.piecedossier": (VOIR,),
        "dossiers.certificationannuelle": (VOIR,),
        # La file d'envoi des courriels : voir chaque courriel et ses essais ; « modifier » ne
        # sert qu'à réessayer ceux qui ont échoué (courriels/admin.py).
        "post_office.email": (VOIR, MODIFIER),
    },
    # Les données de santé (RGPD art. 9), en plus du groupe des agents.
    AGENTS_SANITAIRES: {
        "enfants.fichesanitaire": CONSULTER_ET_SAISIR,
        "enfants.vaccination": (*CONSULTER_ET_SAISIR, SUPPRIMER),
    },
}
PERMISSIONS_PARTICULIERES = {
    AGENTS_SANITAIRES: ("enfants.voir_donnees_sanitaires",),
}


def noms_de_permissions(groupe):
    """Les permissions du groupe, en « app.codename »."""
    noms = [
        f"{modele.split('.')[0]}.{action}_{modele.split('.')[1]}"
        for modele, actions in PERMISSIONS[groupe].items()
        for action in actions
    ]
    return [*noms, *PERMISSIONS_PARTICULIERES.get(groupe, ())]


def _permissions(noms):
    voulues = {tuple(nom.split(".")) for nom in noms}
    trouvees = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in=[codename for _, codename in voulues]
        )
    }
    manquantes = voulues - trouvees.keys()
    if manquantes:
        liste = ", ".join(sorted(".".join(nom) for nom in manquantes))
        raise LookupError(f"Permissions introuvables (migrations appliquées ?) : {liste}")
    return [trouvees[nom] for nom in voulues]


@transaction.atomic
def creer_groupes():
    """Crée les deux groupes d'agents et leur donne exactement leurs permissions."""
    groupes = {}
    for nom in PERMISSIONS:
        groupe, _ = Group.objects.get_or_create(name=nom)
        groupe.permissions.set(_permissions(noms_de_permissions(nom)))
        groupes[nom] = groupe
    return groupes
