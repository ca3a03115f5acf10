"""Le travail de fond de l'import des familles (la file et la page « Travaux » : travaux/).

Un fichier de plus de SEUIL_IMPORT lignes, simulé puis confirmé dans l'administration,
s'importe dans un travail : le worker relit le fichier déposé (enfants/importation.py :
depot), le vérifie de nouveau et l'importe d'un seul tenant, puis l'efface. Relancé ou repris,
il ne refait rien : un import déjà validé ne trouve plus rien à changer.
"""

from django.core.exceptions import ValidationError
from django_tasks import task

from enfants import importation
from travaux.models import Travail
from travaux.services import avancer, creer_travail, executer

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
