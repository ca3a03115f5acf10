"""Les pages de l'application enfants.

« Mes enfants » et la fiche de chaque enfant sont dans `demandes/views/enfants.py` : elles
montrent les demandes en attente, et `enfants` ne dépend jamais de `demandes`.
"""
