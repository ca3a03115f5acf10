"""Exporter une liste de l'administration comme un agent (bouton « Exporter », choix du
format) et relire le fichier reçu : CSV à la française ou classeur XLSX."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

CSV, XLSX = 0, 1  # l'ordre des formats proposés (familles/admin/outils.py : ExporterMixin)


def exporter(client, modele, format_, filtres=""):
    """La réponse de l'export de la liste « app_modele » (ex. "familles_famille")."""
    url = reverse(f"admin:{modele}_export") + (f"?{filtres}" if filtres else "")
    return client.post(url, {"format": format_})


def lignes_csv(response):
    """Les lignes du CSV (en-têtes comprises), décodé comme un tableur français le lit."""
    texte = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(texte), delimiter=";"))


def feuille_xlsx(response):
    """La première feuille du classeur : ses lignes de valeurs et ses cellules."""
    classeur = load_workbook(io.BytesIO(response.content))
    return classeur.active


def lignes_xlsx(response):
    return [list(ligne) for ligne in feuille_xlsx(response).iter_rows(values_only=True)]


def en_dictionnaires(lignes):
    entetes, *donnees = lignes
    return [dict(zip(entetes, ligne, strict=True)) for ligne in donnees]
