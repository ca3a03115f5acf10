"""Les travaux de fond des familles (la file et la page « Travaux » : travaux/) : un message à
toutes les familles d'une structure ou d'une prestation (« Écrire aux familles »), par lots.

Au-delà de SEUIL_ENVOI familles, l'envoi part dans un travail : chaque lot de familles reçoit
le message (services.ecrire_aux_familles : un Message par famille et ses courriels dans la file
d'envoi, dans la transaction du lot) et l'avancement bouge. Relancé ou repris, le travail
n'écrit pas deux fois à une famille : celles qui ont reçu le même message depuis son lancement
sont passées.
"""

from django_tasks import task

from familles import services
from familles.models import Famille
from travaux.models import Travail
from travaux.services import avancer, creer_travail, executer

# Jusqu'à ce nombre de familles, le message part dans la requête (quelques secondes au plus).
SEUIL_ENVOI = 20
LOT_DE_FAMILLES = 50


def lancer_ecriture(*, familles, par, sujet, corps):
    """Le travail qui écrit le message aux familles (une fois chacune), mis dans la file."""
    identifiants = sorted({famille.pk for famille in familles})
    nombre = len(identifiants)
    return creer_travail(
        genre=Travail.Genre.MESSAGES,
        titre=f"Message « {sujet[:80]} » à {nombre} familles",
        tache=ecrire_en_tache,
        parametres={"familles": identifiants, "sujet": sujet, "corps": corps},
        lance_par=par,
        unite="familles",
        total=nombre,
    )


@task
def ecrire_en_tache(travail_id):
    """La tâche de la file : l'envoi décrit par le travail (lancer_ecriture)."""
    return executer(travail_id=travail_id, faire=_ecrire)


def _ecrire(travail):
    parametres = travail.parametres
    identifiants = parametres["familles"]
    avancer(travail=travail, de=0, total=len(identifiants))
    envoyes = 0
    for debut in range(0, len(identifiants), LOT_DE_FAMILLES):
        lot = Famille.objects.filter(pk__in=identifiants[debut : debut + LOT_DE_FAMILLES])
        envoyes += len(
            services.ecrire_aux_familles(
                familles=list(lot),
                par=travail.lance_par,
                sujet=parametres["sujet"],
                corps=parametres["corps"],
                deja_depuis=travail.lance_le,
            )
        )
        avancer(travail=travail, de=min(LOT_DE_FAMILLES, len(identifiants) - debut))
    return {"Messages envoyés": str(envoyes), "Familles": str(len(identifiants))}
