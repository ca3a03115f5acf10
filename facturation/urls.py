from django.urls import path

from facturation import views

urlpatterns = [
    path("releve/", views.releve, name="releve"),
]
