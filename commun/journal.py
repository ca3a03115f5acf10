"""Le journal : une ligne par événement, chacune avec l'identifiant de sa requête et, pour un
compte connecté, l'identifiant de l'utilisateur (réglage LOGGING de portail/settings.py ;
LOGS_JSON=on pour des lignes JSON).

- `IdentifiantDeRequeteMiddleware`, le premier middleware : reprend l'en-tête X-Request-ID posé
  par le proxy (nginx : `proxy_set_header X-Request-ID $request_id;`) s'il a une forme sage,
  en tire un sinon, le renvoie dans la réponse et écrit une ligne par requête : méthode, adresse
  *telle que déclarée* (« factures/<id:pk>/pdf/ », sans les jetons ni les identifiants qu'elle
  contient), statut, durée. Jamais le corps d'une requête : ni mot de passe, ni donnée de santé.
- `ContexteDeRequete`, le filtre de chaque gestionnaire : pose `request_id` et `user_id` sur
  chaque ligne écrite pendant la requête (« - » hors requête ou sans compte).
- `FormateurJson` (LOGS_JSON=on) : un objet JSON par ligne (python-json-logger).
- `FormateurUneLigne` : le format texte, une ligne même pour une trace d'erreur (ses sauts de
  ligne écrits « \\n »).
"""

import contextvars
import logging
import re
import time
import uuid

from django.conf import settings
from django.utils.functional import LazyObject
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

logger = logging.getLogger(__name__)

_requete = contextvars.ContextVar("requete_en_cours", default=None)

ENTETE = "X-Request-ID"
# Ce qu'on accepte du proxy : nginx pose 32 chiffres hexadécimaux ; rien qui puisse fausser une
# ligne du journal (espaces, sauts de ligne, guillemets).
_IDENTIFIANT_SAGE = re.compile(r"[A-Za-z0-9._-]{8,128}")


def identifiant_de_requete(request):
    propose = request.headers.get(ENTETE, "")
    if _IDENTIFIANT_SAGE.fullmatch(propose):
        return propose
    return uuid.uuid4().hex


def utilisateur_deja_lu(request):
    """L'utilisateur de la requête s'il a déjà été lu (par une vue, un middleware) : le
    journal ne fait jamais de requête SQL de plus pour le connaître."""
    utilisateur = vars(request).get("user")
    if isinstance(utilisateur, LazyObject):  # celui d'AuthenticationMiddleware, pas encore lu ?
        utilisateur = vars(request).get("_cached_user")
    if utilisateur is not None and getattr(utilisateur, "is_authenticated", False):
        return utilisateur
    return None


def adresse_a_journaliser(request):
    """L'adresse telle que déclarée (« factures/<id:pk>/pdf/ ») ; celle d'un fichier statique
    (servi par WhiteNoise, sans route) ; « - » pour une adresse qui ne mène nulle part."""
    if request.resolver_match is not None:
        return f"/{request.resolver_match.route}"
    if request.path.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
        return request.path
    return "-"


class IdentifiantDeRequeteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = identifiant_de_requete(request)
        jeton = _requete.set(request)
        debut = time.monotonic()
        try:
            reponse = self.get_response(request)
            reponse[ENTETE] = request.id
            route = adresse_a_journaliser(request)
            logger.info(
                "%s %s %s %d ms",
                request.method,
                route,
                reponse.status_code,
                (time.monotonic() - debut) * 1000,
            )
            return reponse
        finally:
            _requete.reset(jeton)


class ContexteDeRequete(logging.Filter):
    def filter(self, record):
        # django.request écrit ses 404 une fois sortie des middlewares : la requête est jointe.
        request = _requete.get() or getattr(record, "request", None)
        utilisateur = utilisateur_deja_lu(request) if request is not None else None
        record.request_id = getattr(request, "id", None)
        record.user_id = utilisateur.pk if utilisateur is not None else None
        return True


class FormateurUneLigne(logging.Formatter):
    """Le format texte : « date niveau logger [requête utilisateur] message », une ligne."""

    def __init__(self):
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user_id)s] %(message)s",
            datefmt="%Y-%m-%dT%H:%M:%S%z",
        )

    def formatMessage(self, record):  # noqa: N802 (nom de logging.Formatter)
        return self._fmt % {
            **vars(record),
            "request_id": getattr(record, "request_id", None) or "-",
            "user_id": getattr(record, "user_id", None) or "-",
        }

    def format(self, record):
        return super().format(record).replace("\n", "\\n")


class FormateurJson(JsonFormatter):
    """Une ligne JSON : time, level, logger, message, request_id, user_id, la trace d'une erreur
    (exc_info) et ce que l'événement ajoute (status_code…), sauf la requête de Django que
    django.request joint à ses lignes (son adresse complète peut porter un jeton)."""

    def __init__(self):
        super().__init__(
            ["asctime", "levelname", "name", "message", "request_id", "user_id"],
            style=",",
            datefmt="%Y-%m-%dT%H:%M:%S%z",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, "request"],
            json_ensure_ascii=False,
        )
