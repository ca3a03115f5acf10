"""Bootstrap réduit (`make css`) : toute classe de Bootstrap qu'un gabarit, un formulaire ou un
script du portail emploie y est restée. Sinon, la page perdrait son style sans que rien ne
casse : ce test le dit, et `make css` le répare."""

import re
from pathlib import Path

import crispy_bootstrap5
from django.conf import settings

RACINE = Path(settings.BASE_DIR)
COMPLET = RACINE / "front" / "bootstrap" / "bootstrap.min.css"
REDUIT = RACINE / "static" / "vendor" / "bootstrap" / "bootstrap.min.css"
APPLICATIONS = [
    "commun",
    "travaux",
    "familles",
    "enfants",
    "facturation",
    "dossiers",
    "demandes",
    "courriels",
    "portail",
]
CLASSE_CSS = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
# Comme PurgeCSS : tout mot du contenu peut être une classe.
MOT = re.compile(r"[A-Za-z0-9_-]+")


def _classes(feuille):
    texte = re.sub(r"/\*.*?\*/", "", feuille.read_text(encoding="utf-8"), flags=re.S)
    # Les sélecteurs seulement : ce qui précède chaque « { » (pas les valeurs, où « .5rem »).
    selecteurs = re.findall(r"([^{}]+)\{", texte)
    return {classe for selecteur in selecteurs for classe in CLASSE_CSS.findall(selecteur)}


def _contenu():
    fichiers = [*RACINE.joinpath("templates").rglob("*.html")]
    for application in APPLICATIONS:
        fichiers += RACINE.joinpath(application).rglob("*.py")
    fichiers += RACINE.joinpath("static", "js").glob("*.js")
    fichiers += Path(crispy_bootstrap5.__file__).parent.joinpath("templates").rglob("*.html")
    return {mot for fichier in fichiers for mot in MOT.findall(fichier.read_text("utf-8"))}


def test_les_classes_de_bootstrap_employees_sont_restees():
    employees = _classes(COMPLET) & _contenu()
    manquantes = sorted(employees - _classes(REDUIT))

    assert len(employees) > 100  # le test lit bien les gabarits
    assert manquantes == [], f"Relancez `make css` : {manquantes[:20]}"


def test_bootstrap_reduit_est_bien_plus_petit():
    assert {"btn", "alert-danger", "form-control", "visually-hidden"} <= _classes(REDUIT)
    assert REDUIT.stat().st_size < COMPLET.stat().st_size / 3
