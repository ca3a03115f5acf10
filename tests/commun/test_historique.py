"""L'historique des modèles garde son gestionnaire, construit une fois (commun/historique.py)."""

from commun.historique import GestionnaireHistorique


def test_history_manager_class_is_built_once_and_history_is_still_written(dupont):
    lucas = dupont.enfants.get()
    assert type(lucas.history) is type(lucas.history)
    assert isinstance(lucas.history, GestionnaireHistorique)

    lucas.prenom = "Léo"
    lucas._change_reason = "Prénom corrigé"
    lucas.save()

    derniere = lucas.history.first()
    assert (derniere.prenom, derniere.history_change_reason) == ("Léo", "Prénom corrigé")
    assert [h.prenom for h in lucas.history.all()] == ["Léo", "Lucas"]
