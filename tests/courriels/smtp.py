"""Un serveur SMTP local (aiosmtpd) qui garde ce qu'il reçoit : le vrai transport des courriels,
sans réseau. Pour les tests de la file d'envoi et pour bench/courriels.py."""

import asyncio
import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def port_libre():
    """Un port TCP où rien n'écoute (un serveur SMTP « en panne » : connexion refusée)."""
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return prise.getsockname()[1]


class Boite:
    """Le gestionnaire d'aiosmtpd : chaque message reçu, analysé (email.message.EmailMessage).
    `lenteur` : secondes d'attente avant d'accepter chaque message."""

    def __init__(self, lenteur=0):
        self.lenteur = lenteur
        self.recus = []
        self._verrou = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.lenteur:
            await asyncio.sleep(self.lenteur)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._verrou:
            self.recus.append(message)
        return "250 Message accepted for delivery"


class ServeurSmtp:
    """`with ServeurSmtp(port) as serveur:` … `serveur.boite.recus`."""

    def __init__(self, port=None, *, lenteur=0):
        self.port = port or port_libre()
        self.boite = Boite(lenteur)
        self._controleur = Controller(self.boite, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self._controleur.start()
        return self

    def __exit__(self, *exc):
        self._controleur.stop()

    @property
    def recus(self):
        return self.boite.recus


def regler_smtp(settings, port):
    """La file d'envoi remet ses courriels au serveur SMTP de 127.0.0.1:`port`."""
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.smtp.EmailBackend"},
    }
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
