"""Le tableau de bord des agents (administration › Tableau de bord) : pour une semaine et un
mois choisis, l'accueil par prestation, les factures du mois, les demandes qui attendent.

`tableau_de_bord(semaine=…, mois=…)` rassemble les chiffres en un nombre fixe de requêtes
(cinq, quelle que soit la taille des données) ; la vue (portail/views.py) les rend avec leurs
barres en SVG écrites côté serveur (templates/admin/tableau_de_bord.html), chacune avec son
tableau de données, sans script.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone

from demandes.models import Demande
from enfants.models import Inscription, Journee, Prestation
from enfants.regles import MOIS
from facturation.models import Facture

Etat = Journee.Etat
RESERVES = Journee.ETATS_OCCUPANT_UNE_PLACE
ABSENTS = (Etat.ABSENT_EXCUSE, Etat.ABSENT_FACTURE)
JOURS_COURTS = ("Lun", "Mar", "Mer", "Jeu", "Ven", "Sam", "Dim")
HAUTEUR_BARRES = 120  # pixels du SVG pour la plus haute barre


def lundi_de(jour):
    return jour - datetime.timedelta(days=jour.weekday())


def _lien(nom, **filtres):
    return reverse(f"admin:{nom}_changelist") + ("?" + urlencode(filtres) if filtres else "")


@dataclass
class LignePrestation:
    prestation: Prestation
    places: int | None  # par jour ; None : sans limite
    jours_ouverts: int
    reserves: int
    attente: int
    presents: int
    absents_excuses: int
    absents_factures: int
    lien: str

    @property
    def capacite(self):
        return None if self.places is None else self.places * self.jours_ouverts

    @property
    def taux(self):
        """Le taux d'occupation de la semaine, en % (None sans limite de places)."""
        if not self.capacite:
            return None
        return round(100 * self.reserves / self.capacite)


@dataclass
class Barre:
    libelle: str
    valeur: int
    x: int
    y: int
    hauteur: int


def barres(valeurs, *, largeur=48, ecart=16):
    """(libellé, valeur) → les barres d'un histogramme SVG, la plus haute à HAUTEUR_BARRES."""
    plus_haute = max((valeur for _, valeur in valeurs), default=0) or 1
    resultat = []
    for index, (libelle, valeur) in enumerate(valeurs):
        hauteur = round(HAUTEUR_BARRES * valeur / plus_haute)
        resultat.append(
            Barre(
                libelle=libelle,
                valeur=valeur,
                x=ecart + index * (largeur + ecart),
                y=HAUTEUR_BARRES + 20 - hauteur,
                hauteur=hauteur,
            )
        )
    return resultat


def _regulieres_sans_journee(jours):
    """{prestation: {n° du jour: enfants}} : les enfants inscrits en « Régulier » ces jours-là
    sans journée enregistrée (ils occupent leur place, comme dans le planning) ; une requête."""
    comptes = {}
    for index, jour in enumerate(jours):
        journee_du_jour = Journee.objects.filter(
            enfant=OuterRef("enfant"), prestation=OuterRef("prestation"), date=jour
        )
        comptes[f"jour_{index}"] = Count(
            "enfant",
            distinct=True,
            filter=Q(date_debut__lte=jour, jours_reguliers__contains=str(jour.isoweekday()))
            & (Q(date_fin__isnull=True) | Q(date_fin__gte=jour))
            & ~Exists(journee_du_jour),
        )
    lignes = (
        Inscription.objects.filter(date_debut__lte=jours[-1], prestation__active=True)
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=jours[0]))
        .exclude(jours_reguliers="")
        .order_by()
        .values("prestation")
        .annotate(**comptes)
    )
    return {
        ligne["prestation"]: {index: ligne[f"jour_{index}"] for index in range(7)}
        for ligne in lignes
    }


def tableau_de_bord(*, semaine, mois, maintenant=None):
    """Les chiffres de la semaine du lundi `semaine` et du mois `mois` (un date du 1er)."""
    maintenant = maintenant or timezone.now()
    aujourdhui = timezone.localdate(maintenant)
    dimanche = semaine + datetime.timedelta(days=6)
    jours = [semaine + datetime.timedelta(days=n) for n in range(7)]
    journees = Journee.objects.filter(date__range=(semaine, dimanche))

    # 1. L'accueil de la semaine, par prestation (deux requêtes).
    compte = journees.values("prestation").annotate(
        reserves=Count("pk", filter=Q(etat__in=RESERVES)),
        attente=Count("pk", filter=Q(etat=Etat.LISTE_ATTENTE)),
        presents=Count("pk", filter=Q(etat=Etat.PRESENT)),
        absents_excuses=Count("pk", filter=Q(etat=Etat.ABSENT_EXCUSE)),
        absents_factures=Count("pk", filter=Q(etat=Etat.ABSENT_FACTURE)),
    )
    par_prestation = {ligne["prestation"]: ligne for ligne in compte}
    regulieres = _regulieres_sans_journee(jours)
    lignes = []
    for prestation in Prestation.objects.filter(active=True).select_related("structure"):
        chiffres = par_prestation.get(prestation.pk, {})
        ouverts = sum(
            1 for jour in jours if jour.isoweekday() in prestation.jours_ouverture_isoweekday
        )
        lignes.append(
            LignePrestation(
                prestation=prestation,
                places=prestation.places,
                jours_ouverts=ouverts,
                reserves=chiffres.get("reserves", 0)
                + sum(regulieres.get(prestation.pk, {}).values()),
                attente=chiffres.get("attente", 0),
                presents=chiffres.get("presents", 0),
                absents_excuses=chiffres.get("absents_excuses", 0),
                absents_factures=chiffres.get("absents_factures", 0),
                lien=_lien(
                    "enfants_journee",
                    prestation__id__exact=prestation.pk,
                    date__gte=f"{semaine:%Y-%m-%d}",
                    date__lte=f"{dimanche:%Y-%m-%d}",
                ),
            )
        )

    # 2. Les réservations de chaque jour (une requête).
    par_jour = dict(
        journees.filter(etat__in=RESERVES)
        .values_list("date")
        .annotate(nombre=Count("pk"))
        .values_list("date", "nombre")
    )
    regulieres_par_jour = [
        sum(par_jour_reguliers.get(index, 0) for par_jour_reguliers in regulieres.values())
        for index in range(7)
    ]
    reservations_par_jour = [
        (
            f"{JOURS_COURTS[jour.weekday()]} {jour.day}",
            par_jour.get(jour, 0) + regulieres_par_jour[n],
        )
        for n, jour in enumerate(jours)
    ]

    # 3. Les factures du mois (une requête).
    fin_du_mois = (mois + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    factures = (
        Facture.objects.filter(genre=Facture.Genre.FACTURE, date_facture__range=(mois, fin_du_mois))
        .avec_reste_a_payer()
        .aggregate(
            emises=Count("pk"),
            montant=Sum("montant"),
            regle=Sum("montant_regle"),
            soldees=Count("pk", filter=Q(reste_a_payer__lte=0)),
            a_payer=Count("pk", filter=Q(reste_a_payer__gt=0, date_echeance__gte=aujourdhui)),
            echues=Count("pk", filter=Q(reste_a_payer__gt=0, date_echeance__lt=aujourdhui)),
            reste=Sum("reste_a_payer", filter=Q(reste_a_payer__gt=0)),
        )
    )
    filtre_du_mois = {"date_facture__year": mois.year, "date_facture__month": mois.month}
    factures["liens"] = {
        "emises": _lien("facturation_facture", **filtre_du_mois),
        "soldees": _lien("facturation_facture", paiement="soldee", **filtre_du_mois),
        "a_payer": _lien("facturation_facture", paiement="a_payer", **filtre_du_mois),
        "echues": _lien("facturation_facture", paiement="echue", **filtre_du_mois),
    }
    for cle in ("montant", "regle", "reste"):
        factures[cle] = factures[cle] or Decimal("0")

    # 4. Les demandes qui attendent une décision, par type, et la plus ancienne (une requête).
    demandes = []
    for ligne in (
        Demande.objects.filter(statut=Demande.Statut.EN_ATTENTE)
        .values("type")
        .annotate(nombre=Count("pk"), depuis=Min("date_demande"))
        .order_by("depuis")
    ):
        demandes.append(
            {
                "type": Demande.Type(ligne["type"]).label,
                "nombre": ligne["nombre"],
                "age_jours": (maintenant - ligne["depuis"]).days,
                "lien": _lien(
                    "demandes_demande", statut__exact="en_attente", type__exact=ligne["type"]
                ),
            }
        )

    return {
        "semaine": semaine,
        "dimanche": dimanche,
        "semaine_precedente": semaine - datetime.timedelta(days=7),
        "semaine_suivante": semaine + datetime.timedelta(days=7),
        "mois": mois,
        "mois_en_clair": f"{MOIS[mois.month - 1]} {mois.year}",
        "lignes": lignes,
        "reservations_par_jour": reservations_par_jour,
        "barres_jours": barres(reservations_par_jour),
        "barres_factures": barres(
            [
                ("Soldées", factures["soldees"]),
                ("À payer", factures["a_payer"]),
                ("Échues", factures["echues"]),
            ],
            largeur=72,
        ),
        "factures": factures,
        "demandes": demandes,
        "demandes_total": sum(d["nombre"] for d in demandes),
        "lien_demandes": _lien("demandes_demande", statut__exact="en_attente"),
    }
