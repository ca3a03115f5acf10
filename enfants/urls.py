from django.urls import path

from enfants import views

urlpatterns = [
    path("mes-enfants/", views.mes_enfants, name="mes_enfants"),
]
