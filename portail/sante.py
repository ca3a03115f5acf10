"""La page de santé, `/sante/`, pour la surveillance (une sonde de l'informatique, un
répartiteur de charge) : 200 quand la base, les fichiers déposés et la file des travaux de fond
répondent, 503 sinon.

Les vérifications sont celles de django-health-check (chacune bornée dans le temps, ses erreurs
journalisées) ; la file de la base est vérifiée ici. La réponse ne dit que l'état de chaque
composant, « ok » ou « en panne » : ni texte d'erreur, ni version, ni adresse de serveur (le
détail est au journal, logger `health_check`). Ouverte sans connexion, exemptée de la
redirection vers HTTPS (SECURE_REDIRECT_EXEMPT) : une sonde locale l'appelle en HTTP.
"""

import asyncio
import dataclasses

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from health_check.base import HealthCheck
from health_check.checks import Database, Storage
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from redis.asyncio import Redis as ClientRedis


@dataclasses.dataclass
class FileDansLaBase(HealthCheck):
    """La file de django-tasks-db (TACHES=base) : sa table se lit."""

    def run(self):
        from django_tasks_db.models import DBTaskResult

        try:
            DBTaskResult.objects.only("pk").first()
        except Exception as erreur:
            raise ServiceUnavailable("La table de la file ne se lit pas.") from erreur
        finally:
            # La vérification tourne dans un fil à part : sa connexion ne lui survit pas.
            connections.close_all()


def _client_redis_de_la_file():
    return ClientRedis.from_url(
        settings.RQ_QUEUES["default"]["URL"], socket_connect_timeout=3, socket_timeout=3
    )


def verification_de_la_file():
    """La vérification qui va avec la file configurée (réglage TASKS)."""
    moteur = settings.TASKS["default"]["BACKEND"]
    if moteur.startswith("django_tasks_rq."):
        return Redis(client_factory=_client_redis_de_la_file)
    if moteur.startswith("django_tasks_db."):
        return FileDansLaBase()
    return None  # une file en mémoire (tests) : rien à joindre


class SanteView(HealthCheckView):
    """Chaque composant vérifié en même temps ; le corps ne contient que leurs états."""

    def get_checks(self):
        composants = {"base": Database(), "fichiers": Storage()}
        if (file := verification_de_la_file()) is not None:
            composants["file"] = file
        self.noms = list(composants)
        return composants.values()

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            self.results = await asyncio.gather(
                *(verification.get_result(executor) for verification in self.get_checks())
            )
        etats = {
            nom: "en panne" if resultat.error else "ok"
            for nom, resultat in zip(self.noms, self.results, strict=True)
        }
        en_panne = "en panne" in etats.values()
        return JsonResponse(
            {"statut": "en panne" if en_panne else "ok", "composants": etats},
            status=503 if en_panne else 200,
            json_dumps_params={"ensure_ascii": False},
        )


sante = SanteView.as_view()
