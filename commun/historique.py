"""L'historique des modèles (django-simple-history), sans reconstruire sa classe de gestionnaire
à chaque écriture.

Le descripteur `history` de django-simple-history refait, à chaque accès, la classe de son
gestionnaire (`HistoryManager.from_queryset(HistoricalQuerySet)`, qui inspecte toutes les
méthodes du queryset) ; or chaque enregistrement d'un modèle historisé y accède pour écrire sa
ligne d'historique : 0,4 ms par écriture, la plus grosse part du temps passé sous le verrou
d'une réservation. Ici la classe est construite une fois par couple (gestionnaire, queryset).

    history = HistoricalRecords(history_manager=GestionnaireHistorique)
"""

import functools

from simple_history.manager import HistoryManager


class GestionnaireHistorique(HistoryManager):
    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)
