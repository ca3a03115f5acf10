"""Les pages de l'application enfants. « Mes enfants » et ses demandes sont dans
`demandes/urls/enfants.py` : elles montrent ce qui est en attente, et `enfants` ne dépend pas
de `demandes`."""

urlpatterns = []
