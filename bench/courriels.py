"""Benchmark de la file d'envoi des courriels (pas lancé par les tests).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_bench_courriels DEBUG=on \\
        .venv/bin/python bench/courriels.py 2000

Écrit N courriels (texte et HTML, de la taille de ceux du portail) dans la file par le backend
de Django, comme le portail, puis les envoie avec l'envoyeur de `envoyer_courriels` à un
serveur SMTP local (aiosmtpd, dans ce processus) ; affiche courriels par seconde à l'écriture
et à l'envoi, et vérifie que le serveur les a tous reçus, chacun une fois. `--lenteur S` :
le serveur SMTP met S secondes à accepter chaque courriel (un serveur distant). La base de
DATABASE_URL est migrée si besoin ; la file y est vidée avant et après.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from post_office.models import Attachment, Email  # noqa: E402

from bench.smtp import ServeurSmtp  # noqa: E402
from courriels.envoi import envoyer_la_file  # noqa: E402


def vider_la_file():
    Email.objects.all().delete()
    Attachment.objects.all().delete()


def courriels(nombre):
    """Des courriels comme « vous avez un nouveau message » (texte et HTML)."""
    contexte = {
        "collectivite": settings.COLLECTIVITE,
        "portail_url": settings.PORTAIL_URL,
        "lien": settings.PORTAIL_URL + "/messages/1/",
        "message": {"sujet": "Fermeture du 11 novembre"},
        "sujet": "Portail Familles : vous avez un nouveau message",
    }
    texte = render_to_string("courriels/nouveau_message.txt", contexte)
    html = render_to_string("courriels/nouveau_message.html", contexte)
    for rang in range(nombre):
        courriel = mail.EmailMultiAlternatives(
            f"Bench {rang}", texte, to=[f"parent{rang}@exemple.fr"]
        )
        courriel.attach_alternative(html, "text/html")
        yield courriel


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nombre", type=int, nargs="?", default=2000)
    parser.add_argument("--lenteur", type=float, default=0.0)
    arguments = parser.parse_args()

    call_command("migrate", verbosity=0)
    vider_la_file()
    with ServeurSmtp(arguments.lenteur) as serveur:
        settings.POST_OFFICE = {
            **settings.POST_OFFICE,
            "BACKENDS": {"default": "django.core.mail.backends.smtp.EmailBackend"},
            "DEFAULT_PRIORITY": "medium",
        }
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", serveur.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        try:
            a_ecrire = list(courriels(arguments.nombre))
            debut = time.perf_counter()
            mail.get_connection().send_messages(a_ecrire)
            ecriture = time.perf_counter() - debut

            verrou = str(Path(tempfile.gettempdir()) / "bench-courriels.lock")
            debut = time.perf_counter()
            bilan = envoyer_la_file(fichier_verrou=verrou)
            envoi = time.perf_counter() - debut
        finally:
            vider_la_file()
    boite = serveur.boite

    recus = len(boite.sujets)
    uniques = len(set(boite.sujets))
    print(
        f"File d'envoi ({connection.vendor}, {settings.POST_OFFICE['THREADS_PER_PROCESS']} fils "
        f"SMTP, lots de {settings.POST_OFFICE['BATCH_SIZE']}, serveur local"
        f"{f' lent de {arguments.lenteur * 1000:.0f} ms' if arguments.lenteur else ''}) : "
        f"{arguments.nombre} courriels écrits en {ecriture:.2f} s "
        f"({arguments.nombre / ecriture:.0f}/s) ; envoyés en {envoi:.2f} s "
        f"({bilan.envoyes / envoi:.0f}/s) ; reçus {recus}, dont {uniques} différents."
    )
    if recus != arguments.nombre or uniques != recus or bilan.envoyes != arguments.nombre:
        sys.exit("Des courriels manquent ou sont en double.")


if __name__ == "__main__":
    main()
