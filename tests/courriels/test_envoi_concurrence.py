"""Deux envoyeurs lancés au même instant, comme deux machines dont la minuterie tombe ensemble
(chacune son verrou de fichier) : aucun courriel ne part deux fois. Il faut de vraies
transactions concurrentes : PostgreSQL seulement (le verrou consultatif de l'envoi)."""

import threading

import pytest
from django.core import mail
from django.db import connection
from post_office.models import STATUS, Email

from courriels.envoi import envoyer_la_file
from tests.courriels.smtp import ServeurSmtp, regler_smtp

pytestmark = pytest.mark.postgresql

NOMBRE = 150  # deux lots de 100


def test_deux_envoyeurs_simultanes_n_envoient_aucun_courriel_deux_fois(
    transactional_db, settings, file_courriels, tmp_path
):
    mail.get_connection().send_messages(
        [
            mail.EmailMessage(f"Courriel {rang}", "Texte.", to=[f"parent{rang}@exemple.fr"])
            for rang in range(NOMBRE)
        ]
    )
    assert Email.objects.filter(status=STATUS.queued).count() == NOMBRE
    depart = threading.Barrier(2)
    bilans = [None, None]

    def envoyer(rang):
        try:
            depart.wait()
            # Deux machines : deux verrous de fichier, seule la base est commune.
            bilans[rang] = envoyer_la_file(fichier_verrou=str(tmp_path / f"machine{rang}.lock"))
        except Exception as erreur:  # le test compte les erreurs
            bilans[rang] = erreur
        finally:
            connection.close()

    with ServeurSmtp(lenteur=0.005) as serveur:
        regler_smtp(settings, serveur.port)
        fils = [threading.Thread(target=envoyer, args=(rang,)) for rang in range(2)]
        for un_fil in fils:
            un_fil.start()
        for un_fil in fils:
            un_fil.join(timeout=120)

    assert sum(bilan.envoyes for bilan in bilans) == NOMBRE
    sujets = [recu["Subject"] for recu in serveur.recus]
    assert len(sujets) == NOMBRE
    assert sorted(sujets) == sorted(f"Courriel {rang}" for rang in range(NOMBRE))
    assert Email.objects.filter(status=STATUS.sent).count() == NOMBRE
