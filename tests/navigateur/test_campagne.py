"""Une campagne de réservation dans Chromium, telle que la famille la voit : avant l'ouverture
(la grille dit quand les demandes ouvrent et ne propose rien), pendant la fenêtre (une
demande enregistrée, sans course), après l'attribution (la place accordée). Une capture de
chaque moment dans captures/ ; axe-core sur chacun."""

import datetime
import re

from django.core.cache import caches
from django.utils import timezone
from playwright.sync_api import expect

from enfants.campagnes import allouer_campagne
from enfants.models import Campagne, Enfant
from tests.navigateur.conftest import se_connecter


def ouvrir_fevrier(page, live_server, campagne):
    lucas = Enfant.objects.get(prenom="Lucas")
    page.goto(
        f"{live_server.url}/mes-enfants/{lucas.pk}/planning/?mois={campagne.date_debut:%Y-%m}"
    )
    expect(page.get_by_role("heading", name=re.compile("^Planning"))).to_be_visible()


def une_minute_plus_tard():
    """La grille relit les campagnes du mois au plus tard une minute après un changement
    (enfants.lectures.calendrier_affiche) : le test, qui change les dates, n'attend pas."""
    caches["affichage"].clear()


def ligne_vacances(page):
    return page.locator("tr", has=page.locator("th", has_text="ALSH Vacances journée"))


def test_la_grille_avant_pendant_et_apres_l_attribution(
    page, live_server, demo, verifier_accessibilite, capturer
):
    campagne = Campagne.objects.get()
    maintenant = timezone.now()
    Campagne.objects.filter(pk=campagne.pk).update(
        ouverture_residents=maintenant + datetime.timedelta(days=2),
        ouverture=maintenant + datetime.timedelta(days=5),
        cloture=maintenant + datetime.timedelta(days=20),
    )
    se_connecter(page, live_server)
    expect(page.get_by_text("Bienvenue JEAN DUPONT")).to_be_visible()

    # Avant l'ouverture : la date d'ouverture, aucune case à réserver dans la campagne.
    ouvrir_fevrier(page, live_server, campagne)
    annonce = page.locator(".planning-campagnes")
    expect(annonce).to_contain_text(f"{campagne.nom} : Réservations ouvertes du")
    expect(annonce).to_contain_text("Les familles de la collectivité peuvent demander dès le")
    premier_jour = campagne.date_debut + datetime.timedelta(
        days=(7 - campagne.date_debut.weekday()) % 7
    )  # le premier lundi de la campagne
    assert ligne_vacances(page).locator('a[data-actions="reserver"]').count() == 0
    verifier_accessibilite(page)
    capturer(page, "campagne-avant-ouverture")

    # Pendant la fenêtre : une demande enregistrée, sans place prise.
    Campagne.objects.filter(pk=campagne.pk).update(
        ouverture_residents=None, ouverture=maintenant - datetime.timedelta(hours=1)
    )
    une_minute_plus_tard()
    ouvrir_fevrier(page, live_server, campagne)
    expect(annonce).to_contain_text("Rien ne presse")
    case = ligne_vacances(page).locator(f'a[href$="/{premier_jour.isoformat()}/"]')
    expect(case).to_have_attribute("data-actions", "reserver")
    case.click()
    page.get_by_role("button", name="Demander une réservation").click()
    expect(page.get_by_text(re.compile("^Demande enregistrée pour le"))).to_be_visible()
    expect(case.locator('[aria-hidden="true"]')).to_have_text("D")
    verifier_accessibilite(page)
    capturer(page, "campagne-pendant")

    # Après la clôture et l'attribution : la place est accordée, la famille prévenue.
    Campagne.objects.filter(pk=campagne.pk).update(
        ouverture=maintenant - datetime.timedelta(days=2),
        cloture=maintenant - datetime.timedelta(minutes=1),
    )
    une_minute_plus_tard()
    attribution = allouer_campagne(Campagne.objects.get(pk=campagne.pk))
    assert attribution.accordees == 1
    ouvrir_fevrier(page, live_server, campagne)
    expect(annonce).to_contain_text("Places attribuées le")
    expect(case.locator('[aria-hidden="true"]')).to_have_text("R")
    verifier_accessibilite(page)
    capturer(page, "campagne-apres-attribution")
    page.goto(f"{live_server.url}/messages/")
    expect(page.get_by_text(f"Réservations « {campagne.nom} » : le résultat")).to_be_visible()
