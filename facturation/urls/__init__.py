"""Les adresses des pages de la facturation, rangées comme leurs vues (`facturation/views/`)."""

from facturation.urls import paiement, releve

urlpatterns = [*releve.urlpatterns, *paiement.urlpatterns]
