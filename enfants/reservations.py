"""Réserver une journée, l'annuler, déclarer une absence : le service du planning.

Le portail (la grille, la réservation en série), l'administration et les tests passent tous
par ces fonctions. Les règles pures (jours d'ouverture, fermetures, délais) sont celles de
enfants/regles.py, que la grille consulte aussi pour proposer ses actions.

Une règle qui refuse ne lève pas d'exception : la fonction renvoie un `Resultat` refusé dont le
message, en français, dit pourquoi ; rien n'est écrit. Chaque opération est une transaction qui
verrouille d'abord la prestation : deux demandes simultanées sur la même prestation passent
l'une après l'autre, et le compte des places se fait sous ce verrou, si bien qu'un jour n'est
jamais réservé au-delà de ses places. Un jour complet met la demande en liste d'attente ; elle
est acceptée, dans l'ordre des demandes, dès qu'une place se libère (annulation, absence
excusée, réservation refusée), et la famille en est prévenue.

Quand la prestation n'accepte pas les demandes d'elle-même (`validation_automatique` faux), la
journée passe « en cours de traitement » et une Demande (Réservations ou Absences) attend
l'agent ; sa validation, son refus ou son retrait passent par demandes/decisions.py, qui appelle
les fonctions « Les décisions du service » en bas de ce module.

Les exceptions documentées de l'ordre des applications (README, « Organisation du code ») : ce
service dépose des demandes (`demandes.models`, `demandes.services`), crédite un jour annulé
(`facturation.services.crediter_jour`) et demande au dossier annuel s'il bloque une réservation
(`dossiers.services.dossier_bloque_reservation`).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from commun.requetes import Forme
from demandes.models import Demande
from demandes.services import (
    DemandeImpossible,
    creer_demande,
    marquer_retiree,
    raison_historique,
    verrouiller_en_attente,
)
from dossiers.services import dossier_bloque_reservation
from enfants import lectures, regles
from enfants.lectures import (
    _CHAMPS_JOURNEE,
    campagnes_entre,
    fermetures_entre,
    inscriptions_a_la_prestation,
    journee_du_jour,
    residences,
)
from enfants.models import Enfant, Journee, Prestation
from facturation.services import crediter_jour
from familles.notifications import envoyer_confirmation_reservations, notifier_famille

Etat = Journee.Etat
# Les états qu'une réservation en série peut annoncer dans le courriel de confirmation.
LIBELLES_CONFIRMATION = {
    Etat.RESERVE: "Réservé",
    Etat.RESERVATION_EN_ATTENTE: "Demande en attente du service",
    Etat.LISTE_ATTENTE: "En liste d'attente",
    Etat.VOEU: "Demande enregistrée, attribution à la clôture",
}


@dataclass
class Resultat:
    """Ce qu'une demande de la famille a donné, pour un jour."""

    enfant: Enfant
    prestation: Prestation
    jour: datetime.date
    etat: str = ""  # l'état de la Journée après l'opération ; "" si rien n'a été écrit
    accepte: bool = False  # fait aussitôt
    en_attente: bool = False  # attend le service (une Demande) ou une place (liste d'attente)
    message: str = ""  # une phrase pour la famille : ce qui est fait, ou pourquoi c'est refusé

    @property
    def refuse(self):
        return not (self.accepte or self.en_attente)


class _Refus(Exception):
    """Une règle refuse : la transaction de l'opération est annulée, rien n'est écrit, et
    l'opération publique rend un Resultat refusé (`refus.resultat(...)`)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def resultat(self, enfant, prestation, jour):
        return Resultat(enfant=enfant, prestation=prestation, jour=jour, message=self.message)


def _apres_la_transaction(resultat):
    """Un message qui lit la base (le rang en liste d'attente) s'écrit après la transaction de
    l'opération : le verrou de la prestation, que la demande suivante attend, est déjà rendu."""
    if callable(resultat.message):
        resultat.message = resultat.message()
    return resultat


# --- Les opérations ---------------------------------------------------------------------------


def reserver(*, enfant, prestation, jour, par, maintenant=None, inscriptions=None):
    """Réserve la journée : acceptée aussitôt, ou en attente du service, ou en liste d'attente
    quand le jour est complet ; sinon refusée avec sa raison.

    `inscriptions` (ici comme pour l'annulation) : les inscriptions de l'enfant à la
    prestation, quand l'appelant vient de les lire (la vue, pour répondre 404) ; sinon le
    service les lit."""
    try:
        with transaction.atomic():
            resultat = _reserver(
                enfant=enfant,
                prestation=prestation,
                jour=jour,
                par=par,
                maintenant=maintenant,
                inscriptions=inscriptions,
            )
    except _Refus as refus:
        return refus.resultat(enfant, prestation, jour)
    return _apres_la_transaction(resultat)


def annuler_reservation(*, enfant, prestation, jour, par, maintenant=None, inscriptions=None):
    """Annule une réservation avant la limite d'annulation (la place se libère) ; retire une
    demande en attente du service ou une inscription en liste d'attente."""
    try:
        with transaction.atomic():
            resultat = _annuler(
                enfant=enfant,
                prestation=prestation,
                jour=jour,
                par=par,
                maintenant=maintenant,
                inscriptions=inscriptions,
            )
    except _Refus as refus:
        return refus.resultat(enfant, prestation, jour)
    return _apres_la_transaction(resultat)


def declarer_absence(*, enfant, prestation, jour, par, motif, maintenant=None):
    """Déclare l'enfant absent un jour réservé ou régulier : excusé avant la limite
    d'annulation, facturé après. La raison est obligatoire."""
    try:
        with transaction.atomic():
            resultat = _declarer_absence(
                enfant=enfant,
                prestation=prestation,
                jour=jour,
                par=par,
                motif=motif,
                maintenant=maintenant,
            )
    except _Refus as refus:
        return refus.resultat(enfant, prestation, jour)
    return _apres_la_transaction(resultat)


@transaction.atomic
def reserver_periode(*, enfant, prestation, debut, fin, jours_semaine, par, maintenant=None):
    """Réserve chaque jour de `debut` à `fin` dont le jour de la semaine (1 = lundi …
    7 = dimanche) est dans `jours_semaine` : un Resultat par jour, refus compris. Un seul
    courriel récapitule ce qui est réservé ou en attente."""
    maintenant = maintenant or timezone.now()
    jours_semaine = {int(j) for j in jours_semaine}
    # Lues une fois pour toute la période (chaque jour y cherche celle qui le couvre).
    inscriptions = inscriptions_a_la_prestation(enfant_id=enfant.pk, prestation_id=prestation.pk)
    # Au-delà de l'horizon, seuls les jours d'une campagne se demandent : les autres sont
    # refusés d'un coup, sans être vérifiés un à un (une période en 9998 ne coûte rien).
    hors_horizon = regles.raison_hors_horizon(prestation, fin, _aujourdhui(maintenant))
    horizon = regles.horizon_reservation(prestation, _aujourdhui(maintenant))
    campagnes = campagnes_entre(max(debut, horizon), fin) if hors_horizon else ()
    resultats = []
    jour = debut
    while jour <= fin:
        if jour.isoweekday() in jours_semaine:
            if jour > horizon and regles.campagne_du_jour(prestation, jour, campagnes) is None:
                resultat = Resultat(
                    enfant=enfant, prestation=prestation, jour=jour, message=hors_horizon
                )
            else:
                resultat = reserver(
                    enfant=enfant,
                    prestation=prestation,
                    jour=jour,
                    par=par,
                    maintenant=maintenant,
                    inscriptions=inscriptions,
                )
            resultats.append(resultat)
        jour += datetime.timedelta(days=1)
    envoyer_confirmation_reservations(
        famille=enfant.famille,
        lignes=[
            {
                "enfant": enfant,
                "prestation": prestation,
                "date": resultat.jour,
                "etat": LIBELLES_CONFIRMATION[resultat.etat],
            }
            for resultat in resultats
            if not resultat.refuse
        ],
    )
    return resultats


def places_occupees(*, prestation, jour):
    """Les places prises ce jour-là : les journées qui en occupent une (réservations en
    attente comprises) et les enfants inscrits en « Régulier » ce jour-là sans journée."""
    occupees, regulieres = lectures.places_occupees(
        prestation_id=prestation.pk, jour=jour, jour_semaine=Forme(str(jour.isoweekday()))
    )[0]
    return occupees + regulieres


# Les champs d'une journée, dans l'ordre de Journee.from_db, et la place de sa clé.
_RANG_CLE_JOURNEE = _CHAMPS_JOURNEE.index(Journee._meta.pk.attname)


def _journee_et_places(*, enfant, prestation, jour):
    """Sous le verrou de la prestation, en une requête : la journée de l'enfant ce jour-là
    (ou None) et les places prises (comme `places_occupees`). La requête doit suivre celle du
    verrou : la lecture qui l'a attendu compterait les places d'avant son attente."""
    *valeurs, occupees, regulieres = lectures.journee_et_comptes(
        enfant_id=enfant.pk,
        prestation_id=prestation.pk,
        jour=jour,
        jour_semaine=Forme(str(jour.isoweekday())),
    )[0]
    journee = None
    if valeurs[_RANG_CLE_JOURNEE] is not None:
        journee = Journee.from_db(Journee.objects.db, _CHAMPS_JOURNEE, valeurs)
        journee.enfant = enfant
    return journee, occupees + regulieres


def rang_en_liste_attente(journee):
    """1 pour la première demande en attente d'une place ce jour-là."""
    devant = lectures.en_attente_avant(
        prestation_id=journee.prestation_id,
        jour=journee.date,
        demandee_le=journee.demandee_le,
        pk=journee.pk,
    )
    return sum(devant) + 1


# --- Le détail des opérations (sous le verrou de la prestation) ---------------------------------


def _reserver(*, enfant, prestation, jour, par, maintenant, inscriptions):
    maintenant = maintenant or timezone.now()
    # D'abord ce qui ne dépend que de la famille et du calendrier, sans verrou : une matinée
    # d'ouverture, les demandes vérifiées en parallèle n'attendent pas les unes après les
    # autres. Le verrou de la prestation ne couvre que la fin : la journée et les places (une
    # requête), l'écriture. La journée n'est lue avant le verrou que pour dire un refus.
    inscription = _inscription(enfant, prestation, jour, inscriptions)
    _verifier_ouverture(prestation, jour)
    campagne = _campagne(prestation, jour)
    if campagne is not None:
        resident = residences(enfant.famille_id, [campagne]).get(campagne.pk, False)
        raison = regles.raison_hors_fenetre(campagne, resident, maintenant)
        if raison:
            raise _Refus(raison)
    else:
        # Hors campagne, pas au-delà de l'horizon de la prestation : la grille ne montre pas
        # les années lointaines, la famille n'y verrait ni n'y annulerait rien.
        raison = regles.raison_hors_horizon(prestation, jour, _aujourdhui(maintenant))
        if raison:
            _refuser_sauf_deja_prise(raison, enfant, prestation, jour, inscription)
    if not regles.peut_encore_reserver(prestation, jour, maintenant):
        limite = regles.limite_reservation(prestation, jour)
        _refuser_sauf_deja_prise(
            f"Trop tard pour réserver le {regles.jour_en_clair(jour)} : les réservations "
            f"étaient possibles jusqu'au {regles.instant_en_clair(limite)}.",
            enfant,
            prestation,
            jour,
            inscription,
        )
    # La prestation peut exiger un dossier complet ou la fiche certifiée de l'année (Mon dossier).
    blocage = dossier_bloque_reservation(famille=enfant.famille, prestation=prestation, au=jour)
    if blocage:
        _refuser_sauf_deja_prise(blocage, enfant, prestation, jour, inscription)
    prestation = _verrouiller(prestation)
    # Lue sous le verrou, avec les places : une autre demande de la famille pour ce jour a pu
    # passer, et le compte ne vaut qu'après l'attente du verrou.
    journee, occupees = _journee_et_places(enfant=enfant, prestation=prestation, jour=jour)
    _exiger_reservable(journee, inscription, enfant, jour)
    if journee is None:
        journee = Journee(enfant=enfant, prestation=prestation, date=jour)
    journee.prestation = prestation
    journee.motif = ""
    journee.demandee_le = maintenant
    if campagne is not None and campagne.attribution:
        # Pas de course : la demande attend la clôture, où les places sont attribuées en une
        # fois (enfants/campagnes.py). L'heure de la demande n'y compte pas.
        _ecrire(journee, Etat.VOEU, par, f"Demande pour la campagne « {campagne.nom} »")
        return _resultat(
            journee,
            en_attente=True,
            message=(
                f"Demande enregistrée pour le {regles.jour_en_clair(jour)} : les places de "
                f"« {campagne.nom} » seront attribuées après la clôture, le "
                f"{regles.instant_en_clair(campagne.cloture)}. Vous serez prévenu(e) du "
                "résultat."
            ),
        )
    if prestation.places is not None and occupees >= prestation.places:
        _ecrire(journee, Etat.LISTE_ATTENTE, par, "Jour complet : liste d'attente")
        return _resultat(
            journee,
            en_attente=True,
            message=lambda: (
                f"Il n'y a plus de place le {regles.jour_en_clair(jour)} : {enfant.prenom} est "
                f"en liste d'attente (rang {rang_en_liste_attente(journee)}). Vous serez "
                "prévenu(e) dès qu'une place se libère."
            ),
        )
    return _accorder_place(journee, par)


def _refuser_sauf_deja_prise(raison, enfant, prestation, jour, inscription):
    """Refuse pour `raison` ; une journée déjà prise le dit d'abord (« déjà réservée »), comme
    sous le verrou. La journée n'est lue avant le verrou que sur ce chemin."""
    _exiger_reservable(_journee(enfant, prestation, jour), inscription, enfant, jour)
    raise _Refus(raison)


def _exiger_reservable(journee, inscription, enfant, jour):
    etat = regles.etat_de_la_case(journee, inscription, jour)
    if etat not in regles.ETATS_RESERVABLES:
        raise _Refus(_deja(etat, enfant, jour))


def _annuler(*, enfant, prestation, jour, par, maintenant, inscriptions):
    maintenant = maintenant or timezone.now()
    prestation = _verrouiller(prestation)
    journee = _journee(enfant, prestation, jour)
    inscription = _inscription(enfant, prestation, jour, inscriptions, obligatoire=False)
    etat = regles.etat_de_la_case(journee, inscription, jour)
    le_jour = regles.jour_en_clair(jour)
    if etat == Etat.VOEU:
        _supprimer(journee, par, "Demande de campagne retirée")
        return _accepte(enfant, prestation, jour, f"Demande retirée pour le {le_jour}.")
    if etat == Etat.LISTE_ATTENTE:
        _supprimer(journee, par, "Retrait de la liste d'attente")
        return _accepte(
            enfant, prestation, jour, f"{enfant.prenom} n'est plus en liste d'attente le {le_jour}."
        )
    if etat == Etat.RESERVATION_EN_ATTENTE:
        demande = _demande_en_attente(journee, Demande.Type.RESERVATION)
        if demande is not None:
            # La famille retire sa demande au service, comme depuis la liste des demandes.
            demande = verrouiller_en_attente(demande)
            retirer_reservation(demande, par)
            marquer_retiree(demande)
        else:
            _supprimer(journee, par, "Réservation en attente retirée")
            _faire_avancer_liste(prestation, jour, maintenant)
        return _accepte(
            enfant, prestation, jour, f"Demande de réservation retirée pour le {le_jour}."
        )
    if etat == Etat.REGULIER:
        raise _Refus(
            f"Le {le_jour} est un jour d'accueil régulier de {enfant.prenom} : pour ce "
            "jour-là, déclarez une absence."
        )
    if etat is None:
        raise _Refus(f"Il n'y a pas de réservation à annuler le {le_jour}.")
    if etat != Etat.RESERVE:
        raise _Refus(
            f"La journée du {le_jour} est « {Etat(etat).label} » : il n'y a pas de "
            "réservation à annuler."
        )
    campagne = _campagne(prestation, jour)
    if not regles.peut_encore_annuler(prestation, jour, maintenant, campagne):
        limite = regles.limite_annulation(prestation, jour, campagne)
        raise _Refus(
            f"Trop tard pour annuler : l'annulation du {le_jour} était possible jusqu'au "
            f"{regles.instant_en_clair(limite)}. Déclarez une absence."
        )
    _supprimer(journee, par, "Réservation annulée")
    _faire_avancer_liste(prestation, jour, maintenant)
    crediter_jour(
        enfant=enfant, prestation=prestation, jour=jour, motif="réservation annulée", par=par
    )
    return _accepte(enfant, prestation, jour, f"Réservation annulée pour le {le_jour}.")


def _declarer_absence(*, enfant, prestation, jour, par, motif, maintenant):
    maintenant = maintenant or timezone.now()
    motif = (motif or "").strip()
    if not motif:
        raise _Refus("Indiquez la raison de l'absence.")
    longueur = Journee._meta.get_field("motif").max_length
    if len(motif) > longueur:
        raise _Refus(f"La raison de l'absence ne doit pas dépasser {longueur} caractères.")
    prestation = _verrouiller(prestation)
    inscription = _inscription(enfant, prestation, jour)
    journee = _journee(enfant, prestation, jour)
    etat = regles.etat_de_la_case(journee, inscription, jour)
    le_jour = regles.jour_en_clair(jour)
    if etat not in regles.ETATS_D_ABSENCE:
        raise _Refus(_pas_d_absence(etat, enfant, jour))
    if jour < timezone.localdate(maintenant):
        raise _Refus(
            f"Le {le_jour} est passé : l'absence ne se déclare plus sur le portail, "
            "contactez le service enfance."
        )
    campagne = _campagne(prestation, jour)
    excusee = regles.peut_encore_annuler(prestation, jour, maintenant, campagne)
    etat_final = Etat.ABSENT_EXCUSE if excusee else Etat.ABSENT_FACTURE
    if excusee:
        suite = "elle ne sera pas facturée."
    else:
        limite = regles.instant_en_clair(regles.limite_annulation(prestation, jour, campagne))
        suite = f"déclarée après la limite d'annulation ({limite}), elle sera facturée."
    if journee is None:  # un jour régulier sans journée enregistrée
        journee = Journee(enfant=enfant, prestation=prestation, date=jour, etat=Etat.REGULIER)
    if prestation.validation_automatique:
        journee.motif = motif
        _ecrire(journee, etat_final, par, "Absence déclarée")
        if excusee:
            _faire_avancer_liste(prestation, jour, maintenant)
            crediter_jour(
                enfant=enfant, prestation=prestation, jour=jour, motif="absence excusée", par=par
            )
        return _resultat(
            journee, accepte=True, message=f"Absence enregistrée pour le {le_jour} : {suite}"
        )
    if journee.pk is None:
        _ecrire(journee, Etat.REGULIER, par, "Jour régulier")
    creer_demande(
        famille=enfant.famille,
        type=Demande.Type.ABSENCE,
        par=par,
        valeurs={"etat": etat_final, "motif": motif},
        cible=journee,
        enfant=enfant,
        commentaire=motif,
    )
    journee.motif = motif
    _ecrire(journee, Etat.ABSENCE_EN_ATTENTE, par, "Absence déclarée, en attente du service")
    return _resultat(
        journee,
        en_attente=True,
        message=(
            f"Déclaration d'absence envoyée pour le {le_jour} : le service enfance vous "
            f"répondra. Acceptée, {suite}"
        ),
    )


# --- Les places et la liste d'attente -----------------------------------------------------------


def _place_libre(prestation, jour):
    return prestation.places is None or places_occupees(prestation=prestation, jour=jour) < (
        prestation.places
    )


def _accorder_place(journee, par, raison="Réservation"):
    """La journée obtient sa place : réservée, ou en attente de la décision du service."""
    le_jour = regles.jour_en_clair(journee.date)
    if journee.prestation.validation_automatique:
        _ecrire(journee, Etat.RESERVE, par, raison, reservee=True)
        return _resultat(
            journee, accepte=True, message=f"Réservation enregistrée pour le {le_jour}."
        )
    _ecrire(journee, Etat.RESERVATION_EN_ATTENTE, par, raison, reservee=True)
    creer_demande(
        famille=journee.enfant.famille,
        type=Demande.Type.RESERVATION,
        par=par,
        valeurs={"etat": Etat.RESERVE},
        cible=journee,
        enfant=journee.enfant,
    )
    return _resultat(
        journee,
        en_attente=True,
        message=(
            f"Demande de réservation envoyée pour le {le_jour} : le service enfance vous répondra."
        ),
    )


def _faire_avancer_liste(prestation, jour, maintenant=None):
    """Donne les places libres aux demandes en liste d'attente, dans l'ordre où elles sont
    arrivées, et prévient chaque famille. La prestation est déjà verrouillée."""
    if jour < timezone.localdate(maintenant):
        return []
    resultats = []
    attente = (
        Journee.objects.filter(prestation=prestation, date=jour, etat=Etat.LISTE_ATTENTE)
        .select_related("enfant__famille", "modifiee_par")
        .order_by("demandee_le", "pk")
    )
    for journee in attente:
        if not _place_libre(prestation, jour):
            break
        journee.prestation = prestation
        # La demande reste celle de la famille qui l'a faite.
        resultat = _accorder_place(journee, journee.modifiee_par, "Place libérée (liste d'attente)")
        _prevenir_place_liberee(journee, resultat)
        resultats.append(resultat)
    return resultats


def faire_avancer_les_listes(prestation, maintenant=None):
    """Chaque jour à venir de la prestation qui a une liste d'attente la voit avancer autant
    que les places le permettent : après un changement de la prestation (des places en plus,
    par exemple), enregistré dans l'administration."""
    jours = set(
        Journee.objects.filter(
            prestation=prestation,
            etat=Etat.LISTE_ATTENTE,
            date__gte=timezone.localdate(maintenant),
        ).values_list("date", flat=True)
    )
    resultats = []
    if jours:
        with transaction.atomic():
            prestation = _verrouiller(prestation)
            for jour in sorted(jours):
                resultats += _faire_avancer_liste(prestation, jour, maintenant)
    return resultats


def _prevenir_place_liberee(journee, resultat):
    enfant = journee.enfant
    notifier_famille(
        famille=enfant.famille,
        sujet=(
            f"Une place s'est libérée pour {enfant.prenom} le {regles.jour_en_clair(journee.date)}"
        ),
        gabarit="place_liberee",
        contexte={
            "enfant": enfant,
            "prestation": journee.prestation,
            "jour": journee.date,
            "jour_en_clair": regles.jour_en_clair(journee.date),
            "reservee": resultat.accepte,
        },
    )


# --- Les décisions du service (demandes/decisions.py) -----------------------------------------


def _journee_de_la_demande(demande):
    journee = Journee.objects.filter(pk=demande.cible_id).select_related("enfant__famille").first()
    if journee is None:
        raise DemandeImpossible("La journée visée par cette demande n'existe plus.")
    journee.prestation = _verrouiller(journee.prestation)
    journee.refresh_from_db(fields=["etat", "motif", "reservee"])
    return journee


def _exiger_etat(journee, etat):
    if journee.etat != etat:
        raise DemandeImpossible(
            f"La journée du {journee.date:%d/%m/%Y} n'est plus « {Etat(etat).label} » : "
            f"elle est « {journee.get_etat_display()} »."
        )


def appliquer_reservation(demande, agent):
    """La réservation demandée est accordée : la journée en attente devient « Réservé »."""
    journee = _journee_de_la_demande(demande)
    _exiger_etat(journee, Etat.RESERVATION_EN_ATTENTE)
    _ecrire(journee, Etat.RESERVE, agent, raison_historique(demande), reservee=True)


def refuser_reservation(demande, agent):
    """La réservation est refusée : la journée le dit, sa place va à la liste d'attente."""
    journee = _journee_de_la_demande(demande)
    _exiger_etat(journee, Etat.RESERVATION_EN_ATTENTE)
    journee.motif = demande.motif_refus[: Journee._meta.get_field("motif").max_length]
    _ecrire(
        journee, Etat.RESERVATION_REFUSEE, agent, f"Demande n° {demande.pk} refusée", reservee=False
    )
    _faire_avancer_liste(journee.prestation, journee.date)


def retirer_reservation(demande, par):
    """La famille retire sa demande de réservation : la journée en attente disparaît."""
    journee = Journee.objects.filter(pk=demande.cible_id).select_related("prestation").first()
    if journee is None or journee.etat != Etat.RESERVATION_EN_ATTENTE:
        return
    prestation = _verrouiller(journee.prestation)
    _supprimer(journee, par, f"Demande n° {demande.pk} retirée")
    _faire_avancer_liste(prestation, journee.date)


def appliquer_absence(demande, agent):
    """L'absence déclarée est acceptée : excusée, elle libère la place et crédite le jour."""
    journee = _journee_de_la_demande(demande)
    _exiger_etat(journee, Etat.ABSENCE_EN_ATTENTE)
    journee.motif = demande.valeurs_demandees.get("motif", journee.motif)
    etat = demande.valeurs_demandees["etat"]
    _ecrire(journee, etat, agent, raison_historique(demande))
    if etat not in Journee.ETATS_OCCUPANT_UNE_PLACE:
        _faire_avancer_liste(journee.prestation, journee.date)
        crediter_jour(
            enfant=journee.enfant,
            prestation=journee.prestation,
            jour=journee.date,
            motif="absence excusée",
            par=agent,
        )


def retablir_avant_absence(demande, par):
    """Un refus ou un retrait : la journée redevient ce qu'elle était avant la demande."""
    journee = _journee_de_la_demande(demande)
    if journee.etat != Etat.ABSENCE_EN_ATTENTE:
        return
    avant = demande.valeurs_actuelles
    journee.motif = avant.get("motif", "") or ""
    _ecrire(journee, avant.get("etat", Etat.RESERVE), par, f"Demande n° {demande.pk} sans suite")


# --- Petits outils ------------------------------------------------------------------------------


def _verrouiller(prestation):
    """La prestation relue sous verrou : les demandes sur elle passent une à une."""
    return lectures.prestation_verrouillee(pk=prestation.pk)[0]


def _inscription(enfant, prestation, jour, inscriptions=None, obligatoire=True):
    if inscriptions is None:
        inscriptions = inscriptions_a_la_prestation(
            enfant_id=enfant.pk, prestation_id=prestation.pk
        )
    inscription = regles.inscription_du_jour(inscriptions, prestation, jour)
    if inscription is None and obligatoire:
        raise _Refus(
            f"{enfant.prenom} n'est pas inscrit(e) à « {prestation.nom} » le "
            f"{regles.jour_en_clair(jour)} : demandez d'abord l'inscription au service enfance."
        )
    return inscription


def _verifier_ouverture(prestation, jour):
    raison = regles.raison_de_fermeture(prestation, jour, fermetures_entre(jour, jour))
    if raison is not None:
        raise _Refus(raison)


def _aujourdhui(maintenant):
    """La date de `maintenant` à Paris : celle de l'horizon, comme pour la grille."""
    return maintenant.astimezone(regles.FUSEAU).date()


def _campagne(prestation, jour):
    """La campagne de réservation qui couvre ce jour de la prestation, ou None."""
    return regles.campagne_du_jour(prestation, jour, campagnes_entre(jour, jour))


def _journee(enfant, prestation, jour):
    return journee_du_jour(enfant_id=enfant.pk, prestation_id=prestation.pk, jour=jour)


def _demande_en_attente(journee, type):
    return (
        Demande.objects.filter(
            type=type, statut=Demande.Statut.EN_ATTENTE, cible_id=journee.pk, enfant=journee.enfant
        )
        .order_by("-date_demande")
        .first()
    )


def _ecrire(journee, etat, par, raison, **champs):
    journee.etat = etat
    for champ, valeur in champs.items():
        setattr(journee, champ, valeur)
    journee.modifiee_par = par
    journee._history_user = par
    journee._change_reason = raison
    journee.save()


def _supprimer(journee, par, raison):
    journee._history_user = par
    journee._change_reason = raison
    journee.delete()


def _accepte(enfant, prestation, jour, message):
    """Ce qui est fait aussitôt, sans journée à montrer (une annulation, un retrait)."""
    return Resultat(enfant=enfant, prestation=prestation, jour=jour, accepte=True, message=message)


def _resultat(journee, **kwargs):
    return Resultat(
        enfant=journee.enfant,
        prestation=journee.prestation,
        jour=journee.date,
        etat=journee.etat,
        **kwargs,
    )


def _deja(etat, enfant, jour):
    """Pourquoi une journée déjà prise ne se réserve pas."""
    le_jour = regles.jour_en_clair(jour)
    if etat in (Etat.RESERVE, Etat.PRESENT):
        return f"La journée du {le_jour} est déjà réservée."
    if etat == Etat.REGULIER:
        return f"Le {le_jour} est un jour d'accueil régulier : {enfant.prenom} y a déjà sa place."
    if etat == Etat.RESERVATION_EN_ATTENTE:
        return f"Une demande de réservation pour le {le_jour} est déjà en cours de traitement."
    if etat == Etat.LISTE_ATTENTE:
        return f"{enfant.prenom} est déjà en liste d'attente pour le {le_jour}."
    if etat == Etat.VOEU:
        return f"Une demande pour le {le_jour} est déjà enregistrée : attendez l'attribution."
    if etat == Etat.ABSENCE_EN_ATTENTE:
        return f"Une déclaration d'absence pour le {le_jour} est en cours de traitement."
    return f"La journée du {le_jour} est « {Etat(etat).label} » : elle ne peut pas être réservée."


def _pas_d_absence(etat, enfant, jour):
    """Pourquoi on ne déclare pas d'absence sur cette journée."""
    le_jour = regles.jour_en_clair(jour)
    if etat is None or etat == Etat.RESERVATION_REFUSEE:
        return f"{enfant.prenom} n'a pas de réservation le {le_jour} : pas d'absence à déclarer."
    if etat in (Etat.ABSENT_EXCUSE, Etat.ABSENT_FACTURE):
        return f"Une absence est déjà enregistrée le {le_jour}."
    if etat == Etat.ABSENCE_EN_ATTENTE:
        return f"Une déclaration d'absence pour le {le_jour} est déjà en cours de traitement."
    if etat in (Etat.RESERVATION_EN_ATTENTE, Etat.LISTE_ATTENTE, Etat.VOEU):
        return (
            f"La réservation du {le_jour} n'est pas encore accordée : retirez plutôt la "
            "demande (« Annuler la réservation »)."
        )
    return f"La journée du {le_jour} est « {Etat(etat).label} » : pas d'absence à déclarer."
