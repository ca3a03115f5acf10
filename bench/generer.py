"""Le générateur du grand jeu de données des benchmarks (pas lancé par les tests).

    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.generer --familles 10000

Dans une base vide (celle de DATABASE_URL, migrée ici) : les sept prestations et la régie de la
démonstration, N familles (titulaire avec un compte de connexion, conjoint pour 60 %), 1,5
enfant par famille en moyenne, leurs inscriptions, une année scolaire de planning (mercredis de
l'accueil de loisirs réservés, une semaine de chaque petites vacances, cantine et garderie en
jours réguliers avec quelques absences), des messages, des demandes, des pièces du dossier, les
factures des mois écoulés de l'année (par le vrai service de facturation, chronométré) et des
règlements. Tout par bulk_create : 10 000 familles en quelques minutes.

Deux familles sont repérables pour compter les requêtes : la « grande » (famille n° 0 : quatre
enfants inscrits à tout, beaucoup de messages et de demandes) et la « petite » (n° 1 : un enfant).
Un enfant sur dix (dont ceux de ces deux familles) est inscrit aux sept prestations : sa grille
a 7 lignes, comme la page de référence.
"""

import argparse
import datetime
import random
import sys
import time
from dataclasses import dataclass, field

from bench import preparer_django

preparer_django()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from demandes.models import Demande  # noqa: E402
from dossiers.models import CertificationAnnuelle, PieceDossier, TypeDocument  # noqa: E402
from enfants.models import Enfant, Inscription, Journee, Prestation  # noqa: E402
from enfants.regles import raison_de_fermeture  # noqa: E402
from facturation import services  # noqa: E402
from facturation.models import Affectation, Facture, Regie, Reglement  # noqa: E402
from familles.models import Document, Famille, Message, Responsable, Utilisateur  # noqa: E402
from portail.demo import _accueil, debut_annee_scolaire, dernier_du_mois, instant  # noqa: E402

MOT_DE_PASSE = "Bench2026"
PRENOMS = ("Léa", "Hugo", "Chloé", "Louis", "Inès", "Jules", "Manon", "Arthur", "Zoé", "Nathan")
NOMS = ("MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND")
LOT = 5000
# Les familles n° …0 et …1 (une sur cinq) : leurs enfants sont inscrits aux sept prestations,
# leurs pages sont celles qu'on charge ; la ruée sur les réservations prend les autres.
FAMILLES_DES_PAGES = r"[01]$"
Etat = Journee.Etat


@dataclass
class Rapport:
    familles: int = 0
    enfants: int = 0
    inscriptions: int = 0
    journees: int = 0
    messages: int = 0
    demandes: int = 0
    factures: int = 0
    reglements: int = 0
    secondes: float = 0.0
    facturation: list = field(default_factory=list)  # [(mois, familles, secondes)]

    def lignes(self):
        yield f"{self.familles} familles, {self.enfants} enfants, {self.inscriptions} inscriptions"
        yield (
            f"{self.journees} journées, {self.messages} messages, {self.demandes} demandes, "
            f"{self.factures} factures, {self.reglements} règlements"
        )
        for mois, familles, secondes in self.facturation:
            yield (
                f"facturation de {mois:%m/%Y} : {familles} factures en {secondes:.1f} s, "
                f"{1000 * secondes / max(familles, 1):.2f} ms par famille"
            )
        yield f"génération : {self.secondes:.0f} s"


def jours_entre(debut, fin):
    jour = debut
    while jour <= fin:
        yield jour
        jour += datetime.timedelta(days=1)


def tailles_des_familles(nombre, rng):
    """Le nombre d'enfants de chaque famille : 60 % un, 30 % deux, 10 % trois (1,5 en
    moyenne) ; la famille 0 en a quatre, la famille 1 un seul."""
    un, deux = round(nombre * 0.6), round(nombre * 0.3)
    tailles = [1] * un + [2] * deux + [3] * (nombre - un - deux)
    rng.shuffle(tailles)
    if nombre >= 2:
        tailles[0], tailles[1] = 4, 1
    return tailles


def generer(nombre, *, graine=2026, aujourdhui=None):
    """Remplit la base ; renvoie un Rapport."""
    debut_chrono = time.perf_counter()
    rng = random.Random(graine)
    aujourdhui = aujourdhui or timezone.localdate()
    rentree = debut_annee_scolaire(aujourdhui)
    fin_annee = datetime.date(rentree.year + 1, 7, 5)
    maintenant = timezone.now()
    rapport = Rapport()

    # Les sept prestations et la régie AL de la démonstration, sans limite de places (une
    # commune de 10 000 familles a plusieurs centres : les places ne sont pas l'objet ici).
    prestations, regie = _accueil([rentree])
    Prestation.objects.filter(pk__in=[p.pk for p in prestations.values()]).update(places=None)
    prestations = {nom: Prestation.objects.get(pk=p.pk) for nom, p in prestations.items()}
    agent, _ = Utilisateur.objects.get_or_create(
        username="agent.bench", defaults={"is_staff": True, "first_name": "Agent"}
    )

    # Les familles, leurs comptes et leurs responsables.
    hachage = make_password(MOT_DE_PASSE)  # un seul calcul PBKDF2 pour tous les comptes
    tailles = tailles_des_familles(nombre, rng)
    familles = Famille.objects.bulk_create(
        (
            Famille(
                numero=f"2{n:012d}",
                quotient_familial=300 + rng.randrange(1500),
                organisme_rattachement=Famille.Organisme.CAF if n % 2 else Famille.Organisme.AUCUN,
                numero_allocataire=f"{7000000 + n}" if n % 2 else "",
            )
            for n in range(nombre)
        ),
        batch_size=LOT,
    )
    utilisateurs = Utilisateur.objects.bulk_create(
        (
            Utilisateur(
                username=f"parent{n}",
                password=hachage,
                first_name=PRENOMS[n % len(PRENOMS)],
                last_name=NOMS[n % len(NOMS)],
                email=f"parent{n}@bench.invalid",
            )
            for n in range(nombre)
        ),
        batch_size=LOT,
    )
    situations = (Responsable.Situation.MARIE, Responsable.Situation.PACSE)
    responsables = []
    for n, famille in enumerate(familles):
        nom = NOMS[n % len(NOMS)]
        responsables.append(
            Responsable(
                famille=famille,
                role=Responsable.Role.TITULAIRE,
                utilisateur=utilisateurs[n],
                civilite=Responsable.Civilite.MADAME if n % 2 else Responsable.Civilite.MONSIEUR,
                nom=nom,
                prenom=PRENOMS[n % len(PRENOMS)].upper(),
                qualite=Responsable.Qualite.MERE if n % 2 else Responsable.Qualite.PERE,
                situation=situations[n % 2] if n % 5 else Responsable.Situation.SEPARE,
                adresse=f"{1 + n % 90} RUE DES ÉCOLES",
                code_postal="73350",
                ville="BOZEL",
                telephone_mobile=f"06 {n % 100:02d} {n // 100 % 100:02d} 00 00",
                email=f"parent{n}@bench.invalid",
            )
        )
        if n % 5 in (1, 2, 3):  # 60 % des familles ont un conjoint
            responsables.append(
                Responsable(
                    famille=famille,
                    role=Responsable.Role.CONJOINT,
                    nom=nom,
                    prenom="CONJOINT",
                    qualite=Responsable.Qualite.PERE if n % 2 else Responsable.Qualite.MERE,
                )
            )
    responsables = Responsable.objects.bulk_create(responsables, batch_size=LOT)
    titulaires = {r.famille_id: r for r in responsables if r.role == Responsable.Role.TITULAIRE}
    rapport.familles = len(familles)

    # Les enfants et leurs inscriptions.
    enfants = []
    for n, famille in enumerate(familles):
        for rang in range(tailles[n]):
            enfants.append(
                Enfant(
                    famille=famille,
                    nom=NOMS[n % len(NOMS)],
                    prenom=PRENOMS[(n + 3 * rang) % len(PRENOMS)],
                    sexe=Enfant.Sexe.FILLE if (n + rang) % 2 else Enfant.Sexe.GARCON,
                    date_naissance=datetime.date(2015 + (n + rang) % 8, 1 + rang % 12, 1 + n % 28),
                    ecole="École de Bozel",
                    autorisation_photo=bool(n % 3),
                    autorisation_soins=True,
                )
            )
    enfants = Enfant.objects.bulk_create(enfants, batch_size=LOT)
    rapport.enfants = len(enfants)

    noms = {
        "mercredi": "ALSH Mercredi journée",
        "mercredi_am": "ALSH Mercredi après-midi",
        "vacances": "ALSH Vacances journée",
        "vacances_matin": "ALSH Vacances matin",
        "vacances_am": "ALSH Vacances après-midi",
        "garderie": "Garderie matin",
        "cantine": "Restauration scolaire",
    }
    p = {cle: prestations[nom] for cle, nom in noms.items()}
    inscriptions, inscrit_a = [], {}
    for rang, enfant in enumerate(enfants):
        famille_n = int(enfant.famille.numero) - 2 * 10**12
        complet = famille_n % 10 in (0, 1)  # un enfant sur dix environ : les sept lignes
        tirage = rng.random()
        choix = set(p) if complet else set()
        if not complet:
            if tirage < 0.8:
                choix.add("cantine")
            if rng.random() < 0.3:
                choix.add("garderie")
            if rng.random() < 0.5:
                choix.add("mercredi")
            elif rng.random() < 0.3:
                choix.add("mercredi_am")
            if rng.random() < 0.3:
                choix.add("vacances")
        reguliers = {"cantine": "1245", "garderie": "12" if rang % 2 else "1245"}
        for cle in sorted(choix):
            inscriptions.append(
                Inscription(
                    enfant=enfant,
                    prestation=p[cle],
                    responsable=titulaires[enfant.famille_id],
                    date_debut=rentree,
                    jours_reguliers=reguliers.get(cle, ""),
                )
            )
        inscrit_a[enfant.pk] = choix
    Inscription.objects.bulk_create(inscriptions, batch_size=LOT)
    rapport.inscriptions = len(inscriptions)

    # Une année scolaire de planning.
    ouverts = {
        cle: [jour for jour in jours_entre(rentree, fin_annee) if _ouvert(prestation, jour)]
        for cle, prestation in p.items()
    }
    semaines_vacances = _une_semaine_par_vacances(ouverts["vacances"])

    def journee(enfant, cle, jour, etat=None, **champs):
        passe = jour < aujourdhui
        return Journee(
            enfant=enfant,
            prestation=p[cle],
            date=jour,
            etat=etat or (Etat.PRESENT if passe else Etat.RESERVE),
            reservee=True,
            demandee_le=maintenant,
            modifiee_par=utilisateurs_par_famille[enfant.famille_id],
            **champs,
        )

    utilisateurs_par_famille = {f.pk: u for f, u in zip(familles, utilisateurs, strict=True)}

    def journees():
        for enfant in enfants:
            choix = inscrit_a[enfant.pk]
            for cle in ("mercredi", "mercredi_am"):
                if cle in choix:
                    for jour in ouverts[cle]:
                        yield journee(enfant, cle, jour)
            for cle in ("vacances", "vacances_matin", "vacances_am"):
                if cle in choix:
                    for jour in semaines_vacances if cle == "vacances" else semaines_vacances[:2]:
                        yield journee(enfant, cle, jour)
            if "cantine" in choix:  # trois absences excusées dans l'année
                reguliers = [j for j in ouverts["cantine"] if j.isoweekday() in (1, 2, 4, 5)]
                for jour in rng.sample(reguliers, 3):
                    yield journee(enfant, "cantine", jour, Etat.ABSENT_EXCUSE, motif="Malade")

    rapport.journees = _par_lots(Journee, journees())

    # Messages, demandes, dossier, informations.
    rapport.messages = _par_lots(Message, _messages(familles, agent, aujourdhui))
    type_responsable = ContentType.objects.get_for_model(Responsable)
    rapport.demandes = _par_lots(
        Demande, _demandes(familles, titulaires, type_responsable, agent, aujourdhui)
    )
    _dossiers(familles, enfants, rentree, aujourdhui, agent)
    Document.objects.bulk_create(
        Document(titre=f"Information n° {n}", texte="Le service enfance vous informe.", publie=True)
        for n in range(1, 6)
    )

    # Les factures des mois écoulés de l'année scolaire, par le service de facturation.
    mois = rentree
    while dernier_du_mois(mois) < aujourdhui:
        fin = dernier_du_mois(mois)
        t0 = time.perf_counter()
        resultat = services.facturer_periode(
            regie=regie,
            debut=mois,
            fin=fin,
            date_facture=fin + datetime.timedelta(days=1),
            aujourdhui=aujourdhui,
            produire_pdf=False,
            annoncer=False,
        )
        rapport.facturation.append((mois, len(resultat.factures), time.perf_counter() - t0))
        mois = fin + datetime.timedelta(days=1)
    rapport.factures = Facture.objects.count()
    rapport.reglements = _reglements(regie, rng)
    with connection.cursor() as curseur:
        curseur.execute("ANALYZE")
    rapport.secondes = time.perf_counter() - debut_chrono
    return rapport


def _ouvert(prestation, jour):
    return raison_de_fermeture(prestation, jour) is None


def _une_semaine_par_vacances(jours):
    """Les cinq premiers jours ouverts de chaque période de vacances."""
    semaines, precedent, compte = [], None, 0
    for jour in jours:
        if precedent is None or (jour - precedent).days > 4:
            compte = 0
        if compte < 5:
            semaines.append(jour)
        compte += 1
        precedent = jour
    return semaines


def _par_lots(modele, objets):
    total, lot = 0, []
    for objet in objets:
        lot.append(objet)
        if len(lot) == LOT:
            modele.objects.bulk_create(lot)
            total, lot = total + len(lot), []
    if lot:
        modele.objects.bulk_create(lot)
        total += len(lot)
    return total


def _messages(familles, agent, aujourdhui):
    for n, famille in enumerate(familles):
        nombre = 60 if n == 0 else 3
        for k in range(nombre):
            envoi = instant(aujourdhui - datetime.timedelta(days=3 + 5 * k), 9, 30)
            yield Message(
                famille=famille,
                sens=Message.Sens.VERS_FAMILLE if k % 3 else Message.Sens.VERS_SERVICE,
                sujet=f"Message n° {k + 1}",
                corps="Bonjour,\n\nLe service enfance vous informe.\n\nBonne journée.",
                auteur=agent if k % 3 else None,
                date_envoi=envoi,
                lu_le=None if k == 1 else envoi + datetime.timedelta(hours=5),
            )


def _demandes(familles, titulaires, type_responsable, agent, aujourdhui):
    for n, famille in enumerate(familles):
        nombre = 15 if n == 0 else (2 if n % 10 < 3 else 0)
        titulaire = titulaires[famille.pk]
        for k in range(nombre):
            decidee = k % 2 == 0
            yield Demande(
                famille=famille,
                type=Demande.Type.RESPONSABLE,
                statut=Demande.Statut.ACCEPTEE if decidee else Demande.Statut.EN_ATTENTE,
                cible_type=type_responsable,
                cible_id=titulaire.pk,
                valeurs_actuelles={"telephone_mobile": titulaire.telephone_mobile},
                valeurs_demandees={"telephone_mobile": f"07 00 00 {k:02d} {n % 100:02d}"},
                commentaire="Nouveau numéro de portable.",
                demandeur=titulaire.utilisateur,
                date_demande=instant(aujourdhui - datetime.timedelta(days=2 + 7 * k), 18, 0),
                decidee_par=agent if decidee else None,
                decidee_le=instant(aujourdhui - datetime.timedelta(days=1 + 7 * k))
                if decidee
                else None,
            )


def _dossiers(familles, enfants, rentree, aujourdhui, agent):
    """La moitié des familles ont déposé leurs documents (acceptés), 40 % ont certifié leur
    fiche de l'année."""
    types = list(TypeDocument.objects.filter(actif=True, condition=TypeDocument.Condition.TOUJOURS))
    enfants_de = {}
    for enfant in enfants:
        enfants_de.setdefault(enfant.famille_id, []).append(enfant)
    fin_annee = datetime.date(rentree.year + 1, 8, 31)
    depot = instant(rentree + datetime.timedelta(days=3))

    def pieces():
        for n, famille in enumerate(familles):
            if n % 2:
                continue
            for type_document in types:
                pour = enfants_de.get(famille.pk, []) if type_document.par_enfant else [None]
                for enfant in pour:
                    yield PieceDossier(
                        famille=famille,
                        type_document=type_document,
                        enfant=enfant,
                        date_document=rentree,
                        deposee_le=depot,
                        statut=PieceDossier.Statut.ACCEPTEE,
                        valable_jusquau=fin_annee,
                        decidee_par=agent,
                        decidee_le=depot + datetime.timedelta(days=1),
                    )

    _par_lots(PieceDossier, pieces())
    _par_lots(
        CertificationAnnuelle,
        (
            CertificationAnnuelle(
                famille=famille,
                annee=rentree.year,
                pages_confirmees=["famille"],
                certifiee_le=depot,
                certifiee_par=None,
            )
            for n, famille in enumerate(familles)
            if n % 5 < 2
        ),
    )


def _reglements(regie, rng):
    """Trois factures sur quatre du premier mois facturé sont payées en entier."""
    premieres = list(
        Facture.objects.filter(regie=regie, montant__gt=0)
        .order_by("date_facture", "rang")
        .values_list("pk", "famille_id", "montant", "date_facture", "date_facture")
    )
    if not premieres:
        return 0
    premier_mois = premieres[0][3]
    payees = [f for f in premieres if f[3] == premier_mois and rng.random() < 0.75]
    rang = regie.dernier_numero_reglement
    modes = (Reglement.Mode.CHEQUE, Reglement.Mode.VIREMENT, Reglement.Mode.PAIEMENT_EN_LIGNE)
    reglements = Reglement.objects.bulk_create(
        (
            Reglement(
                regie=regie,
                famille_id=famille_id,
                numero=f"{regie.prefixe}-{rang + k + 1}",
                date=date_facture + datetime.timedelta(days=10),
                mode=modes[k % 3],
                montant=montant,
            )
            for k, (_, famille_id, montant, date_facture, _) in enumerate(payees)
        ),
        batch_size=LOT,
    )
    Affectation.objects.bulk_create(
        (
            Affectation(reglement=reglement, facture_id=facture[0], montant=facture[2])
            for reglement, facture in zip(reglements, payees, strict=True)
        ),
        batch_size=LOT,
    )
    Regie.objects.filter(pk=regie.pk).update(dernier_numero_reglement=rang + len(reglements))
    return len(reglements)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--familles", type=int, default=10000)
    parser.add_argument("--graine", type=int, default=2026)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    if Famille.objects.exists():
        sys.exit(
            f"La base {connection.settings_dict['NAME']} contient déjà des familles : "
            "donnez une base vide."
        )
    rapport = generer(options.familles, graine=options.graine)
    for ligne in rapport.lignes():
        print(ligne)


if __name__ == "__main__":
    main()
