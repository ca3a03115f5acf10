"""La ruée sur les réservations : N parents connectés réservent au même instant le même jour
d'une prestation qui n'a que P places (pas lancé par les tests).

    .venv/bin/python -m bench.rush --parents 300 --places 20          # la ruée
    .venv/bin/python -m bench.rush --parents 2500 --places 20 --etale 60   # arrivées sur 60 s

Sur la base des benchmarks (bench.settings, déjà générée par bench.generer) et un gunicorn lancé
pour l'occasion (ou --url d'un serveur déjà lancé sur cette base). Avant la mesure, hors
chronomètre : une prestation « Bench — Sortie » de P places, un jour ouvert à venir, une
inscription de chaque enfant, une session par parent, et la page du jour de chaque parent lue
une fois (son jeton CSRF). Puis les N POST du formulaire « Réserver » partent ensemble d'un
groupe de fils (ou répartis sur --etale secondes), depuis ce processus, vers le serveur.

Résultat : acceptées, en liste d'attente, surréservées (places occupées lues en base après, moins
P), erreurs (statut hors 2xx/3xx, redirection vers la connexion, connexion perdue), p50/p95 et
durée totale.

Avec --campagne premier|attribution, le jour appartient à une campagne de réservation
(enfants.models.Campagne) ouverte depuis une heure : « premier » décide chaque demande à son
arrivée ; « attribution » enregistre les vœux, puis la ruée chronomètre l'attribution des
places (demandes.campagnes.allouer_campagne, comme après la clôture).
"""

import argparse
import datetime
import http.client
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from bench import preparer_django

preparer_django()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.generer import FAMILLES_DES_PAGES  # noqa: E402
from bench.pages import Serveur, cookie_de_session, ouvrir_session  # noqa: E402
from enfants.campagnes import allouer_campagne  # noqa: E402
from enfants.models import (  # noqa: E402
    Campagne,
    Enfant,
    Inscription,
    Journee,
    Prestation,
    Structure,
)
from enfants.regles import raison_de_fermeture  # noqa: E402
from enfants.reservations import places_occupees  # noqa: E402
from familles.models import Responsable, Utilisateur  # noqa: E402

NOM_PRESTATION = "Bench — Sortie"
NOM_CAMPAGNE = "Bench — Campagne"
JETON_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Parent:
    enfant_id: int
    utilisateur_id: int
    session: str = ""
    csrf: str = ""  # le jeton du formulaire
    cookie_csrf: str = ""
    statut: int = 0
    destination: str = ""
    duree_ms: float = 0.0
    erreur: str = ""


@dataclass
class Ruee:
    parents: int
    places: int
    etale: float
    jour: datetime.date
    campagne: str = ""  # "", "premier" ou "attribution"
    voeux: int = 0  # les demandes enregistrées d'une campagne en attribution
    secondes_attribution: float = 0.0
    acceptees: int = 0
    liste_attente: int = 0
    autres: int = 0
    occupees: int = 0
    erreurs: int = 0
    duree_totale: float = 0.0
    durees_ms: list = field(default_factory=list)
    exemples_erreurs: list = field(default_factory=list)

    @property
    def surreservees(self):
        return max(0, self.occupees - self.places)

    def centile(self, p):
        rangees = sorted(self.durees_ms)
        if not rangees:
            return 0.0
        return rangees[min(len(rangees) - 1, round(p / 100 * (len(rangees) - 1)))]

    def lignes(self):
        yield (
            f"{self.parents} parents, {self.places} places le {self.jour:%d/%m/%Y}"
            + (f", arrivées étalées sur {self.etale:g} s" if self.etale else ", tous ensemble")
            + (f", campagne « {self.campagne} »" if self.campagne else "")
        )
        if self.campagne == "attribution":
            yield (
                f"{self.voeux} vœux enregistrés ; attribution des places en "
                f"{self.secondes_attribution:.1f} s"
            )
        yield (
            f"acceptées {self.acceptees}, liste d'attente {self.liste_attente}, "
            f"surréservées {self.surreservees}, erreurs {self.erreurs}"
        )
        yield (
            f"p50 {self.centile(50):.0f} ms, p95 {self.centile(95):.0f} ms, "
            f"max {max(self.durees_ms, default=0):.0f} ms, durée totale {self.duree_totale:.1f} s"
        )


def jour_de_la_ruee(prestation, aujourdhui):
    """Le premier jour ouvert de la prestation à partir de dans une semaine."""
    jour = aujourdhui + datetime.timedelta(days=7)
    while raison_de_fermeture(prestation, jour) is not None:
        jour += datetime.timedelta(days=1)
    return jour


@transaction.atomic
def preparer_prestation(*, places, campagne=""):
    """La prestation de la ruée : P places, ouverte tous les jours, réservable jusqu'à la
    veille, acceptée sans attendre le service ; le jour de la ruée, vidé de ses journées, et
    sa campagne (`campagne` : son mode) s'il en faut une."""
    structure = Structure.objects.order_by("ordre", "pk").first()
    prestation, _ = Prestation.objects.update_or_create(
        structure=structure,
        nom=NOM_PRESTATION,
        defaults={
            "jours_ouverture": "1234567",
            "periode": Prestation.Periode.TOUTES,
            "places": places,
            "reservation_delai_jours": 1,
            "reservation_jour_semaine": None,
            "annulation_delai_jours": 1,
            "annulation_jour_semaine": None,
            "validation_automatique": True,
            "active": True,
        },
    )
    jour = jour_de_la_ruee(prestation, timezone.localdate())
    Journee.objects.filter(prestation=prestation, date=jour).delete()
    Campagne.objects.filter(nom=NOM_CAMPAGNE).delete()
    if campagne:
        maintenant = timezone.now()
        Campagne.objects.create(
            nom=NOM_CAMPAGNE,
            date_debut=jour,
            date_fin=jour,
            mode=campagne,
            ouverture=maintenant - datetime.timedelta(hours=1),
            cloture=maintenant + datetime.timedelta(days=1),
        ).prestations.add(prestation)
    return prestation, jour


def preparer_parents(prestation, nombre, *, rentree):
    """Le premier enfant de `nombre` familles distinctes, inscrit à la prestation, et une
    session pour le titulaire de chaque famille."""
    # Hors des familles dont les pages sont chargées (celles aux grilles de 7 lignes) : la
    # prestation de la ruée ajouterait une ligne à leur planning.
    titulaires = dict(
        Responsable.objects.filter(role=Responsable.Role.TITULAIRE, utilisateur__isnull=False)
        .exclude(famille__numero__regex=FAMILLES_DES_PAGES)
        .values_list("famille_id", "pk")
    )
    enfants = {}
    for famille_id, enfant_id in (
        Enfant.objects.filter(famille_id__in=titulaires)
        .order_by("famille_id", "pk")
        .values_list("famille_id", "pk")
    ):
        enfants.setdefault(famille_id, enfant_id)
    familles = sorted(enfants)[:nombre]
    if len(familles) < nombre:
        raise SystemExit(f"La base n'a que {len(familles)} familles avec un enfant.")
    deja = set(
        Inscription.objects.filter(prestation=prestation).values_list("enfant_id", flat=True)
    )
    Inscription.objects.bulk_create(
        Inscription(
            enfant_id=enfants[f],
            prestation=prestation,
            responsable_id=titulaires[f],
            date_debut=rentree,
        )
        for f in familles
        if enfants[f] not in deja
    )
    comptes = Utilisateur.objects.in_bulk(
        Responsable.objects.filter(pk__in=[titulaires[f] for f in familles]).values_list(
            "utilisateur_id", flat=True
        )
    )
    utilisateur_de = dict(
        Responsable.objects.filter(pk__in=[titulaires[f] for f in familles]).values_list(
            "famille_id", "utilisateur_id"
        )
    )
    parents = []
    for f in familles:
        utilisateur = comptes[utilisateur_de[f]]
        parents.append(
            Parent(
                enfant_id=enfants[f],
                utilisateur_id=utilisateur.pk,
                session=ouvrir_session(utilisateur),
            )
        )
    return parents


def _chemin(parent, prestation, jour, action=""):
    base = f"/mes-enfants/{parent.enfant_id}/planning/{prestation.pk}/{jour.isoformat()}/"
    return base + (f"{action}/" if action else "")


def _en_parallele(fonction, elements, fils):
    """Applique `fonction` à chaque élément depuis `fils` fils au plus."""
    file = list(elements)
    verrou = threading.Lock()

    def travailler():
        while True:
            with verrou:
                if not file:
                    return
                element = file.pop()
            fonction(element)

    groupe = [threading.Thread(target=travailler) for _ in range(fils)]
    for fil in groupe:
        fil.start()
    for fil in groupe:
        fil.join()


def lire_jetons(hote, port, parents, prestation, jour):
    """La page du jour de chaque parent (hors mesure) : le jeton CSRF du formulaire et son
    cookie."""

    def lire(parent):
        connexion = http.client.HTTPConnection(hote, port, timeout=60)
        try:
            connexion.request(
                "GET",
                _chemin(parent, prestation, jour),
                headers={"Cookie": cookie_de_session(parent.session)},
            )
            reponse = connexion.getresponse()
            page = reponse.read().decode()
            cookies = reponse.headers.get_all("Set-Cookie") or []
        finally:
            connexion.close()
        jeton = JETON_CSRF.search(page)
        cookie = next((c.split(";")[0] for c in cookies if c.startswith("csrftoken=")), "")
        if reponse.status != 200 or jeton is None or not cookie:
            raise RuntimeError(
                f"Page du jour illisible pour l'enfant {parent.enfant_id} ({reponse.status})."
            )
        parent.csrf, parent.cookie_csrf = jeton[1], cookie

    _en_parallele(lire, parents, 8)


def lancer(hote, port, parents, prestation, jour, *, etale=0.0):
    """Les POST « Réserver » de tous les parents : ensemble, ou répartis sur `etale` secondes."""
    depart = threading.Barrier(len(parents) + 1)

    def reserver(rang, parent):
        corps = urllib.parse.urlencode({"csrfmiddlewaretoken": parent.csrf})
        entetes = {
            "Cookie": f"{cookie_de_session(parent.session)}; {parent.cookie_csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        connexion = http.client.HTTPConnection(hote, port, timeout=120)
        depart.wait()
        if etale:
            time.sleep(etale * rang / len(parents))
        debut = time.perf_counter()
        try:
            connexion.request("POST", _chemin(parent, prestation, jour, "reserver"), corps, entetes)
            reponse = connexion.getresponse()
            reponse.read()
            parent.statut = reponse.status
            parent.destination = reponse.headers.get("Location", "")
        except (OSError, http.client.HTTPException) as erreur:
            parent.erreur = f"{type(erreur).__name__}: {erreur}"
        finally:
            parent.duree_ms = (time.perf_counter() - debut) * 1000
            connexion.close()

    fils = [
        threading.Thread(target=reserver, args=(rang, parent))
        for rang, parent in enumerate(parents)
    ]
    for fil in fils:
        fil.start()
    depart.wait()
    debut = time.perf_counter()
    for fil in fils:
        fil.join()
    return time.perf_counter() - debut


def mesurer_ruee(serveur, *, parents, places, etale=0.0, campagne="", rentree=None):
    """Prépare, lance et relit une ruée contre `serveur` (un bench.pages.Serveur)."""
    prestation, jour = preparer_prestation(places=places, campagne=campagne)
    rentree = rentree or datetime.date(jour.year if jour.month >= 9 else jour.year - 1, 9, 1)
    foule = preparer_parents(prestation, parents, rentree=rentree)
    hote, port = "127.0.0.1", serveur.port
    lire_jetons(hote, port, foule, prestation, jour)
    ruee = Ruee(parents=parents, places=places, etale=etale, jour=jour, campagne=campagne)
    ruee.duree_totale = lancer(hote, port, foule, prestation, jour, etale=etale)
    if campagne == "attribution":
        ruee.voeux = Journee.objects.filter(
            prestation=prestation, date=jour, etat=Journee.Etat.VOEU
        ).count()
        a_la_cloture = Campagne.objects.get(nom=NOM_CAMPAGNE)
        debut = time.perf_counter()
        allouer_campagne(
            a_la_cloture, maintenant=a_la_cloture.cloture + datetime.timedelta(minutes=1)
        )
        ruee.secondes_attribution = time.perf_counter() - debut
    for parent in foule:
        ok = (
            not parent.erreur
            and 200 <= parent.statut < 400
            and "/connexion/" not in parent.destination
        )
        if ok:
            ruee.durees_ms.append(parent.duree_ms)
        else:
            ruee.erreurs += 1
            if len(ruee.exemples_erreurs) < 5:
                ruee.exemples_erreurs.append(
                    parent.erreur or f"statut {parent.statut} → {parent.destination}"
                )
    etats = Journee.objects.filter(prestation=prestation, date=jour).values_list("etat", flat=True)
    for etat in etats:
        if etat == Journee.Etat.RESERVE:
            ruee.acceptees += 1
        elif etat == Journee.Etat.LISTE_ATTENTE:
            ruee.liste_attente += 1
        else:
            ruee.autres += 1
    ruee.occupees = places_occupees(prestation=prestation, jour=jour)
    return ruee


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parents", type=int, default=300)
    parser.add_argument("--places", type=int, default=20)
    parser.add_argument(
        "--etale", type=float, default=0.0, help="Secondes sur lesquelles les arrivées s'étalent."
    )
    parser.add_argument(
        "--campagne",
        choices=["premier", "attribution"],
        default="",
        help="Le jour appartient à une campagne de réservation de ce mode.",
    )
    parser.add_argument("--classe", default="sync", help="Classe de worker gunicorn.")
    parser.add_argument("--threads", type=int, default=1)
    options = parser.parse_args()
    with Serveur(classe=options.classe, threads=options.threads) as serveur:
        ruee = mesurer_ruee(
            serveur,
            parents=options.parents,
            places=options.places,
            etale=options.etale,
            campagne=options.campagne,
        )
    for ligne in ruee.lignes():
        print(ligne)
    for exemple in ruee.exemples_erreurs:
        print(f"  erreur : {exemple}")
    if ruee.erreurs or ruee.surreservees:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
