"""Un serveur SMTP local pour les benchmarks (aiosmtpd, dans le processus qui mesure) : il
accepte chaque courriel, en retient le sujet et l'heure, et n'envoie rien plus loin."""

import asyncio
import socket
import time

from aiosmtpd.controller import Controller


class Boite:
    """Ce que le serveur a reçu. `lenteur` : secondes d'attente avant d'accepter chaque
    courriel (un serveur distant)."""

    def __init__(self, lenteur=0.0):
        self.lenteur = lenteur
        self.sujets = []
        self.dernier = None  # time.perf_counter() du dernier courriel reçu

    async def handle_DATA(self, server, session, envelope):
        if self.lenteur:
            await asyncio.sleep(self.lenteur)
        for ligne in envelope.content.splitlines():
            if ligne.startswith(b"Subject: "):
                self.sujets.append(ligne[9:].decode())
                break
        else:
            self.sujets.append("")
        self.dernier = time.perf_counter()
        return "250 Message accepted for delivery"


def port_libre():
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return prise.getsockname()[1]


class ServeurSmtp:
    """`with ServeurSmtp() as serveur:` : serveur.port, serveur.boite."""

    def __init__(self, lenteur=0.0):
        self.boite = Boite(lenteur)
        self.port = port_libre()
        self._controleur = Controller(self.boite, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self._controleur.start()
        return self

    def __exit__(self, *exc):
        self._controleur.stop()
