from django.urls import path

from familles import views

urlpatterns = [
    path("mon-compte/", views.mon_compte, name="mon_compte"),
    path("messages/", views.boite, name="boite"),
]
