"""L'attribution des places d'une campagne de réservation « équitable ».

Pendant la fenêtre de la campagne, les familles demandent leurs jours sans course : chaque
demande est une Journée « Demande enregistrée » (Journee.Etat.VOEU, écrite par
enfants/reservations.py) qui ne prend pas de place. À la clôture, `allouer_campagne` attribue
les places en une fois :

1. les familles qui ont demandé sont rangées par les priorités cochées sur la campagne, dans
   cet ordre : les deux parents (ou le parent isolé) travaillent, puis la famille habite la
   collectivité ; les ex æquo sont départagés par un tirage au sort tiré de la graine de la
   campagne, que l'on peut rejouer (`tirage_au_sort`, `manage.py allouer_campagne --tirage`) ;
2. jour par jour et prestation par prestation, les familles prennent les places libres dans
   ce rang ; les frères et sœurs demandés le même jour ont tous une place ou vont tous en
   liste d'attente (`fratries_ensemble`) ;
3. les demandes non retenues vont en liste d'attente dans l'ordre de l'attribution : la
   liste avance ensuite toute seule quand une place se libère (enfants/reservations.py) ;
4. chaque famille reçoit son résultat (message et courriel) au même moment, après la
   validation de la transaction ; ce qu'elle a obtenu, et pourquoi, reste dans un
   ResultatAttribution que l'administration montre.

Tout se fait dans une transaction qui verrouille la campagne puis ses prestations : une
deuxième attribution, même lancée en même temps, ne change rien (idempotence).
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from enfants import regles
from enfants.models import Campagne, Journee, Prestation, ResultatAttribution
from enfants.reservations import _ecrire, places_occupees
from familles.models import Responsable
from familles.notifications import notifier_famille

Etat = Journee.Etat

PRIORITE_TRAVAIL = "Les deux parents, ou le parent isolé, travaillent"
PRIORITE_RESIDENT = "Famille de la collectivité"


class CampagneImpossible(Exception):
    """Une attribution refusée ; le message, en français, se montre tel quel."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Attribution:
    """Ce qu'un passage de l'attribution a donné."""

    campagne: Campagne
    deja_faite: bool = False
    familles: int = 0
    accordees: int = 0
    en_attente: int = 0
    resultats: list = field(default_factory=list)

    @property
    def resume(self):
        if self.deja_faite:
            return (
                f"Les places de « {self.campagne.nom} » ont déjà été attribuées le "
                f"{timezone.localtime(self.campagne.attribuee_le):%d/%m/%Y à %H:%M} : rien "
                "n'a été refait."
            )
        return (
            f"« {self.campagne.nom} » : {self.familles} famille(s), {self.accordees} "
            f"journée(s) accordée(s), {self.en_attente} en liste d'attente."
        )


class _Simulation(Exception):
    """Annule la transaction d'une attribution simulée."""


def tirage_au_sort(graine, familles_ids):
    """{famille_id: rang} : le tirage de la campagne, le même pour la même graine et les mêmes
    familles, quel que soit l'ordre où on les donne."""
    ordre = sorted(set(familles_ids))
    random.Random(graine).shuffle(ordre)
    return {famille_id: rang for rang, famille_id in enumerate(ordre, start=1)}


def travaillent(responsables):
    """Les deux parents, ou le parent isolé, ont une profession ou un employeur."""
    return bool(responsables) and all(
        r.profession.strip() or r.employeur.strip() for r in responsables
    )


def allouer_campagne(campagne, *, par=None, maintenant=None, simuler=False):
    """Attribue les places de la campagne à sa clôture et prévient les familles ; renvoie une
    Attribution. Sans effet si c'est déjà fait. `simuler` : calcule tout, n'écrit rien."""
    try:
        with transaction.atomic():
            attribution = _allouer(campagne.pk, par, maintenant or timezone.now())
            if simuler:
                raise _Simulation
    except _Simulation:
        pass
    return attribution


def raison_de_ne_pas_attribuer(campagne, maintenant):
    """Pourquoi les places de la campagne ne s'attribuent pas maintenant (en français), ou
    None. Une campagne déjà attribuée n'est pas refusée : son attribution ne refait rien."""
    if not campagne.attribution:
        return (
            f"« {campagne.nom} » est une campagne « premier arrivé, premier servi » : chaque "
            "demande y est décidée à son arrivée, il n'y a rien à attribuer."
        )
    if maintenant < campagne.cloture:
        return (
            f"Les demandes de « {campagne.nom} » sont ouvertes jusqu'au "
            f"{regles.instant_en_clair(campagne.cloture)} : l'attribution se fait après la "
            "clôture."
        )
    return None


def _allouer(campagne_pk, par, maintenant):
    campagne = Campagne.objects.select_for_update().get(pk=campagne_pk)
    if campagne.attribuee_le is not None:
        return Attribution(
            campagne=campagne, deja_faite=True, resultats=list(campagne.resultats.all())
        )
    raison = raison_de_ne_pas_attribuer(campagne, maintenant)
    if raison:
        raise CampagneImpossible(raison)
    prestations = {
        p.pk: p
        for p in Prestation.objects.select_for_update().filter(campagnes=campagne).order_by("pk")
    }
    voeux = list(
        Journee.objects.filter(
            prestation_id__in=prestations,
            date__range=(campagne.date_debut, campagne.date_fin),
            etat=Etat.VOEU,
        )
        .select_related("enfant__famille")
        .order_by("date", "prestation__ordre", "prestation_id", "enfant__date_naissance", "pk")
    )
    familles = {voeu.enfant.famille_id: voeu.enfant.famille for voeu in voeux}
    rang_tirage = tirage_au_sort(campagne.graine, familles)
    priorites = _priorites(campagne, familles)
    ordre = sorted(familles, key=lambda f: (*priorites[f][0], rang_tirage[f]))
    rang = {famille_id: n for n, famille_id in enumerate(ordre, start=1)}
    detail = {famille_id: [] for famille_id in familles}

    # Jour par jour et prestation par prestation, les familles dans leur rang.
    par_jour = {}
    for voeu in voeux:
        par_jour.setdefault((voeu.date, voeu.prestation_id), {}).setdefault(
            voeu.enfant.famille_id, []
        ).append(voeu)
    suite_attente = 0  # l'ordre global de la liste d'attente : celui de l'attribution
    for (jour, prestation_id), demandes_du_jour in par_jour.items():
        prestation = prestations[prestation_id]
        libres = (
            None
            if prestation.places is None
            else max(0, prestation.places - places_occupees(prestation=prestation, jour=jour))
        )
        rang_attente = 0
        for famille_id in sorted(demandes_du_jour, key=rang.__getitem__):
            enfants = demandes_du_jour[famille_id]
            tous = libres is None or libres >= len(enfants)
            for voeu in enfants:
                voeu.prestation = prestation
                accordee = libres is None or (
                    libres > 0 and (tous or not campagne.fratries_ensemble)
                )
                if accordee:
                    if libres is not None:
                        libres -= 1
                    _ecrire(
                        voeu, Etat.RESERVE, par, f"Attribution « {campagne.nom} »", reservee=True
                    )
                    issue = "place accordée"
                else:
                    suite_attente += 1
                    rang_attente += 1
                    voeu.demandee_le = campagne.cloture + datetime.timedelta(
                        microseconds=suite_attente
                    )
                    _ecrire(
                        voeu,
                        Etat.LISTE_ATTENTE,
                        par,
                        f"Attribution « {campagne.nom} » : liste d'attente",
                    )
                    issue = f"liste d'attente (rang {rang_attente})"
                detail[famille_id].append(
                    {
                        "enfant": voeu.enfant.prenom,
                        "prestation": prestation.nom,
                        "date": jour.isoformat(),
                        "issue": issue,
                        "accordee": accordee,
                    }
                )

    resultats = ResultatAttribution.objects.bulk_create(
        ResultatAttribution(
            campagne=campagne,
            famille_id=famille_id,
            rang=rang[famille_id],
            rang_tirage=rang_tirage[famille_id],
            priorites=priorites[famille_id][1],
            jours_accordes=sum(1 for ligne in detail[famille_id] if ligne["accordee"]),
            jours_en_attente=sum(1 for ligne in detail[famille_id] if not ligne["accordee"]),
            detail=detail[famille_id],
        )
        for famille_id in ordre
    )
    campagne.attribuee_le = maintenant
    campagne.save(update_fields=["attribuee_le"])
    for resultat in resultats:
        _prevenir(campagne, familles[resultat.famille_id], resultat)
    return Attribution(
        campagne=campagne,
        familles=len(resultats),
        accordees=sum(r.jours_accordes for r in resultats),
        en_attente=sum(r.jours_en_attente for r in resultats),
        resultats=resultats,
    )


def _priorites(campagne, familles):
    """{famille_id: (clé de tri, libellés des priorités obtenues)} : une requête."""
    responsables = {}
    for responsable in Responsable.objects.filter(famille_id__in=familles):
        responsables.setdefault(responsable.famille_id, []).append(responsable)
    priorites = {}
    for famille_id in familles:
        les_responsables = responsables.get(famille_id, [])
        titulaire = next(
            (r for r in les_responsables if r.role == Responsable.Role.TITULAIRE), None
        )
        cle, libelles = [], []
        if campagne.priorite_parents_travaillant:
            oui = travaillent(les_responsables)
            cle.append(0 if oui else 1)
            if oui:
                libelles.append(PRIORITE_TRAVAIL)
        if campagne.priorite_residents:
            oui = campagne.famille_residente(titulaire)
            cle.append(0 if oui else 1)
            if oui:
                libelles.append(PRIORITE_RESIDENT)
        priorites[famille_id] = (tuple(cle), libelles)
    return priorites


def _prevenir(campagne, famille, resultat):
    lignes = [
        {**ligne, "jour": regles.jour_en_clair(datetime.date.fromisoformat(ligne["date"]))}
        for ligne in resultat.detail
    ]
    notifier_famille(
        famille=famille,
        sujet=f"Réservations « {campagne.nom} » : le résultat de l'attribution",
        gabarit="attribution_campagne",
        contexte={"campagne": campagne, "resultat": resultat, "lignes": lignes},
    )
