"""Les parcours de `make prod-check`, au travers de nginx (deploy/verifier-production.sh).

Lancé par le script avec l'environnement de production de la vérification (DEBUG=off, la base
jetable) : un client HTTPS sans navigateur (la bibliothèque standard, cookies et jeton CSRF
comme un navigateur) joue deux parcours, et l'ORM du portail vérifie ce que la base en garde.

1. Un parent (jean.dupont) se connecte, ouvre le planning de son enfant, choisit la première
   case réservable, demande la réservation : la journée est dans la base, à son nom.
2. Un agent (agent) se connecte à l'administration, lance « Facturer un mois… » sur la régie
   pour le mois dernier : le travail de fond est fait par le worker (`db_worker`) dans le délai,
   et sa page dans Travaux le dit.

Chaque étape réussie écrit « ok : … » ; la première qui échoue écrit « ÉCHEC : … » en français
et sort avec le code 1.

    python deploy/parcours_production.py https://127.0.0.1:8443 chemin/du/certificat.pem
"""

import datetime
import html
import http.cookiejar
import os
import re
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
DELAI_DU_TRAVAIL = int(os.environ.get("PROD_CHECK_DELAI_TRAVAIL", "180"))  # secondes

JETON_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Echec(Exception):
    """Une vérification qui ne passe pas : son message dit quoi, en français."""


def ok(message):
    print(f"  ok : {message}", flush=True)


class Client:
    """Un navigateur minimal : ses cookies, le Referer de la page qu'il quitte (le contrôle
    CSRF de Django l'exige en HTTPS), les redirections suivies."""

    def __init__(self, base, certificat):
        self.base = base.rstrip("/")
        contexte = ssl.create_default_context(cafile=certificat)
        self.cookies = http.cookiejar.CookieJar()
        self.ouvreur = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=contexte),
            urllib.request.HTTPCookieProcessor(self.cookies),
        )
        self.page = ""
        self.url = ""

    def _envoyer(self, requete):
        try:
            with self.ouvreur.open(requete, timeout=60) as reponse:
                self.page = reponse.read().decode()
                self.url = reponse.geturl()
                return reponse.status
        except urllib.error.HTTPError as erreur:
            self.page = erreur.read().decode(errors="replace")
            self.url = erreur.geturl()
            return erreur.code

    def get(self, chemin, attendu=200):
        statut = self._envoyer(urllib.request.Request(self.base + chemin))
        if statut != attendu:
            raise Echec(f"GET {chemin} : réponse {statut}, {attendu} attendu.")
        return self.page

    def post(self, chemin, donnees, attendu=200):
        """Le formulaire de la page courante, avec son jeton CSRF ; la redirection suivie."""
        jeton = JETON_CSRF.search(self.page)
        if jeton is None:
            raise Echec(f"Pas de jeton CSRF dans la page {self.url} avant le POST {chemin}.")
        corps = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": jeton[1], **donnees}, doseq=True
        ).encode()
        requete = urllib.request.Request(
            self.base + chemin, data=corps, headers={"Referer": self.url}, method="POST"
        )
        statut = self._envoyer(requete)
        if statut != attendu:
            raise Echec(f"POST {chemin} : réponse {statut}, {attendu} attendu.")
        return self.page

    def chemin_courant(self):
        return urllib.parse.urlsplit(self.url).path

    def connecter(self, page_de_connexion, identifiant, mot_de_passe):
        self.get(page_de_connexion)
        self.post(page_de_connexion, {"username": identifiant, "password": mot_de_passe})
        if self.chemin_courant() == page_de_connexion:
            raise Echec(f"{identifiant} ne peut pas se connecter ({page_de_connexion}).")


def messages_de_la_page(page):
    """Les messages affichés en haut de la page (texte seul) : ceux du portail, ceux de
    l'administration."""
    blocs = re.findall(r'<p class="alert[^"]*"[^>]*>(.*?)</p>', page, re.S)
    for liste in re.findall(r'<ul class="messagelist">(.*?)</ul>', page, re.S):
        blocs += re.findall(r"<li[^>]*>(.*?)</li>", liste, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", b)).split()) for b in blocs]


# --- 1. Un parent réserve une journée -------------------------------------------------------


def case_reservable(client, enfant_id):
    """La première case du planning qui propose « réserver » : ce mois-ci ou les deux suivants
    (les délais de réservation ferment les premiers jours)."""
    mois = datetime.date.today().replace(day=1)
    motif = re.compile(
        rf'<a href="(/mes-enfants/{enfant_id}/planning/(\d+)/(\d{{4}}-\d\d-\d\d)/)"'
        r' data-actions="([^"]*)"'
    )
    for _ in range(3):
        page = client.get(f"/mes-enfants/{enfant_id}/planning/?mois={mois:%Y-%m}")
        for lien, prestation, jour, actions in motif.findall(page):
            if "reserver" in actions.split():
                return lien, int(prestation), datetime.date.fromisoformat(jour)
        mois = (mois + datetime.timedelta(days=32)).replace(day=1)
    raise Echec(f"Aucune case réservable dans le planning de l'enfant {enfant_id} (3 mois).")


def parent_reserve(base, certificat):
    from enfants.models import Journee

    client = Client(base, certificat)
    client.connecter("/connexion/", "jean.dupont", "Bonbons2015")
    ok("jean.dupont est connecté (HTTPS, jeton CSRF, cookie de session Secure)")
    secure = {c.name: c.secure for c in client.cookies}
    if not secure.get("sessionid"):
        raise Echec(f"Le cookie de session n'est pas marqué Secure : {secure}.")

    page = client.get("/mes-enfants/")
    enfant = re.search(r'href="/mes-enfants/(\d+)/"', page)
    if enfant is None:
        raise Echec("« Mes enfants » ne montre aucun enfant à jean.dupont.")
    enfant_id = int(enfant[1])

    lien, prestation_id, jour = case_reservable(client, enfant_id)
    page = client.get(lien)
    action = f"{lien}reserver/"
    if f'action="{action}"' not in page:
        raise Echec(f"La page du {jour:%d/%m/%Y} ne propose pas de réserver ({lien}).")
    page = client.post(action, {})
    annonces = messages_de_la_page(page)
    ok(f"réservation du {jour:%d/%m/%Y} demandée ; le portail répond : {' | '.join(annonces)}")

    journee = (
        Journee.objects.filter(enfant_id=enfant_id, prestation_id=prestation_id, date=jour)
        .select_related("modifiee_par", "prestation")
        .first()
    )
    if journee is None:
        raise Echec(f"Aucune journée du {jour:%d/%m/%Y} dans la base après la réservation.")
    if journee.modifiee_par is None or journee.modifiee_par.username != "jean.dupont":
        raise Echec(f"La journée du {jour:%d/%m/%Y} n'est pas à la demande de jean.dupont.")
    if journee.etat not in Journee.ETATS_OCCUPANT_UNE_PLACE + (
        Journee.Etat.LISTE_ATTENTE,
        Journee.Etat.VOEU,
    ):
        raise Echec(f"La journée du {jour:%d/%m/%Y} est « {journee.get_etat_display()} ».")
    ok(
        f"dans la base : {journee.prestation.nom}, {jour:%d/%m/%Y}, "
        f"« {journee.get_etat_display()} », par jean.dupont"
    )


# --- 2. Un agent lance la facturation d'un mois ---------------------------------------------


def agent_facture(base, certificat):
    from facturation.models import Regie
    from travaux.models import Travail

    client = Client(base, certificat)
    client.connecter("/admin/login/", "agent", "Vanoise2015")
    ok("agent est connecté à l'administration")

    page = client.get("/admin/facturation/regie/")
    regie = re.search(r'name="_selected_action" value="(\d+)"', page)
    if regie is None:
        raise Echec("Aucune régie dans l'administration (Facturation › Régies).")
    # La régie de la démonstration facture à terme échu : son mois passé l'est déjà, le mois
    # en cours ne l'est qu'une fois fini. Passée « à échoir » (un réglage de sa fiche), elle
    # facture le mois en cours : des factures, leurs PDF archivés, leurs courriels.
    Regie.objects.filter(pk=regie[1]).update(mode_facturation=Regie.ModeFacturation.A_ECHOIR)
    ok("la régie passe « à échoir » (réglage de la vérification) : le mois en cours se facture")
    mois = datetime.date.today().replace(day=1)
    page = client.post(
        "/admin/facturation/regie/",
        {
            "action": "facturer_un_mois",
            "_selected_action": regie[1],
            "confirmer": "1",
            "mois": f"{mois:%Y-%m}",
        },
    )
    lien = re.search(r'href="(/admin/travaux/travail/(\d+)/change/)"', page)
    if lien is None:
        raise Echec(
            f"« Facturer un mois… » ({mois:%Y-%m}) n'a pas lancé de travail : "
            f"{' | '.join(messages_de_la_page(page)) or 'aucun message'}."
        )
    travail = Travail.objects.get(pk=int(lien[2]))
    ok(f"« {travail.titre} » lancé depuis l'administration ({travail.get_etat_display()})")

    finis = {Travail.Etat.TERMINE, Travail.Etat.TERMINE_AVEC_ERREURS, Travail.Etat.ECHOUE}
    debut = time.monotonic()
    while travail.etat not in finis:
        if time.monotonic() - debut > DELAI_DU_TRAVAIL:
            raise Echec(
                f"Le travail n'est pas fini après {DELAI_DU_TRAVAIL} s "
                f"(« {travail.get_etat_display()} ») : le worker tourne-t-il ?"
            )
        time.sleep(1)
        travail.refresh_from_db()
    if travail.etat != Travail.Etat.TERMINE:
        raise Echec(
            f"Le travail a fini « {travail.get_etat_display()} » : {travail.rapport} "
            f"{list(travail.erreurs.values_list('message', flat=True)[:3])}"
        )
    rapport = travail.rapport
    if not rapport.get("factures") or rapport.get("pdf") != rapport.get("factures"):
        raise Echec(f"Le travail n'a pas émis et archivé de factures : {rapport}.")
    ok(
        f"le worker l'a fait en {time.monotonic() - debut:.0f} s : "
        f"« {travail.get_etat_display()} », {travail.progression}, {rapport['factures']} "
        f"factures ({rapport['numeros']}, {rapport['montant']}), {rapport['pdf']} PDF archivés, "
        f"{rapport['annoncees']} annoncées"
    )
    page = client.get(lien[1])
    if "Terminé" not in page:
        raise Echec(f"La page du travail ({lien[1]}) ne dit pas « Terminé ».")
    ok(f"sa page dans Travaux le dit ({lien[1]})")


def main():
    base, certificat = sys.argv[1], sys.argv[2]
    sys.path.insert(0, str(RACINE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")
    import django

    django.setup()
    try:
        print("Parcours 1 : un parent réserve une journée", flush=True)
        parent_reserve(base, certificat)
        print("Parcours 2 : un agent lance la facturation d'un mois", flush=True)
        agent_facture(base, certificat)
    except Echec as echec:
        print(f"ÉCHEC : {echec}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
