"""Une tâche d'essai pour les tests de la file et de la page « Travaux » : elle compte les
éléments de ses paramètres, un par un, et note en erreur ceux de `echecs`."""

import time

from django.core.exceptions import ValidationError
from django_tasks import task

from travaux.services import avancer, executer, noter_erreur


@task
def compter(travail_id):
    return executer(travail_id=travail_id, faire=_compter)


def _compter(travail):
    elements = travail.parametres["elements"]
    echecs = set(travail.parametres.get("echecs", []))
    if travail.parametres.get("refuser"):
        raise ValidationError("Rien à compter : la liste est refusée.")
    avancer(travail=travail, de=0, total=len(elements))
    comptes = 0
    for element in elements:
        time.sleep(travail.parametres.get("pause", 0))
        if element in echecs:
            noter_erreur(
                travail=travail,
                reference=f"element:{element}",
                element=f"Élément {element}",
                message="Cet élément ne se compte pas.",
            )
        else:
            comptes += 1
        avancer(travail=travail)
    return {"comptes": comptes}
