from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portail import views

admin.site.site_header = "Portail Familles — administration du service enfance"
admin.site.site_title = "Portail Familles"
admin.site.index_title = "Service enfance"

handler500 = "portail.views.erreur_serveur"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Comptes
    path("connexion/", views.ConnexionView.as_view(), name="connexion"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="deconnexion"),
    path("mot-de-passe/", views.ChangerMotDePasseView.as_view(), name="mot_de_passe_changer"),
    path(
        "mot-de-passe/nouveau/",
        views.MotDePasseObligatoireView.as_view(),
        name="mot_de_passe_obligatoire",
    ),
    path("mot-de-passe/oublie/", views.MotDePasseOublieView.as_view(), name="mot_de_passe_oublie"),
    path(
        "mot-de-passe/oublie/envoye/",
        views.MotDePasseOublieEnvoyeView.as_view(),
        name="mot_de_passe_oublie_envoye",
    ),
    path(
        "mot-de-passe/reinitialiser/<uidb64>/<token>/",
        views.MotDePasseReinitialiserView.as_view(),
        name="mot_de_passe_reinitialiser",
    ),
    path(
        "mot-de-passe/reinitialise/",
        views.MotDePasseReinitialiseView.as_view(),
        name="mot_de_passe_reinitialise",
    ),
    # Les onglets du parent connecté
    path("", include("familles.urls")),
    path("", include("enfants.urls")),
    path("", include("facturation.urls")),
    path("", include("demandes.urls")),
    path("", include("dossiers.urls")),
    path("admin/tableau-de-bord/", views.tableau_de_bord_view, name="tableau_de_bord"),
    path("admin/", admin.site.urls),
]
