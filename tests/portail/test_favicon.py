"""L'icône du portail : /favicon.ico, que les navigateurs demandent d'eux-mêmes, et le lien de
chaque page."""

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse


def test_favicon_ico_leads_to_the_icon_of_the_static_files(client, db):
    reponse = client.get("/favicon.ico")

    assert reponse.status_code == 302
    assert reponse["Location"] == "/static/img/favicon.ico"
    chemin = finders.find("img/favicon.ico")
    with open(chemin, "rb") as fichier:
        assert fichier.read(4) == b"\x00\x00\x01\x00"  # un vrai fichier .ico
    assert finders.find("img/favicon.svg")


def test_every_page_names_its_icon(client_dupont):
    for reponse in (Client().get(reverse("connexion")), client_dupont.get(reverse("accueil"))):
        assert reponse.status_code == 200
        html = reponse.content.decode()
        assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
        assert '<link rel="icon" href="/static/img/favicon.ico"' in html
