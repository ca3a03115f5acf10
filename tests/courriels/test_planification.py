"""Les tâches planifiées : les minuteries systemd livrées (deploy/systemd/) et les lignes cron du
README lancent les mêmes commandes, qui existent, acceptent leurs options, tournent deux fois
de suite sans erreur sur une base vide, écrivent leur bilan et le journalisent."""

import configparser
import datetime
import logging
import re
import shlex
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command, get_commands, load_command_class
from django.utils import timezone
from post_office.models import STATUS, Email

RACINE = Path(__file__).resolve().parents[2]
UNITES = RACINE / "deploy" / "systemd"
PREFIXE = "/srv/portail/.venv/bin/python manage.py "


def unite(chemin):
    lecteur = configparser.ConfigParser(interpolation=None)
    lecteur.optionxform = str
    lecteur.read(chemin, encoding="utf-8")
    return lecteur


def commandes_des_unites():
    """{nom de l'unité: [commande, options…]} d'après l'ExecStart de chaque service."""
    commandes = {}
    for service in sorted(UNITES.glob("portail-planif-*.service")):
        lancement = unite(service)["Service"]["ExecStart"]
        assert lancement.startswith(PREFIXE), lancement
        commandes[service.stem] = shlex.split(lancement.removeprefix(PREFIXE))
    return commandes


def commandes_du_cron():
    """Les commandes des lignes cron du README, dans l'ordre."""
    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    bloc = re.search(r"```cron\n(.*?)```", readme, re.S).group(1)
    return [
        [mot for mot in shlex.split(ligne.split("manage.py ", 1)[1]) if not mot.startswith(">")]
        for ligne in bloc.splitlines()
        if "manage.py" in ligne
    ]


def test_chaque_service_a_sa_minuterie_et_une_commande_qui_accepte_ses_options():
    commandes = commandes_des_unites()
    assert set(commandes) == {
        "portail-planif-courriels",
        "portail-planif-paiements",
        "portail-planif-sessions",
        "portail-planif-menage-courriels",
        "portail-planif-impayes",
        "portail-planif-rappels",
        "portail-planif-travaux",
        "portail-planif-campagnes",
        "portail-planif-conservation",
    }
    connues = get_commands()
    for nom, (commande, *options) in commandes.items():
        minuterie = unite(UNITES / f"{nom}.timer")
        assert minuterie["Timer"]["Unit"] == f"{nom}.service"
        assert minuterie["Timer"]["OnCalendar"]
        assert minuterie["Install"]["WantedBy"] == "timers.target"
        assert unite(UNITES / f"{nom}.service")["Service"]["Type"] == "oneshot"
        classe = load_command_class(connues[commande], commande)
        classe.create_parser("manage.py", commande).parse_args(options)  # sinon SystemExit


def test_le_readme_donne_les_memes_taches_en_cron():
    assert sorted(commandes_du_cron()) == sorted(commandes_des_unites().values())


@pytest.mark.parametrize(
    ("commande", "journal"),
    [
        (["envoyer_courriels"], "courriels.envoi"),
        (["rapprocher_paiements"], "facturation.paiement"),
        (["transmettre_impayes", "--jour-des-regies"], "facturation"),
        (["rappeler_echeances"], "courriels"),
        (["allouer_campagnes_closes"], "enfants"),
        (["appliquer_conservation"], "demandes"),
    ],
)
def test_une_tache_tourne_deux_fois_sur_une_base_vide_et_journalise_son_bilan(
    db, caplog, commande, journal
):
    for _ in range(2):
        sortie = StringIO()
        with caplog.at_level(logging.DEBUG):
            call_command(*commande, stdout=sortie)
        ligne = sortie.getvalue()
        assert ligne.count("\n") == 1
        assert any(
            r.name.startswith(journal) and r.getMessage() == ligne.strip() for r in caplog.records
        )
        caplog.clear()


def test_clearsessions_efface_les_sessions_expirees(db):
    Session.objects.create(
        session_key="expiree", session_data="", expire_date=timezone.now() - datetime.timedelta(1)
    )
    Session.objects.create(
        session_key="valable", session_data="", expire_date=timezone.now() + datetime.timedelta(1)
    )

    call_command("clearsessions")
    call_command("clearsessions")

    assert list(Session.objects.values_list("session_key", flat=True)) == ["valable"]


def test_le_menage_efface_les_courriels_de_plus_de_90_jours(db):
    for jours, sujet in ((91, "ancien"), (89, "récent")):
        courriel = Email.objects.create(
            from_email="adminenfance@valvanoise.fr",
            to=["parent@exemple.fr"],
            subject=sujet,
            status=STATUS.sent,
        )
        Email.objects.filter(pk=courriel.pk).update(
            created=timezone.now() - datetime.timedelta(days=jours)
        )

    call_command("cleanup_mail", "--days", "90", "--delete-attachments", stdout=StringIO())

    assert list(Email.objects.values_list("subject", flat=True)) == ["récent"]
