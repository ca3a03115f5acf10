"""Les adresses des pages de `demandes`, rangées comme leurs vues (`demandes/views/`)."""

from demandes.urls import mon_compte

urlpatterns = mon_compte.urlpatterns
