"""Le processeur que coûte chaque page, mesuré en processus : une mesure stable à côté de wrk.

La vitesse de ces machines varie d'un facteur 3 en quelques secondes ; le débit sous wrk en
dépend, même comparé à la grille nue aux mêmes moments. Le temps processeur, lui, varie peu :
ici, chaque page est servie par le gestionnaire WSGI de Django appelé directement (la même pile
de middlewares, sans HTTP ni gunicorn), et l'on additionne le processeur de ce processus
Python (`time.process_time`) et celui du processus PostgreSQL qui lui répond
(`/proc/<pid>/stat` du serveur, lu par `pg_backend_pid()` : la base est sur la même machine).
Les pages et la grille nue sont servies à tour de rôle, par tours : le processeur Python est la
médiane des tours ; celui de PostgreSQL, compté en centièmes de seconde par le noyau, est le
total de tous les tours divisé par le nombre de requêtes.
"""

import io
import os
import statistics
import sys
import time
from dataclasses import dataclass

from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

TOURS = 8
PAR_TOUR = 20


@dataclass
class Processeur:
    """Le processeur d'une page, en millisecondes par requête."""

    python_ms: float
    postgresql_ms: float

    @property
    def total_ms(self):
        return self.python_ms + self.postgresql_ms


def _processeur_postgresql():
    """(pid, secondes de processeur utilisateur et système) du processus serveur de la
    connexion ; le pid change quand la connexion est rouverte (CONN_MAX_AGE atteint)."""
    with connection.cursor() as curseur:
        curseur.execute("SELECT pg_backend_pid()")
        pid = curseur.fetchone()[0]
    with open(f"/proc/{pid}/stat") as fichier:
        champs = fichier.read().rsplit(")", 1)[1].split()
    return pid, (int(champs[11]) + int(champs[12])) / os.sysconf("SC_CLK_TCK")


def _servir(gestionnaire, chemin, cookie):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": chemin,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    statut = []
    corps = gestionnaire(environ, lambda s, entetes: statut.append(s))
    b"".join(corps)
    corps.close()
    if not statut[0].startswith("200"):
        raise RuntimeError(f"{chemin} répond {statut[0]}")


def mesurer(cibles, *, tours=TOURS, par_tour=PAR_TOUR):
    """`cibles` : {nom: [(chemin, cookie), …]} ; renvoie {nom: Processeur}."""
    gestionnaire = WSGIHandler()
    for liste in cibles.values():  # un premier passage remplit les caches du processus
        for chemin, cookie in liste:
            _servir(gestionnaire, chemin, cookie)
    mesures = {nom: ([], []) for nom in cibles}
    for _ in range(tours):
        for nom, liste in cibles.items():
            (pid, debut_pg), debut_py = _processeur_postgresql(), time.process_time()
            for rang in range(par_tour):
                _servir(gestionnaire, *liste[rang % len(liste)])
            fin_py, (pid_apres, fin_pg) = time.process_time(), _processeur_postgresql()
            if pid_apres != pid:  # connexion rouverte pendant le tour : tour écarté
                continue
            python, postgresql = mesures[nom]
            python.append((fin_py - debut_py) * 1000 / par_tour)
            postgresql.append((fin_pg - debut_pg) * 1000 / par_tour)
    if any(not python for python, _ in mesures.values()):
        raise RuntimeError("Aucun tour complet sur une même connexion à PostgreSQL.")
    return {
        nom: Processeur(statistics.median(python), statistics.fmean(postgresql))
        for nom, (python, postgresql) in mesures.items()
    }
