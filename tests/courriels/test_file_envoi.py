"""La file d'envoi des courriels : un courriel est écrit en base par l'opération qui le cause,
puis envoyé une fois par `envoyer_courriels` ; un serveur SMTP en panne ne fait rien perdre.

Ces tests gardent la file comme en production (fixture `file_courriels`), où le reste de la
suite la vide aussitôt dans mail.outbox (tests/conftest.py). Le vrai transport SMTP est un
serveur aiosmtpd local (tests/courriels/smtp.py)."""

import datetime
import fcntl
import logging
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email, Log

from familles import services
from tests.courriels.smtp import ServeurSmtp, port_libre, regler_smtp
from tests.factories import ResponsableFactory, UtilisateurFactory


def ecrire_a(*familles, sujet="Fermeture du 11 novembre"):
    """Le service écrit aux familles : un message et un courriel chacune."""
    agent = UtilisateurFactory(username="agent.envoi", is_staff=True)
    return services.ecrire_aux_familles(
        familles=list(familles), par=agent, sujet=sujet, corps="L'accueil est fermé."
    )


def familles(nombre):
    return [ResponsableFactory(nom=f"FAMILLE{rang}").famille for rang in range(nombre)]


def avancer_l_heure():
    """Le temps passe : les nouveaux essais prévus sont dus."""
    Email.objects.filter(status=STATUS.requeued).update(
        scheduled_time=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_un_courriel_attend_dans_la_file_puis_part_une_seule_fois(dupont, file_courriels):
    ecrire_a(dupont)

    courriel = Email.objects.get()
    assert courriel.status == STATUS.queued
    assert courriel.to == ["jean.dupont@wanadoo.fr"]
    assert mail.outbox == []

    bilan = file_courriels()

    assert (bilan.envoyes, bilan.a_reessayer, bilan.en_echec) == (1, 0, 0)
    assert [m.to for m in mail.outbox] == [["jean.dupont@wanadoo.fr"]]
    assert mail.outbox[0].subject == "Portail Familles : vous avez un nouveau message"
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    courriel.refresh_from_db()
    assert courriel.status == STATUS.sent
    assert file_courriels().envoyes == 0
    assert len(mail.outbox) == 1


def test_une_operation_annulee_ne_laisse_aucun_courriel_dans_la_file(dupont, file_courriels):
    with pytest.raises(RuntimeError), transaction.atomic():
        ecrire_a(dupont)
        assert Email.objects.count() == 1
        raise RuntimeError("l'opération échoue après avoir écrit")

    assert not Email.objects.exists()
    assert file_courriels().envoyes == 0
    assert mail.outbox == []


def test_le_mot_de_passe_oublie_passe_par_la_file(client, dupont, file_courriels):
    client.post(reverse("mot_de_passe_oublie"), {"email": "jean.dupont@wanadoo.fr"})

    assert Email.objects.get().status == STATUS.queued
    assert mail.outbox == []
    file_courriels()
    assert [m.to for m in mail.outbox] == [["jean.dupont@wanadoo.fr"]]
    assert "/mot-de-passe/reinitialiser/" in mail.outbox[0].body


def test_la_commande_envoie_la_file_et_ecrit_une_ligne(dupont, file_courriels):
    ecrire_a(dupont)
    sortie = StringIO()

    call_command("envoyer_courriels", stdout=sortie)

    assert sortie.getvalue() == "Courriels : 1 envoyé(s), 0 à réessayer plus tard, 0 en échec.\n"
    assert len(mail.outbox) == 1


def test_smtp_en_panne_les_courriels_attendent_puis_partent_chacun_une_fois(
    db, settings, file_courriels
):
    port = port_libre()  # rien n'y écoute : le serveur SMTP refuse la connexion
    regler_smtp(settings, port)
    ecrire_a(*familles(3))

    bilan = file_courriels()

    assert (bilan.envoyes, bilan.a_reessayer, bilan.en_echec) == (0, 3, 0)
    assert bilan.prochain_essai is not None
    for courriel in Email.objects.all():
        assert courriel.status == STATUS.requeued
        assert courriel.number_of_retries == 1
        # Le premier nouvel essai : 5 minutes après l'échec.
        assert courriel.scheduled_time - courriel.last_updated == datetime.timedelta(minutes=5)
        essai = courriel.logs.get()
        assert essai.status == STATUS.failed
        assert essai.exception_type == "ConnectionRefusedError"
        assert "Connection refused" in essai.message

    # Une minute plus tard, rien n'est encore dû : aucun essai de plus.
    assert file_courriels().a_reessayer == 0
    assert Log.objects.count() == 3

    # Encore en panne au deuxième essai : le délai suivant double.
    avancer_l_heure()
    assert file_courriels().a_reessayer == 3
    for courriel in Email.objects.all():
        assert courriel.number_of_retries == 2
        assert courriel.scheduled_time - courriel.last_updated == datetime.timedelta(minutes=10)

    # Le serveur revient : tout part, une fois.
    with ServeurSmtp(port) as serveur:
        avancer_l_heure()
        bilan = file_courriels()
        assert (bilan.envoyes, bilan.a_reessayer, bilan.en_echec) == (3, 0, 0)
        assert file_courriels().envoyes == 0
        avancer_l_heure()
        assert file_courriels().envoyes == 0
    assert sorted(recu["To"] for recu in serveur.recus) == [
        "marie.famille0@exemple.fr",
        "marie.famille1@exemple.fr",
        "marie.famille2@exemple.fr",
    ]
    assert {recu["Subject"] for recu in serveur.recus} == {
        "Portail Familles : vous avez un nouveau message"
    }
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}
    assert Log.objects.filter(status=STATUS.sent).count() == 3


def test_apres_ses_essais_un_courriel_reste_en_echec_avec_l_erreur(
    db, settings, file_courriels, caplog
):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 1}
    regler_smtp(settings, port_libre())
    ecrire_a(*familles(1))
    file_courriels()
    avancer_l_heure()

    with caplog.at_level(logging.ERROR, logger="courriels.envoi"):
        bilan = file_courriels()

    assert (bilan.envoyes, bilan.a_reessayer, bilan.en_echec) == (0, 0, 1)
    courriel = Email.objects.get()
    assert courriel.status == STATUS.failed
    assert courriel.logs.count() == 2
    assert "abandonné après 2 essai(s)" in caplog.text
    assert "Connection refused" in caplog.text


def test_un_delai_qui_double_ne_depasse_pas_le_plafond(settings):
    from courriels.envoi import delai_avant_essai

    settings.COURRIELS_ATTENTE_MAX = datetime.timedelta(hours=4)
    minutes = [delai_avant_essai(n).total_seconds() / 60 for n in range(1, 9)]
    assert minutes == [5, 10, 20, 40, 80, 160, 240, 240]


def test_une_piece_jointe_traverse_la_file_intacte(db, settings, file_courriels, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # post_office y range les pièces jointes en attente
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
    with ServeurSmtp() as serveur:
        regler_smtp(settings, serveur.port)
        courriel = mail.EmailMessage(
            "Votre facture AL-36", "Ci-joint votre facture.", to=["jean.dupont@wanadoo.fr"]
        )
        courriel.attach("AL-36.pdf", pdf, "application/pdf")
        courriel.attach("lisez-moi.txt", "Réglez avant le 31/12.", "text/plain")
        courriel.send()
        assert Email.objects.get().attachments.count() == 2
        assert len(list((tmp_path / "post_office_attachments").rglob("*.*"))) == 2

        assert file_courriels().envoyes == 1

    (recu,) = serveur.recus
    pieces = {piece.get_filename(): piece for piece in recu.iter_attachments()}
    assert pieces["AL-36.pdf"].get_content_type() == "application/pdf"
    assert pieces["AL-36.pdf"].get_content() == pdf
    assert pieces["lisez-moi.txt"].get_content().strip() == "Réglez avant le 31/12."
    assert recu.get_body(("plain",)).get_content().strip() == "Ci-joint votre facture."


def test_un_second_envoyeur_sur_la_machine_ne_fait_rien(dupont, settings, file_courriels):
    ecrire_a(dupont)
    with open(settings.COURRIELS_VERROU, "a") as verrou:
        fcntl.flock(verrou, fcntl.LOCK_EX | fcntl.LOCK_NB)  # un envoi est en cours
        bilan = file_courriels()
        fcntl.flock(verrou, fcntl.LOCK_UN)

    assert bilan.deja_en_cours
    assert str(bilan) == "Courriels : un autre envoi est en cours ; il enverra la file."
    assert Email.objects.get().status == STATUS.queued
    assert mail.outbox == []
    assert file_courriels().envoyes == 1
