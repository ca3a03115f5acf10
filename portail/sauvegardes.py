"""Sauvegarder et restaurer le portail : la base et les fichiers déposés (factures PDF
archivées, documents du dossier, pièces jointes, PDF des travaux), avec un manifeste des
empreintes SHA-256 de chaque fichier (docs/sauvegarde.md).

Une sauvegarde est un dossier `portail-AAAAMMJJ-HHMMSS/` :

    manifeste.json    la date, le moteur de la base, les migrations, l'empreinte de chaque fichier
    base.dump         PostgreSQL : `pg_dump --format=custom`, une image cohérente de la base
    base.sqlite3      SQLite (la démonstration) : la copie faite par l'API de sauvegarde de SQLite
    fichiers/…        la copie de MEDIA_ROOT

Elle est écrite dans un dossier caché `.portail-….en-cours`, renommé une fois le manifeste
écrit : un dossier `portail-…` est toujours une sauvegarde complète. La base est copiée avant
les fichiers : un fichier nommé par la base copiée existe encore quand on copie les fichiers
(les factures archivées ne s'effacent pas).

La restauration vérifie d'abord chaque empreinte et refuse une sauvegarde altérée sans rien
toucher ; puis elle remplace la base (PostgreSQL : `pg_restore --clean --if-exists
--single-transaction`, tout ou rien) et remet chaque fichier de la sauvegarde dans MEDIA_ROOT
(un fichier présent qui n'y est pas est laissé en place et compté).
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFESTE = "manifeste.json"
FICHIERS = "fichiers"
PREFIXE = "portail-"
FORMAT_DU_NOM = "%Y%m%d-%H%M%S"
BASES = {"postgresql": "base.dump", "sqlite": "base.sqlite3"}
TAILLE_DES_BLOCS = 1024 * 1024


class SauvegardeImpossible(Exception):
    """Une sauvegarde ou une restauration refusée ; le message dit pourquoi, en français."""


@dataclass
class Bilan:
    dossier: Path
    cree_le: datetime.datetime
    fichiers: int = 0
    octets: int = 0
    fichiers_en_plus: list[str] = field(default_factory=list)
    migrations_a_appliquer: int = 0


def empreinte(chemin):
    sha = hashlib.sha256()
    with open(chemin, "rb") as fichier:
        while bloc := fichier.read(TAILLE_DES_BLOCS):
            sha.update(bloc)
    return sha.hexdigest()


def _base(alias="default"):
    connexion = connections[alias]
    if connexion.vendor not in BASES:
        raise SauvegardeImpossible(
            f"Les sauvegardes ne savent pas copier une base {connexion.vendor} : "
            "PostgreSQL ou SQLite seulement."
        )
    if connexion.in_atomic_block:
        # pg_dump ne verrait pas ce qui n'est pas validé ; SQLite attendrait sans fin son verrou.
        raise SauvegardeImpossible("Une sauvegarde ne se fait pas dans une transaction.")
    return connexion


def _environnement_pg(connexion):
    """pg_dump et pg_restore lisent la base de Django par les variables de libpq : le mot de
    passe n'apparaît pas dans la ligne de commande."""
    reglages = connexion.settings_dict
    environnement = {**os.environ}
    for cle, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if reglages.get(cle):
            environnement[variable] = str(reglages[cle])
    if mode := reglages.get("OPTIONS", {}).get("sslmode"):
        environnement["PGSSLMODE"] = mode
    return environnement


def _lancer(commande, connexion, quoi):
    try:
        resultat = subprocess.run(
            commande, env=_environnement_pg(connexion), capture_output=True, text=True
        )
    except FileNotFoundError as erreur:
        raise SauvegardeImpossible(
            f"{commande[0]} est introuvable : installez les outils clients de PostgreSQL "
            "(paquet postgresql-client), de la même version que le serveur ou plus récents."
        ) from erreur
    if resultat.returncode != 0:
        raise SauvegardeImpossible(f"{quoi} a échoué :\n{resultat.stderr.strip()}")


def _copier_la_base(connexion, destination):
    if connexion.vendor == "postgresql":
        _lancer(
            ["pg_dump", "--format=custom", f"--file={destination}"],
            connexion,
            "La copie de la base (pg_dump)",
        )
    else:
        connexion.ensure_connection()
        copie = sqlite3.connect(destination)
        try:
            connexion.connection.backup(copie)
        finally:
            copie.close()


def _migrations_appliquees(connexion):
    return sorted(f"{app}.{nom}" for app, nom in MigrationRecorder(connexion).applied_migrations())


def _fichiers_de(dossier):
    """Les fichiers sous `dossier`, en chemins relatifs écrits avec des « / », triés."""
    return sorted(
        chemin.relative_to(dossier).as_posix() for chemin in dossier.rglob("*") if chemin.is_file()
    )


def sauvegarder(*, destination, alias="default"):
    """Écrit une sauvegarde complète dans `destination` ; rend son bilan."""
    connexion = _base(alias)
    cree_le = timezone.localtime().replace(microsecond=0)
    destination = Path(destination)
    if destination.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        raise SauvegardeImpossible(
            "Le dossier des sauvegardes ne peut pas être dans MEDIA_ROOT (il se copierait "
            "lui-même) : choisissez-en un autre (SAUVEGARDES_DIR)."
        )
    destination.mkdir(parents=True, exist_ok=True)
    nom = PREFIXE + cree_le.strftime(FORMAT_DU_NOM)
    dossier = destination / nom
    if dossier.exists():
        raise SauvegardeImpossible(f"La sauvegarde {dossier} existe déjà.")
    en_cours = destination / f".{nom}.en-cours"
    en_cours.mkdir()
    try:
        nom_de_la_base = BASES[connexion.vendor]
        _copier_la_base(connexion, en_cours / nom_de_la_base)
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            shutil.copytree(media, en_cours / FICHIERS)
        else:
            (en_cours / FICHIERS).mkdir()
        empreintes = {nom: empreinte(en_cours / nom) for nom in _fichiers_de(en_cours)}
        manifeste = {
            "format": 1,
            "cree_le": cree_le.isoformat(),
            "moteur": connexion.vendor,
            "base": nom_de_la_base,
            "migrations": _migrations_appliquees(connexion),
            "empreintes": empreintes,
        }
        (en_cours / MANIFESTE).write_text(
            json.dumps(manifeste, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        en_cours.rename(dossier)
    except BaseException:
        shutil.rmtree(en_cours, ignore_errors=True)
        raise
    return Bilan(
        dossier=dossier,
        cree_le=cree_le,
        fichiers=sum(nom.startswith(f"{FICHIERS}/") for nom in empreintes),
        octets=sum((dossier / nom).stat().st_size for nom in empreintes),
    )


def lire_et_verifier(dossier):
    """Le manifeste de la sauvegarde, après la vérification de chaque empreinte ; refuse une
    sauvegarde incomplète ou altérée."""
    dossier = Path(dossier)
    try:
        manifeste = json.loads((dossier / MANIFESTE).read_text(encoding="utf-8"))
        empreintes = manifeste["empreintes"]
        moteur, base = manifeste["moteur"], manifeste["base"]
    except (OSError, ValueError, KeyError, TypeError) as erreur:
        raise SauvegardeImpossible(
            f"{dossier} n'est pas une sauvegarde du portail lisible ({MANIFESTE} manque ou "
            "est illisible) : rien n'a été restauré."
        ) from erreur
    ecarts = []
    presents = set(_fichiers_de(dossier)) - {MANIFESTE}
    for nom, attendue in sorted(empreintes.items()):
        chemin = (dossier / nom).resolve()
        if not chemin.is_relative_to(dossier.resolve()) or nom not in presents:
            ecarts.append(f"{nom} : manquant")
        elif empreinte(chemin) != attendue:
            ecarts.append(f"{nom} : contenu différent de la sauvegarde (empreinte SHA-256)")
    ecarts += [f"{nom} : absent du manifeste" for nom in sorted(presents - set(empreintes))]
    if base not in empreintes:
        ecarts.append(f"{base} : la base manque au manifeste")
    if ecarts:
        raise SauvegardeImpossible(
            f"La sauvegarde {dossier} est altérée ou incomplète ; rien n'a été restauré.\n"
            + "\n".join(f"- {ecart}" for ecart in ecarts)
        )
    if moteur not in BASES or BASES[moteur] != base:
        raise SauvegardeImpossible(f"Moteur de base inconnu dans le manifeste : {moteur}.")
    return manifeste


def _remettre_la_base(connexion, copie):
    connections.close_all()  # aucune connexion de ce processus ne garde une table ouverte
    if connexion.vendor == "postgresql":
        _lancer(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={connexion.settings_dict['NAME']}",
                str(copie),
            ],
            connexion,
            "La restauration de la base (pg_restore)",
        )
    else:
        source = sqlite3.connect(copie)
        try:
            connexion.ensure_connection()
            source.backup(connexion.connection)
        finally:
            source.close()
    connections.close_all()


def _remettre_les_fichiers(dossier, empreintes):
    """Copie chaque fichier de la sauvegarde dans MEDIA_ROOT (par un fichier temporaire
    renommé : un fichier n'est jamais à moitié écrit) ; rend ceux de MEDIA_ROOT qui n'étaient
    pas dans la sauvegarde (laissés en place)."""
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    a_remettre = sorted(
        nom.removeprefix(f"{FICHIERS}/") for nom in empreintes if nom.startswith(f"{FICHIERS}/")
    )
    for nom in a_remettre:
        cible = media / nom
        cible.parent.mkdir(parents=True, exist_ok=True)
        temporaire = cible.with_name(f".{cible.name}.restauration")
        try:
            with open(dossier / FICHIERS / nom, "rb") as source, open(temporaire, "wb") as copie:
                shutil.copyfileobj(source, copie, TAILLE_DES_BLOCS)
            if empreinte(temporaire) != empreintes[f"{FICHIERS}/{nom}"]:
                raise SauvegardeImpossible(
                    f"La copie de {nom} dans {media} diffère de la sauvegarde."
                )
            os.replace(temporaire, cible)
        except BaseException:
            temporaire.unlink(missing_ok=True)
            raise
    return sorted(set(_fichiers_de(media)) - set(a_remettre))


def fichiers_deposes(nombre):
    """« 1 fichier déposé », « 412 fichiers déposés »."""
    return f"{nombre} fichier déposé" if nombre < 2 else f"{nombre} fichiers déposés"


def decrire(manifeste):
    """« du 07/12/2026 à 23:30 (PostgreSQL) », pour la question posée avant de restaurer."""
    cree_le = timezone.localtime(datetime.datetime.fromisoformat(manifeste["cree_le"]))
    moteur = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[manifeste["moteur"]]
    return f"du {cree_le:%d/%m/%Y} à {cree_le:%H:%M} ({moteur})"


def restaurer(*, dossier, manifeste, alias="default"):
    """Remplace la base et remet les fichiers de la sauvegarde `dossier`, déjà vérifiée par
    `lire_et_verifier` (qui a rendu `manifeste`)."""
    connexion = _base(alias)
    dossier = Path(dossier)
    if manifeste["moteur"] != connexion.vendor:
        raise SauvegardeImpossible(
            f"Cette sauvegarde est celle d'une base {manifeste['moteur']} ; le portail est "
            f"configuré sur {connexion.vendor}. Rien n'a été restauré."
        )
    _remettre_la_base(connexion, dossier / manifeste["base"])
    en_plus = _remettre_les_fichiers(dossier, manifeste["empreintes"])
    migrations = MigrationExecutor(connexion)
    plan = migrations.migration_plan(migrations.loader.graph.leaf_nodes())
    empreintes = manifeste["empreintes"]
    return Bilan(
        dossier=dossier,
        cree_le=datetime.datetime.fromisoformat(manifeste["cree_le"]),
        fichiers=sum(nom.startswith(f"{FICHIERS}/") for nom in empreintes),
        octets=sum((dossier / nom).stat().st_size for nom in empreintes),
        fichiers_en_plus=en_plus,
        migrations_a_appliquer=len(plan),
    )


def sauvegardes_de(destination):
    """Les sauvegardes complètes de `destination`, de la plus ancienne à la plus récente."""
    destination = Path(destination)
    if not destination.is_dir():
        return []
    return sorted(
        chemin
        for chemin in destination.iterdir()
        if chemin.is_dir() and chemin.name.startswith(PREFIXE) and (chemin / MANIFESTE).is_file()
    )


def eliminer_les_anciennes(*, destination, garder):
    """Efface les sauvegardes de `destination` au-delà des `garder` plus récentes ; rend les
    dossiers effacés."""
    anciennes = sauvegardes_de(destination)[:-garder] if garder > 0 else []
    for dossier in anciennes:
        shutil.rmtree(dossier)
    return anciennes
