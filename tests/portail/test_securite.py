"""Le durcissement du portail, vérifié sur ses réponses : la politique de sécurité du contenu
(django-csp) sur chaque page, les en-têtes de sécurité, les cookies et la durée des sessions en
production.

Ailleurs : le verrouillage après 5 échecs de connexion est vérifié dans
tests/portail/test_connexion.py (test_apres_cinq_echecs_meme_le_bon_mot_de_passe_est_refuse et
suivants) ; `check --deploy` sans avertissement dans tests/portail/test_reglages.py ; l'absence
de violation de la politique dans un vrai navigateur dans
tests/navigateur/test_securite_navigateur.py.
"""

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from dossiers.services import etapes_de_la_famille
from familles.blocs import BLOCS_FAMILLE, BLOCS_RESPONSABLE
from familles.models import Document, Responsable
from tests.dossiers.fabriques import PieceDossierFactory, donner_droits_dossiers, semer_types
from tests.factories import MOT_DE_PASSE
from tests.portail import test_isolation
from tests.portail.test_reglages import lancer_manage

# La démonstration et l'objet de Dupont de chaque route, comme le test d'isolation.
demonstration = test_isolation.demonstration

POLITIQUE = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self' https://www.payfip.gouv.fr",
    "frame-ancestors": "'none'",
}


def lire_politique(entete):
    """« default-src 'self'; img-src 'self' data: » → {directive: sources}."""
    return {
        nom: sources
        for nom, _, sources in (partie.strip().partition(" ") for partie in entete.split(";"))
    }


def directives(reponse):
    """La politique de sécurité du contenu de la réponse, directive par directive."""
    return lire_politique(reponse.headers["Content-Security-Policy"])


def code_en_ligne(source):
    """Ce que la politique bloquerait dans une page : styles et scripts en ligne."""
    trouves = re.findall(r"<[^>]+\sstyle=|<style[\s>]", source)
    trouves += re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", source)
    trouves += re.findall(r"<[^>]+\son[a-z]+\s*=", source)
    trouves += re.findall(r"<[^>]+=\s*[\"']?javascript:", source)
    return trouves


# --- Chaque page d'un parent -------------------------------------------------------------------


def routes_du_portail():
    """(nom, motif) de chaque route du portail, hors administration."""

    def parcourir(motifs, prefixe=""):
        for motif in motifs:
            if isinstance(motif, URLResolver):
                if not str(motif.pattern).startswith("admin/"):
                    yield from parcourir(motif.url_patterns, prefixe + str(motif.pattern))
            elif motif.name:
                yield motif.name, prefixe + str(motif.pattern)

    return sorted(parcourir(get_resolver().url_patterns))


def adresses_du_parent(dupont):
    """L'adresse de chaque page du portail : les routes sans paramètre, et celles à paramètre
    avec un objet de la famille Dupont (ceux du test d'isolation, et chaque bloc de Mon compte,
    chaque page de la certification, un formulaire des Infos)."""
    objets = {
        nom: [parametres] for nom, parametres in test_isolation.objets_de_dupont(dupont).items()
    }
    objets["demande_bloc_famille"] = [{"bloc": bloc.nom} for bloc in BLOCS_FAMILLE]
    objets["demande_bloc"] = [
        {"bloc": bloc.nom, "role": Responsable.Role.TITULAIRE} for bloc in BLOCS_RESPONSABLE
    ]
    objets["certification_etape"] = [{"cle": etape.cle} for etape in etapes_de_la_famille(dupont)]
    objets["formulaire"] = [{"pk": document.pk} for document in Document.objects.all()[:1]]
    adresses = []
    for nom, motif in routes_du_portail():
        if nom == "sante":
            # La sonde de la surveillance (JSON, tests/portail/test_sante.py), pas une page ; sa
            # vue asynchrone ne se sert pas depuis le fil de Playwright, qui a sa boucle.
            continue
        if "<" not in motif:
            adresses.append(reverse(nom))
        for parametres in objets.get(nom, []):
            adresses.append(reverse(nom, kwargs=parametres))
    return adresses


def pages_html(client, adresses):
    """(adresse, réponse) de chaque page HTML que le client ouvre (200) parmi les adresses."""
    for adresse in adresses:
        reponse = client.get(adresse)
        if reponse.status_code == 200 and reponse["Content-Type"].startswith("text/html"):
            yield adresse, reponse


def test_une_page_du_parent_porte_la_politique_sans_unsafe_inline(client_dupont):
    reponse = client_dupont.get(reverse("accueil"))

    assert reponse.status_code == 200
    assert directives(reponse) == POLITIQUE
    assert "unsafe-inline" not in reponse.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in reponse.headers["Content-Security-Policy"]


def test_chaque_page_du_portail_porte_la_politique_et_n_a_ni_style_ni_script_en_ligne(
    client, demonstration
):
    adresses = adresses_du_parent(demonstration)
    vues, fautes = [], []
    client.force_login(demonstration.titulaire.utilisateur)
    connecte = list(pages_html(client, adresses))
    client.logout()
    anonyme = list(pages_html(client, adresses))
    for adresse, reponse in connecte + anonyme:
        vues.append(adresse)
        if directives(reponse) != POLITIQUE:
            fautes.append(f"{adresse} : {reponse.headers['Content-Security-Policy']}")
        if trouves := code_en_ligne(reponse.content.decode()):
            fautes.append(f"{adresse} : {trouves}")

    assert not fautes, "\n".join(fautes)
    # Le parcours voit bien les pages : les onglets, le planning, chaque bloc, la connexion.
    for attendue in (
        reverse("accueil"),
        reverse("mes_enfants"),
        reverse("releve"),
        reverse("enfant_planning", args=[demonstration.enfants.get(prenom="Lucas").pk]),
        reverse("demande_bloc_famille", args=["fiscales"]),
        reverse("connexion"),
        reverse("mot_de_passe_oublie"),
    ):
        assert attendue in vues
    assert len(vues) > 40


def test_les_pages_d_erreur_portent_aussi_la_politique(client_dupont):
    reponse = client_dupont.get("/cette-page-n-existe-pas/")

    assert reponse.status_code == 404
    assert directives(reponse) == POLITIQUE
    assert not code_en_ligne(reponse.content.decode())


def test_la_page_de_changement_obligatoire_n_a_ni_style_ni_script_en_ligne(client, dupont):
    utilisateur = dupont.titulaire.utilisateur
    utilisateur.doit_changer_mot_de_passe = True
    utilisateur.save()
    client.force_login(utilisateur)

    reponse = client.get(reverse("mot_de_passe_obligatoire"))

    assert reponse.status_code == 200
    assert directives(reponse) == POLITIQUE
    assert not code_en_ligne(reponse.content.decode())


def test_les_formulaires_ne_menent_qu_au_portail_et_au_site_de_payfip():
    """La page de paiement redirige le parent vers PayFiP après son POST : form-action doit
    admettre l'adresse de paiement qu'eopayment donne au navigateur."""
    from eopayment.payfip_ws import PAYMENT_URL

    adresse = urlsplit(PAYMENT_URL)
    origine = f"{adresse.scheme}://{adresse.netloc}"
    sources = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]
    assert origine == settings.PAYFIP_ORIGINE
    assert origine in sources
    assert sorted(sources) == sorted(["'self'", origine])


# --- La visionneuse de l'administration ----------------------------------------------------------


@pytest.fixture
def piece_deposee(dupont, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    semer_types()
    return PieceDossierFactory(famille=dupont)


def test_la_visionneuse_encadre_le_document_servi_par_le_portail_seul(
    client_agent, agent, piece_deposee
):
    donner_droits_dossiers(agent)
    reponse = client_agent.get(reverse("fichier_piece", args=[piece_deposee.pk]))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["X-Frame-Options"] == "SAMEORIGIN"
    politique = directives(reponse)
    # Encadré par le portail seulement ; le reste de la politique ne change pas.
    assert politique["frame-ancestors"] == "'self'"
    assert {k: v for k, v in politique.items() if k != "frame-ancestors"} == {
        k: v for k, v in POLITIQUE.items() if k != "frame-ancestors"
    }


def test_les_autres_reponses_refusent_tout_cadre(client_dupont):
    reponse = client_dupont.get(reverse("mon_compte"))

    assert reponse["X-Frame-Options"] == "DENY"
    assert directives(reponse)["frame-ancestors"] == "'none'"


# --- En-têtes et cookies -----------------------------------------------------------------------


def test_les_en_tetes_de_securite_sont_poses(client_dupont):
    reponse = client_dupont.get(reverse("accueil"))

    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert reponse["Referrer-Policy"] == "same-origin"
    assert reponse["X-Frame-Options"] == "DENY"
    assert reponse["Cross-Origin-Opener-Policy"] == "same-origin"


# La production (DEBUG=off), comme tests/portail/test_reglages.py, dans un processus à part :
# une page et une connexion par le client de test de Django, sur une base SQLite en mémoire
# (jamais celle de DATABASE_URL).
CODE_PRODUCTION = """
import json
from django.core.management import call_command
from django.test import Client, override_settings
from familles.models import Utilisateur

# Sans collectstatic (pas de manifeste des fichiers statiques) : le stockage simple.
override_settings(
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
).enable()
call_command("migrate", verbosity=0)
Utilisateur.objects.create_user("jean.dupont", password="MOT_DE_PASSE")
client = Client(HTTP_HOST="portail.exemple.fr")
page = client.get("/connexion/", secure=True)
connexion = client.post(
    "/connexion/", {"username": "jean.dupont", "password": "MOT_DE_PASSE"}, secure=True
)
en_clair = Client(HTTP_HOST="portail.exemple.fr").get("/connexion/")

ATTRIBUTS = ("secure", "httponly", "samesite", "expires", "max-age")


def cookies(reponse):
    return {
        nom: {cle: str(cookie[cle]) for cle in ATTRIBUTS}
        for nom, cookie in reponse.cookies.items()
    }


print(json.dumps({
    "entetes": dict(page.headers),
    "cookies_page": cookies(page),
    "statut_connexion": connexion.status_code,
    "cookies_connexion": cookies(connexion),
    "en_clair": [en_clair.status_code, en_clair.headers.get("Location", "")],
}))
"""


@pytest.fixture(scope="module")
def production():
    resultat = lancer_manage(
        "shell",
        "--no-imports",
        "-c",
        CODE_PRODUCTION.replace("MOT_DE_PASSE", MOT_DE_PASSE),
        DEBUG="off",
        SECRET_KEY="une-cle-de-production-longue-et-aleatoire-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="portail.exemple.fr",
        DATABASE_URL="sqlite://:memory:",
        PAYFIP_BACKEND="payfip_ws",
        SESSION_COOKIE_AGE="1800",
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    return json.loads(resultat.stdout.strip().splitlines()[-1])


def test_en_production_hsts_et_la_politique_sont_envoyes(production):
    entetes = production["entetes"]
    assert entetes["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert entetes["X-Content-Type-Options"] == "nosniff"
    assert entetes["Referrer-Policy"] == "same-origin"
    assert entetes["X-Frame-Options"] == "DENY"
    assert lire_politique(entetes["Content-Security-Policy"]) == POLITIQUE


def test_en_production_le_http_en_clair_est_redirige_vers_https(production):
    statut, destination = production["en_clair"]
    assert statut == 301
    assert destination == "https://portail.exemple.fr/connexion/"


def test_en_production_le_cookie_csrf_est_secure(production):
    csrf = production["cookies_page"]["csrftoken"]
    assert csrf["secure"] == "True"
    assert csrf["samesite"] == "Lax"


def test_en_production_le_cookie_de_session_est_secure_httponly_et_meurt_avec_le_navigateur(
    production,
):
    assert production["statut_connexion"] == 302
    session = production["cookies_connexion"]["sessionid"]
    assert session["secure"] == "True"
    assert session["httponly"] == "True"
    assert session["samesite"] == "Lax"
    # Ni date ni durée : un cookie de session, effacé à la fermeture du navigateur.
    assert session["expires"] == ""
    assert session["max-age"] == ""


# --- La durée des sessions ---------------------------------------------------------------------


def test_la_session_dure_trente_minutes_et_se_ferme_avec_le_navigateur():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def se_connecter(client):
    reponse = client.post(
        reverse("connexion"), {"username": "jean.dupont", "password": MOT_DE_PASSE}
    )
    assert reponse.status_code == 302
    assert reponse.url == reverse("accueil")


def test_une_session_encore_dans_son_age_reste_ouverte(client, dupont, monkeypatch):
    se_connecter(client)
    plus_tard = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    monkeypatch.setattr(timezone, "now", lambda: plus_tard)

    assert client.get(reverse("accueil")).status_code == 200


def test_une_session_plus_vieille_que_son_age_est_refusee(client, dupont, monkeypatch):
    se_connecter(client)
    assert client.get(reverse("accueil")).status_code == 200
    plus_tard = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    monkeypatch.setattr(timezone, "now", lambda: plus_tard)

    reponse = client.get(reverse("mon_compte"))

    assert reponse.status_code == 302
    assert reponse.url == f"{reverse('connexion')}?next={reverse('mon_compte')}"


def test_une_session_active_reste_ouverte_et_se_ferme_apres_trente_minutes_sans_activite(
    client, dupont, monkeypatch
):
    import time

    depart = timezone.now()
    horloge = {"minutes": 0}

    def maintenant():
        return depart + timedelta(minutes=horloge["minutes"])

    monkeypatch.setattr(timezone, "now", maintenant)
    monkeypatch.setattr(time, "time", lambda: maintenant().timestamp())
    se_connecter(client)

    for minutes in (20, 45, 70):  # une page toutes les 25 minutes : jamais 30 sans activité
        horloge["minutes"] = minutes
        assert client.get(reverse("accueil")).status_code == 200, minutes

    horloge["minutes"] = 70 + 31  # 31 minutes sans rien
    reponse = client.get(reverse("mon_compte"))

    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("connexion"))


def test_la_page_qui_repousse_l_echeance_reste_sous_douze_requetes(
    client_dupont, monkeypatch, django_assert_max_num_queries
):
    import time

    plus_tard = time.time() + 6 * 60  # plus de cinq minutes après la connexion : renouvelée
    monkeypatch.setattr(time, "time", lambda: plus_tard)

    with django_assert_max_num_queries(12) as requetes:
        assert client_dupont.get(reverse("accueil")).status_code == 200

    table = Session._meta.db_table
    mises_a_jour = [q["sql"] for q in requetes.captured_queries if table in q["sql"]]
    assert len(mises_a_jour) == 2  # la lecture de la session, puis un seul UPDATE
    assert mises_a_jour[1].startswith("UPDATE")
