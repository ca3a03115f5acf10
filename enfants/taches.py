"""Les travaux de fond des enfants (la file et la page « Travaux » : travaux/) : l'attribution
des places d'une campagne « équitable » après sa clôture (« Attribuer les places » de
l'administration), et l'import des familles d'un grand fichier.

L'attribution d'une grande campagne (des milliers de vœux, un courriel par famille) ne tient
pas dans une requête : l'action met un travail dans la file et revient aussitôt avec son lien.
Le worker attribue par `campagnes.allouer_campagne`, en une transaction (le tirage, les places,
les résultats et les courriels des familles ensemble, ou rien) ; relancé ou repris, il ne
refait rien (`Campagne.attribuee_le`). La commande planifiée `allouer_campagnes_closes`
attribue par le même service, sans passer par la file (elle tourne déjà hors des requêtes).

Un fichier de plus de SEUIL_IMPORT lignes, simulé puis confirmé dans l'administration,
s'importe dans un travail : le worker relit le fichier déposé (enfants/importation.py :
depot), le vérifie de nouveau et l'importe d'un seul tenant, puis l'efface. Relancé ou repris,
il ne refait rien : un import déjà validé ne trouve plus rien à changer.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import task

from enfants import importation
from enfants.campagnes import CampagneImpossible, allouer_campagne, raison_de_ne_pas_attribuer
from enfants.models import Campagne
from travaux.models import Travail
from travaux.services import avancer, creer_travail, executer

ACTIFS = (Travail.Etat.EN_ATTENTE, Travail.Etat.EN_COURS)


def travail_en_cours(campagne):
    """Le travail d'attribution de la campagne encore en attente ou en cours, ou None."""
    return (
        Travail.objects.filter(
            genre=Travail.Genre.ATTRIBUTION, parametres__campagne=campagne.pk, etat__in=ACTIFS
        )
        .order_by("-pk")
        .first()
    )


def lancer_attribution(*, campagne, par=None, maintenant=None):
    """Le travail qui attribue les places de la campagne, mis dans la file. ValidationError
    (en français) si la campagne ne s'attribue pas maintenant ; rien n'est lancé."""
    raison = raison_de_ne_pas_attribuer(campagne, maintenant or timezone.now())
    if raison:
        raise ValidationError(raison)
    return creer_travail(
        genre=Travail.Genre.ATTRIBUTION,
        titre=f"Attribution des places de « {campagne.nom} »",
        tache=attribuer_en_tache,
        parametres={"campagne": campagne.pk},
        lance_par=par,
        unite="campagne",
        total=1,
    )


@task
def attribuer_en_tache(travail_id):
    """La tâche de la file : l'attribution décrite par le travail (lancer_attribution)."""
    return executer(travail_id=travail_id, faire=_attribuer)


def _attribuer(travail):
    campagne = Campagne.objects.get(pk=travail.parametres["campagne"])
    try:
        attribution = allouer_campagne(campagne, par=travail.lance_par)
    except CampagneImpossible as refus:
        raise ValidationError(refus.message) from refus
    avancer(travail=travail, de=1)
    if attribution.deja_faite:
        return {"campagne": campagne.nom, "attribution": attribution.resume}
    return {
        "campagne": campagne.nom,
        "familles": str(attribution.familles),
        "journées accordées": str(attribution.accordees),
        "en liste d'attente": str(attribution.en_attente),
    }


# Jusqu'à ce nombre de lignes, l'import se fait dans la requête (quelques secondes au plus).
SEUIL_IMPORT = 200


def lancer_import(*, fichier, nom, lignes, par):
    """Le travail qui importe le fichier déposé `fichier` (son nom dans le dépôt), en file."""
    return creer_travail(
        genre=Travail.Genre.IMPORT,
        titre=f"Import de « {nom[:80]} » ({lignes} lignes)",
        tache=importer_en_tache,
        parametres={"fichier": fichier, "nom": nom},
        lance_par=par,
        unite="lignes",
        total=lignes,
    )


@task
def importer_en_tache(travail_id):
    """La tâche de la file : l'import décrit par le travail (lancer_import)."""
    return executer(travail_id=travail_id, faire=_importer)


def _importer(travail):
    fichier = travail.parametres["fichier"]
    depot = importation.depot()
    if not depot.exists(fichier):
        raise ValidationError("Le fichier à importer n'est plus là : déposez-le de nouveau.")
    with depot.open(fichier, "rb") as flux:
        contenu = flux.read()
    try:
        rapport = importation.lire_et_importer(
            contenu, fichier, simulation=False, par=travail.lance_par
        )
    except importation.FichierIllisible as erreur:
        raise ValidationError(str(erreur)) from erreur
    if not rapport.importable:
        # Les fiches du portail ont changé depuis la simulation.
        raise ValidationError(
            "Rien n'a été importé : "
            + " ; ".join(f"ligne {n} : {' '.join(erreurs)}" for n, erreurs in rapport.erreurs[:20])
        )
    depot.delete(fichier)
    avancer(travail=travail, de=rapport.lignes, total=rapport.lignes)
    return {
        "lignes": rapport.lignes,
        "résultat": rapport.resume(),
        "comptes créés": rapport.crees["comptes"],
    }
