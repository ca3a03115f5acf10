"""Les réglages des benchmarks : ceux de la production (portail.settings, DEBUG off) sur une
base PostgreSQL dédiée, servis en HTTP simple sur la boucle locale.

Seules différences avec la production, toutes dues au banc d'essai :
- pas de redirection HTTPS ni de cookies « Secure » (HTTP sur 127.0.0.1, sans proxy TLS) ;
- une clé secrète fixe (aucun secret n'est en jeu) ;
- `bench.urls` : les routes du portail, plus la page nue de référence /bench/grille-nue/ ;
- Redis sur 127.0.0.1:6379 (base 3) comme cache partagé, celui de la production ;
- les journaux au niveau WARNING (pas une ligne par requête pendant la charge) ;
- les courriels rendus mais pas envoyés (backend « dummy ») : les adresses générées sont
  fictives, et la console ne doit pas recevoir des milliers de messages ; sauf pour le mois de
  facturation de bout en bout (BENCH_COURRIELS=file) : la file d'envoi, vers un SMTP local ;
- les fichiers statiques (collectstatic) et les PDF archivés sous /tmp/portail-bench/, hors
  du dépôt.

Les comptes générés partagent un seul hachage de mot de passe (PBKDF2, le hacheur du portail,
calculé une fois par bench/generer.py) : le hacheur lui-même n'est pas changé.
"""

import os
import tempfile
from pathlib import Path

os.environ["DEBUG"] = "off"
os.environ.setdefault("SECRET_KEY", "bench-cle-fixe-sans-secret-" + "x" * 40)
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portail_bench")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Le cache partagé de la production (Redis) : les sessions y sont lues (portail/settings.py).
os.environ.setdefault("CACHE_URL", "rediscache://127.0.0.1:6379/3")
# Hors du dépôt : les PDF archivés et les fichiers statiques (collectstatic) des benchmarks.
DOSSIER = Path(tempfile.gettempdir()) / "portail-bench"
os.environ.setdefault("MEDIA_ROOT", str(DOSSIER / "media"))

from portail.settings import *  # noqa: E402, F403
from portail.settings import BASE_DIR, TEMPLATES  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
STATIC_ROOT = DOSSIER / "static"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "gabarits"]

# HTTP simple sur la boucle locale : ni redirection HTTPS, ni HSTS, ni cookies « Secure ».
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Les pages et la ruée : les courriels ne partent nulle part. Le mois de facturation de bout
# en bout (bench/mois.py) garde la file d'envoi des courriels, vers le SMTP local d'EMAIL_URL.
if os.environ.get("BENCH_COURRIELS") != "file":
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
