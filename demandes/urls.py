from django.urls import path

from demandes import views

urlpatterns = [
    path("demandes/", views.demandes, name="demandes"),
]
