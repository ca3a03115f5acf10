"""Les demandes qui portent sur les enfants (« Mes enfants »)."""

urlpatterns = []
