"""Réglages du Portail Familles.

Tout vient de l'environnement (django-environ) ; `.env.example` liste chaque variable.
Sans rien configurer, le portail tourne en démonstration sur un fichier SQLite.
"""

import sys
import tempfile
from datetime import timedelta
from decimal import Decimal
from email.utils import parseaddr
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from commun.suivi import initialiser_sentry

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY manque : en production (DEBUG=off), définissez une clé secrète."
        )
    SECRET_KEY = "dev-seulement-cle-non-secrete-ne-pas-utiliser-en-production"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "simple_history",
    "csp",
    # Les exports (CSV, XLSX) et l'import des listes de l'administration.
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "portail",
    # Les travaux de fond (file de tâches, page « Travaux ») : n'importe aucune autre
    # application du portail, toutes peuvent s'en servir.
    "travaux",
    "familles",
    "enfants",
    "facturation",
    "demandes",
    "dossiers",
    # La file d'envoi des courriels et sa page d'administration (courriels/).
    "post_office",
    "courriels",
]

MIDDLEWARE = [
    # L'identifiant de chaque requête (X-Request-ID) et sa ligne au journal : commun/journal.py.
    "commun.journal.IdentifiantDeRequeteMiddleware",
    "portail.middleware.EntetesSansCaractereNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portail.middleware.SessionGlissanteMiddleware",
    "portail.middleware.ReponsesPriveesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portail.middleware.ChangementMotDePasseObligatoireMiddleware",
    # Axes en dernier, comme le demande sa documentation.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portail.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portail.context_processors.bandeau",
            ],
        },
    },
    # Un seul gabarit : les lignes de la grille du planning (enfants/templatetags/planning.py),
    # trop lentes par le moteur de Django pour tenir le plancher du banc (docs/performance.md).
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"autoescape": True},
    },
]

WSGI_APPLICATION = "portail.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite ignore select_for_update : une transaction qui prend le verrou d'écriture dès son
    # début sérialise les réservations concurrentes (les places ne sont jamais dépassées).
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Paramètres liés côté serveur : psycopg prépare une requête revue cinq fois, PostgreSQL
    # n'en refait plus le plan (deux à trois fois moins de temps par requête courte). À couper
    # (DB_REQUETES_PREPAREES=off) derrière un PgBouncer en mode « transaction ».
    if env.bool("DB_REQUETES_PREPAREES", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )

# Les lectures des pages compilées une fois par processus (commun/requetes.py) ; « off » :
# l'ORM ordinaire à chaque appel (les mêmes résultats, un peu plus lents).
REQUETES_COMPILEES = env.bool("REQUETES_COMPILEES", default=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# La file des travaux de fond (l'API des tâches de Django, par django-tasks) : une facturation,
# une impression en lot partent dans la file et un processus à part (le « worker ») les fait.
# TACHES=base (par défaut) : la file est une table de la base (django-tasks-db, SQLite ou
# PostgreSQL), le worker est `manage.py db_worker`. TACHES=rq : la file est dans Redis
# (django-tasks-rq et django-rq, sur REDIS_URL, par défaut le serveur de CACHE_URL), le worker
# est `manage.py rqworker default`.
TACHES = env("TACHES", default="base")
if TACHES not in {"base", "rq"}:
    raise ImproperlyConfigured("TACHES : « base » (la file dans la base) ou « rq » (Redis).")


def _url_redis(url_du_cache):
    """L'adresse Redis de la file : REDIS_URL, sinon le serveur du cache (rediscache://…)."""
    if not url_du_cache.startswith(("rediscache://", "redis://", "rediss://")):
        return "redis://127.0.0.1:6379/0"
    return url_du_cache.replace("rediscache://", "redis://", 1)


REDIS_URL = env("REDIS_URL", default=_url_redis(env("CACHE_URL", default="")))
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_rq.RQBackend" if TACHES == "rq" else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
# La file de Redis (TACHES=rq) : une facturation de plusieurs milliers de familles dure plus
# que les 3 minutes que RQ accorde par défaut à une tâche.
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 6 * 60 * 60}}
# Le worker de RQ exécute les tâches de Django par la classe de django-tasks-rq.
RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
if TACHES == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
# Un travail dont le worker ne donne plus signe de vie depuis ce délai (secondes) est repris
# par `manage.py reprendre_travaux` (travaux/services.py : reprendre).
TRAVAUX_INACTIF_APRES = env.int("TRAVAUX_INACTIF_APRES", default=120)
# Une facturation d'un mois fait rendre ses PDF par ce nombre de workers à la fois : la tâche
# qui émet les factures, et des aides mises dans la file (facturation/taches.py). Autant que
# de workers (`db_worker`) qui tournent ; 1 : la tâche seule.
FACTURATION_PDF_EN_PARALLELE = env.int("FACTURATION_PDF_EN_PARALLELE", default=2)

# Comptes
AUTH_USER_MODEL = "familles.Utilisateur"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, qui charge aussi le responsable et sa famille avec l'utilisateur.
    "familles.backends.ComptesBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "portail.validators.ComplexiteValidator"},
]
LOGIN_URL = "connexion"
# Le cache : la mémoire du processus par défaut ; en production, un cache partagé par les
# processus du serveur (CACHE_URL=rediscache://127.0.0.1:6379/1), pour que la limite des
# demandes de réinitialisation du mot de passe vaille pour tous.
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # Ce qui ne sert qu'à l'affichage, dans la mémoire de chaque processus (docs/performance.md) :
    # des fragments de gabarits ({% cache … using="affichage" %}) dont la clé contient tout ce
    # qui les détermine (le mois et la zone des en-têtes de la grille, les choix d'un formulaire
    # vide), et le calendrier du mois affiché par la grille (enfants/lectures.py, une minute).
    "affichage": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "affichage",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "connexion"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # le lien de réinitialisation vaut 24 heures

# Verrouillage après 5 échecs (django-axes), par identifiant : un parent ne bloque pas
# tout un réseau d'établissement scolaire, et un attaquant ne contourne pas le verrou en
# changeant d'adresse IP.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/verrouille.html"
AXES_USERNAME_FORM_FIELD = "username"
# axes.W006 met en garde contre un verrou qu'on contournerait en changeant d'agent utilisateur
# ou de cookie : le nôtre porte sur l'identifiant seul, que ces changements ne touchent pas.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions : fermées avec le navigateur et après 30 minutes sans activité (l'échéance est
# repoussée au plus toutes les 5 minutes : portail.middleware.SessionGlissanteMiddleware).
# Les sessions de Django : en base ; lues dans le cache (et écrites aussi en base) quand un
# cache partagé par les processus est configuré (CACHE_URL).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if env("CACHE_URL", default="")
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Langue et heure
LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Fichiers statiques (servis par whitenoise) et fichiers déposés
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Où `collectstatic` range les fichiers statiques, que nginx sert (deploy/nginx/portail.conf) ;
# la vérification de la production (deploy/verifier-production.sh) les range hors du dépôt.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
# Le dossier des sauvegardes (`manage.py sauvegarder`, docs/sauvegarde.md).
SAUVEGARDES_DIR = env.path("SAUVEGARDES_DIR", default=BASE_DIR / "sauvegardes")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "portail.stockage.StockageStatique"
        )
    },
}

# Formulaires
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Courriel : chaque courriel est écrit dans la file d'envoi (django-post-office) par la
# transaction qui le cause (rien ne part d'une écriture annulée), puis remis au transport
# d'EMAIL_URL par `manage.py envoyer_courriels`, lancé chaque minute (deploy/systemd) : la
# console en démonstration, SMTP en production (EMAIL_URL=smtp+tls://…). Un envoi refusé
# (serveur SMTP en panne) est réessayé à 5, 10, 20, 40… minutes d'intervalle (au plus
# COURRIELS_ATTENTE_MAX entre deux essais), COURRIELS_ESSAIS fois, puis marqué « en échec »
# avec l'erreur (administration : Courriels). Un seul envoi à la fois : courriels/envoi.py.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # secondes d'attente du serveur SMTP
EMAIL_BACKEND = "post_office.EmailBackend"
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_CONFIG["EMAIL_BACKEND"]},
    "DEFAULT_PRIORITY": "medium",
    "MAX_RETRIES": env.int("COURRIELS_ESSAIS", default=12),
    # Le premier délai ; chaque nouvel essai double le précédent (courriels/envoi.py).
    "RETRY_INTERVAL": timedelta(minutes=5),
    "BATCH_SIZE": 100,
    "THREADS_PER_PROCESS": 4,
    "LOG_LEVEL": 2,  # le journal garde les envois réussis et les échecs
    "MESSAGE_ID_ENABLED": True,
}
COURRIELS_ATTENTE_MAX = timedelta(hours=env.int("COURRIELS_ATTENTE_MAX_HEURES", default=4))
# Les rappels par courriel (`manage.py rappeler_echeances`, chaque matin) : une facture impayée
# tant de jours avant son échéance, un document du dossier tant de jours avant son expiration.
RAPPEL_ECHEANCE_JOURS = env.int("RAPPEL_ECHEANCE_JOURS", default=5)
RAPPEL_DOCUMENT_JOURS = env.int("RAPPEL_DOCUMENT_JOURS", default=30)
# Le verrou qui garde un seul envoyeur par machine (PostgreSQL en garde un seul en tout).
COURRIELS_VERROU = env(
    "COURRIELS_VERROU", default=str(Path(tempfile.gettempdir()) / "portail-courriels.lock")
)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Service enfance Val Vanoise <adminenfance@valvanoise.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# L'adresse publique du portail, pour les liens des courriels et des factures PDF (faits aussi
# hors de toute requête : commandes, tâches). Sans elle, le serveur de démonstration sur le
# port PORT (`PORT=8771 make run`).
PORTAIL_URL = env("PORTAIL_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")

# Paiement en ligne (PayFiP) : « payfip_ws » en production ; le simulateur local par défaut
# en démonstration (DEBUG) et dans les tests, jamais en production.
PAYFIP_BACKEND = env("PAYFIP_BACKEND", default="simulateur" if DEBUG else "payfip_ws")
if PAYFIP_BACKEND not in {"simulateur", "payfip_ws"}:
    raise ImproperlyConfigured("PAYFIP_BACKEND : « simulateur » ou « payfip_ws ».")
if PAYFIP_BACKEND == "simulateur" and not DEBUG and "pytest" not in sys.modules:
    raise ImproperlyConfigured(
        "PAYFIP_BACKEND=simulateur est refusé en production (DEBUG=off) : utilisez payfip_ws."
    )
# T : test, X : activation, W : production (fourni par la DGFiP).
PAYFIP_SAISIE = env("PAYFIP_SAISIE", default="T")
if PAYFIP_SAISIE not in {"T", "X", "W"}:
    raise ImproperlyConfigured("PAYFIP_SAISIE : T (test), X (activation) ou W (production).")
PAYFIP_MONTANT_MINIMUM = Decimal(env("PAYFIP_MONTANT_MINIMUM", default="1.00"))

# La collectivité : en-tête des pages, des courriels et des factures.
COLLECTIVITE = {
    "nom": env("COLLECTIVITE_NOM", default="Communauté de communes Val Vanoise"),
    "service": env("COLLECTIVITE_SERVICE", default="Service enfance"),
    "contact": env("COLLECTIVITE_CONTACT", default="Eloïse Dupé"),
    "telephone": env("COLLECTIVITE_TELEPHONE", default="04 79 55 02 59"),
    "courriel": env("COLLECTIVITE_COURRIEL", default="adminenfance@valvanoise.fr"),
    "horaires": env(
        "COLLECTIVITE_HORAIRES",
        default=(
            "du lundi au jeudi de 8h30 à 12h30 et de 13h30 à 17h30 et le vendredi de 8h30 à 11h30"
        ),
    ),
    "tresorerie": env("COLLECTIVITE_TRESORERIE", default="Trésorerie de Bozel"),
    # L'identité de la structure sur les attestations fiscales (frais de garde) et le bloc
    # de signature du service (facturation/attestations.py).
    "adresse": env("COLLECTIVITE_ADRESSE", default="Place du Champ de Foire, 73350 BOZEL"),
    "siret": env("COLLECTIVITE_SIRET", default="247 300 818 00024"),
    "signataire": env("COLLECTIVITE_SIGNATAIRE", default="Eloïse Dupé"),
    "qualite_signataire": env(
        "COLLECTIVITE_QUALITE_SIGNATAIRE", default="Responsable du service enfance"
    ),
}
# Les pages légales (portail/views.py, page_legale) : l'éditeur du site, son hébergeur et le
# délégué à la protection des données (DPO).
MENTIONS_LEGALES = {
    # L'adresse et le SIRET de l'éditeur : ceux de la collectivité (attestations comprises).
    "adresse": COLLECTIVITE["adresse"],
    "siret": COLLECTIVITE["siret"],
    "directeur_publication": env(
        "DIRECTEUR_PUBLICATION", default="le président de la Communauté de communes"
    ),
    "hebergeur": env(
        "HEBERGEUR", default="Communauté de communes Val Vanoise, serveurs de la collectivité"
    ),
    "hebergeur_adresse": env("HEBERGEUR_ADRESSE", default="Hôtel communautaire, 73350 Bozel"),
}
DPO = {
    "nom": env("DPO_NOM", default="Délégué à la protection des données de Val Vanoise"),
    "courriel": env("DPO_COURRIEL", default="dpo@valvanoise.fr"),
    "adresse": env("DPO_ADRESSE", default="Hôtel communautaire, 73350 Bozel"),
}
# Durées de conservation (page « Données personnelles », commande appliquer_conservation) :
# une famille sans activité depuis tant d'années est anonymisée ; les documents du dossier
# annuel sont effacés tant d'années après la fin de leur validité ; factures et règlements sont
# gardés 10 ans (pièces comptables publiques), jamais effacés par le portail.
CONSERVATION_INACTIVITE_ANNEES = env.int("CONSERVATION_INACTIVITE_ANNEES", default=3)
CONSERVATION_PIECES_ANNEES = env.int("CONSERVATION_PIECES_ANNEES", default=2)
CONSERVATION_COMPTABLE_ANNEES = 10
# Zone des vacances scolaires (Savoie : zone A).
# Le créancier des prélèvements SEPA (facturation.sepa) : la régie et son ICS.
PRELEVEMENT_CREANCIER = {
    "nom": env("PRELEVEMENT_CREANCIER_NOM", default="Régie enfance Val Vanoise"),
    "iban": env("PRELEVEMENT_CREANCIER_IBAN", default="FR7630001007941234567890185"),
    "bic": env("PRELEVEMENT_CREANCIER_BIC", default="BDFEFRPPCCT"),
    "ics": env("PRELEVEMENT_CREANCIER_ICS", default="FR12ZZZ123456"),
}

ZONE_SCOLAIRE = env("ZONE_SCOLAIRE", default="A")

# Sécurité de production (manage.py check --deploy sans avertissement)
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# La page de santé répond aussi en HTTP : une sonde locale l'appelle sans passer par le proxy.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Politique de sécurité du contenu (django-csp) : rien que le portail lui-même, ni script ni
# style en ligne. Les formulaires ne mènent qu'au portail et, pour le paiement en ligne, au site
# PayFiP de la DGFiP, où la page de paiement envoie le parent (redirection après son POST).
# La visionneuse de l'administration affiche les documents déposés dans un cadre du portail ;
# leur vue (dossiers.views.fichier_piece) n'accepte d'être encadrée que par le portail.
PAYFIP_ORIGINE = "https://www.payfip.gouv.fr"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, PAYFIP_ORIGINE],
        "frame-ancestors": [NONE],
    }
}

# Le journal (commun/journal.py) : une ligne par événement, sur la sortie d'erreur (le journal
# de systemd en production), avec l'identifiant de la requête (X-Request-ID, repris du proxy ou
# tiré ici) et celui de l'utilisateur connecté ; LOGS_JSON=on : une ligne JSON par événement.
# Une ligne par requête (journal « commun.journal ») ; jamais le corps d'une requête.
LOGS_JSON = env.bool("LOGS_JSON", default=False)

# Les exports des listes de l'administration (django-import-export) : exporter demande le
# droit de consulter la liste. Les formats (CSV à la française, XLSX) sont ceux de
# commun/exports.py, posés par familles/admin/outils.py (ExporterMixin) ; l'import des
# familles a sa propre page (enfants/admin/importation.py).
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_CHUNK_SIZE = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "contexte": {"()": "commun.journal.ContexteDeRequete"},
        "hors_debug": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "ligne": {
            "()": "commun.journal.FormateurJson"
            if LOGS_JSON
            else "commun.journal.FormateurUneLigne"
        },
        "courriel": {"format": "%(message)s\n\nIdentifiant de la requête : %(request_id)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["contexte"],
            "formatter": "ligne",
        },
        # Les erreurs du serveur aux ADMINS, par la file d'envoi des courriels (EMAIL_BACKEND
        # est celui de post_office), le rapport sans données personnelles (commun/erreurs.py).
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["hors_debug", "contexte"],
            "formatter": "courriel",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Remplace la configuration de Django pour « django » (sa console en DEBUG seulement) :
        # ses lignes vont à la racine, ses erreurs aussi aux ADMINS.
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        # Un en-tête Host inconnu (des robots en envoient chaque jour) : au journal seulement.
        "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
        "axes": {"level": "WARNING"},
        # post_office pose sinon son propre gestionnaire ; ses « 0 emails » de chaque minute
        # restent sous WARNING (le bilan de l'envoi est écrit par courriels.envoi).
        "post_office": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
# Les personnes prévenues d'une erreur du serveur : ADMINS="Nom <adresse>,Autre <adresse>".
ADMINS = [parseaddr(admin) for admin in env.list("ADMINS", default=[])]
EMAIL_SUBJECT_PREFIX = "[Portail Familles] "
DEFAULT_EXCEPTION_REPORTER_FILTER = "commun.erreurs.FiltreSansDonnees"
DEFAULT_EXCEPTION_REPORTER = "commun.erreurs.RapportSansDonnees"
# Sentry, seulement si SENTRY_DSN est posé (ni données personnelles ni corps de requête).
SENTRY_DSN = env("SENTRY_DSN", default="")
initialiser_sentry(SENTRY_DSN, environnement=env("SENTRY_ENVIRONMENT", default="production"))
