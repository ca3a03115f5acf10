from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portail import compte, views
from portail.sante import sante

admin.site.site_header = "Portail Familles — administration du service enfance"
admin.site.site_title = "Portail Familles"
admin.site.index_title = "Service enfance"

handler500 = "portail.views.erreur_serveur"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("favicon.ico", views.favicon, name="favicon"),
    # La santé du portail pour la surveillance : sans connexion, sans HTTPS obligatoire.
    path("sante/", sante, name="sante"),
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
    # Créer mon compte
    path("creer-mon-compte/", compte.creer_compte, name="creer_compte"),
    path("creer-mon-compte/envoye/", compte.creer_compte_envoye, name="creer_compte_envoye"),
    path("creer-mon-compte/confirmer/<str:jeton>/", compte.confirmer, name="confirmer_compte"),
    path("compte-en-validation/", compte.compte_en_validation, name="compte_en_validation"),
    # Mes données (Mon compte)
    path("mon-compte/mes-donnees/", compte.telecharger_mes_donnees, name="mes_donnees"),
    path("mon-compte/mes-donnees/resume/", compte.resume_de_mes_donnees, name="mes_donnees_pdf"),
    path("mon-compte/effacement/", compte.demander_effacement, name="demander_effacement"),
    # Les pages légales, ouvertes à tous
    *(
        path(adresse, views.page_legale, {"page": nom}, name=nom)
        for adresse, nom in (
            ("mentions-legales/", "mentions_legales"),
            ("donnees-personnelles/", "donnees_personnelles"),
            ("accessibilite/", "accessibilite"),
            ("plan-du-site/", "plan_du_site"),
        )
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
