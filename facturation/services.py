"""Les opérations de la facturation : prix, facturation d'une période, avoirs, règlements,
transmission des impayés au Trésor public.

Fonctions à arguments nommés et atomiques : l'administration, les commandes `facturer` et
`transmettre_impayes` et les tests appellent les mêmes.

Numérotation : chaque régie numérote ses factures (avoirs compris) et ses règlements avec son
préfixe (« AL-38 »), sans trou ni doublon. La ligne de la régie est verrouillée
(select_for_update) et son compteur incrémenté dans la transaction qui crée les pièces : deux
traitements simultanés reçoivent des numéros qui se suivent, et un numéro d'une transaction
annulée est rendu avec elle.
"""

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from enfants.models import Fermeture, Inscription, Journee, Prestation
from enfants.regles import raison_de_fermeture
from facturation import formats
from facturation.models import (
    ZERO,
    Affectation,
    Facture,
    JourFacture,
    LigneFacture,
    Regie,
    Reglement,
    Tarif,
)
from facturation.notifications import annoncer_facture
from familles.models import Famille

UN_JOUR = datetime.timedelta(days=1)


# --- Prix ------------------------------------------------------------------------------------


def tarif_en_vigueur(tarifs, jour):
    """Parmi les tarifs d'une prestation triés par date_debut, celui en vigueur ce jour-là."""
    debuts = [tarif.date_debut for tarif in tarifs]
    rang = bisect.bisect_right(debuts, jour)
    return tarifs[rang - 1] if rang else None


def prix_du_tarif(tarif, quotient_familial):
    """Le prix unitaire d'un tarif pour une famille.

    Prix unique : le prix du tarif. Selon le quotient : la tranche qui contient le QF de la
    famille ; sans QF connu, ou sans tranche qui le contienne, le prix du tarif (son aide le
    dit : « prix appliqué quand aucune tranche ne convient »).
    """
    if tarif.mode == Tarif.Mode.QUOTIENT and quotient_familial is not None:
        for tranche in tarif.tranches.all():
            if tranche.qf_min <= quotient_familial and (
                tranche.qf_max is None or quotient_familial <= tranche.qf_max
            ):
                return tranche.prix_unitaire
    return tarif.prix_unitaire


def prix_unitaire(*, prestation, famille, jour):
    """Le prix d'un jour de `prestation` pour `famille` : le tarif en vigueur à cette date
    (le plus récent qui commence au plus tard ce jour-là). Sans tarif : ValidationError."""
    tarif = (
        Tarif.objects.filter(prestation=prestation, date_debut__lte=jour)
        .prefetch_related("tranches")
        .order_by("-date_debut")
        .first()
    )
    if tarif is None:
        raise ValidationError(
            f"La prestation « {prestation.nom} » n'a pas de tarif au {jour:%d/%m/%Y}."
        )
    return prix_du_tarif(tarif, famille.quotient_familial)


def date_echeance(*, regie, date_facture, periode_fin):
    """La date d'échéance d'une facture : le délai de paiement de la régie compté depuis la
    date de la facture, mais jamais avant la fin de la période facturée. À terme échu, la
    facture suit la période et le délai s'applique seul ; à échoir, une facture de janvier
    émise le 07/12 est due le 31/01, pas le 29/12 : la famille n'a pas à payer un mois avant
    qu'il ne finisse, et un jour annulé pendant le mois vient en déduction (un avoir) avant
    l'échéance. La base le garantit aussi (contrainte facture_echeance_apres_periode)."""
    return max(date_facture + datetime.timedelta(days=regie.delai_paiement_jours), periode_fin)


# --- Numérotation ----------------------------------------------------------------------------


def _reserver_numeros(*, regie, nombre, compteur):
    """Verrouille la régie et réserve `nombre` rangs consécutifs de son `compteur`
    (« dernier_numero_facture » ou « dernier_numero_reglement ») ; rend le premier."""
    regie = Regie.objects.select_for_update().get(pk=regie.pk)
    premier = getattr(regie, compteur) + 1
    setattr(regie, compteur, premier + nombre - 1)
    regie.save(update_fields=[compteur])
    return regie, premier


# --- La facturation d'une période ------------------------------------------------------------


@dataclass(frozen=True)
class JourSansTarif:
    """Un jour facturable qui n'a pas été facturé : sa prestation n'avait pas encore de tarif
    ce jour-là (le premier tarif de la prestation commence plus tard)."""

    famille_id: int
    enfant_id: int
    prestation: str
    jour: datetime.date


def jours_sans_tarif_par_prestation(jours):
    """Les jours sans tarif regroupés par prestation, pour un rapport : une liste de
    {"prestation", "jours" (les dates, « 04/11/2026 »), "nombre" (jours d'enfants), "familles"}
    dans l'ordre des prestations."""
    par_prestation = defaultdict(list)
    for jour in jours:
        par_prestation[jour.prestation].append(jour)
    return [
        {
            "prestation": prestation,
            "jours": [f"{jour:%d/%m/%Y}" for jour in sorted({j.jour for j in liste})],
            "nombre": len(liste),
            "familles": len({j.famille_id for j in liste}),
        }
        for prestation, liste in sorted(par_prestation.items())
    ]


@dataclass
class RapportFacturation:
    regie: Regie
    debut: datetime.date
    fin: datetime.date
    factures: list = field(default_factory=list)
    nombre_lignes: int = 0
    nombre_jours: int = 0
    # Les jours facturables laissés de côté faute de tarif en vigueur (JourSansTarif).
    jours_sans_tarif: list = field(default_factory=list)

    @property
    def montant_total(self):
        return sum((facture.montant for facture in self.factures), ZERO)

    @property
    def numeros(self):
        return [facture.numero for facture in self.factures]

    def __str__(self):
        if not self.factures:
            texte = (
                f"{self.regie} : rien à facturer du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y}."
            )
        else:
            texte = (
                f"{self.regie} : {len(self.factures)} facture(s) émise(s) "
                f"({self.numeros[0]} à {self.numeros[-1]}), {self.nombre_lignes} ligne(s), "
                f"{self.nombre_jours} jour(s), {formats.euros(self.montant_total)}."
            )
        if self.jours_sans_tarif:
            prestations = ", ".join(
                groupe["prestation"]
                for groupe in jours_sans_tarif_par_prestation(self.jours_sans_tarif)
            )
            texte += (
                f" {len(self.jours_sans_tarif)} jour(s) non facturé(s) faute de tarif : "
                f"{prestations}."
            )
        return texte


def _jours(debut, fin):
    jour = debut
    while jour <= fin:
        yield jour
        jour += UN_JOUR


def _jours_a_facturer(*, prestations, debut, fin, familles):
    """{(famille, enfant, prestation): [jours]} des jours facturables de la période, pas
    encore facturés. Un nombre fixe de requêtes, quel que soit le nombre de familles.

    Facturés : les Journées dans Journee.ETATS_FACTURES ; les jours réguliers d'une
    inscription sans Journée enregistrée, quand la prestation ouvre ce jour-là. Pas facturés :
    les autres états (absent excusé, fermeture, demandes en attente ou refusées, liste
    d'attente) et les jours déjà facturés (JourFacture), sauf ceux qu'un avoir a crédités
    depuis : réservés de nouveau, ils se facturent de nouveau.

    Les mêmes règles dans les deux modes de facturation : à terme échu, la période est finie
    et ses journées disent ce qui a eu lieu ; à échoir, ce sont les réservations et les jours
    réguliers à venir qui se facturent.
    """
    filtre_famille = {} if familles is None else {"enfant__famille__in": familles}
    journees = Journee.objects.filter(
        prestation__in=prestations, date__range=(debut, fin), **filtre_famille
    ).values_list("enfant__famille_id", "enfant_id", "prestation_id", "date", "etat")
    deja = set(
        JourFacture.objects.filter(
            prestation__in=prestations,
            date__range=(debut, fin),
            ligne_avoir__isnull=True,
            **filtre_famille,
        ).values_list("enfant_id", "prestation_id", "date")
    )
    jours = defaultdict(list)
    enregistres = set()
    for famille_id, enfant_id, prestation_id, jour, etat in journees:
        enregistres.add((enfant_id, prestation_id, jour))
        if etat in Journee.ETATS_FACTURES and (enfant_id, prestation_id, jour) not in deja:
            jours[famille_id, enfant_id, prestation_id].append(jour)

    inscriptions = (
        Inscription.objects.filter(
            prestation__in=prestations, date_debut__lte=fin, **filtre_famille
        )
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=debut))
        .exclude(jours_reguliers="")
        .values_list(
            "enfant__famille_id",
            "enfant_id",
            "prestation_id",
            "date_debut",
            "date_fin",
            "jours_reguliers",
        )
    )
    fermetures = list(Fermeture.objects.filter(date_debut__lte=fin, date_fin__gte=debut))
    prestations_par_id = {prestation.pk: prestation for prestation in prestations}
    ouvert = {}  # (prestation, jour) -> bool, calculé une fois par jour et prestation
    for famille_id, enfant_id, prestation_id, date_debut, date_fin, reguliers in inscriptions:
        for jour in _jours(max(debut, date_debut), min(fin, date_fin or fin)):
            if str(jour.isoweekday()) not in reguliers:
                continue
            cle = (enfant_id, prestation_id, jour)
            if cle in enregistres or cle in deja:
                continue
            if (prestation_id, jour) not in ouvert:
                ouvert[prestation_id, jour] = (
                    raison_de_fermeture(prestations_par_id[prestation_id], jour, fermetures) is None
                )
            if ouvert[prestation_id, jour]:
                enregistres.add(cle)
                jours[famille_id, enfant_id, prestation_id].append(jour)
    return jours


@transaction.atomic
def facturer_periode(
    *,
    regie,
    debut,
    fin,
    date_facture=None,
    par=None,
    familles=None,
    produire_pdf=True,
    annoncer=True,
    aujourdhui=None,
    travail=None,
):
    """Émet une facture par famille pour les jours facturables de la période auprès de la
    régie (celle du tarif en vigueur chaque jour), une ligne par enfant, prestation et prix.
    Un jour d'une prestation de la régie qui n'a pas encore de tarif ce jour-là n'est pas
    facturé : le rapport le dit (`jours_sans_tarif`).

    La période doit se facturer selon le mode de la régie (Regie.raison_de_ne_pas_facturer,
    au jour `aujourdhui`, par défaut aujourd'hui à Paris) : à terme échu une fois finie, à
    échoir au plus tard le mois suivant ; sinon ValidationError et rien n'est écrit.
    L'échéance ne précède jamais la fin de la période (date_echeance).

    Relancée, elle ne refacture rien : chaque jour facturé est inscrit (JourFacture, unique).
    `familles` restreint la facturation à ces familles. Le PDF de chaque facture est produit
    et archivé, et la famille prévenue, quand la transaction est validée (sauf
    `produire_pdf=False`, `annoncer=False` : le travail de fond de facturation/taches.py s'en
    charge, lot par lot). `travail` : le travail de fond qui émet les factures (noté sur
    chacune).
    """
    if fin < debut:
        raise ValidationError("La fin de la période précède son début.")
    if fin == datetime.date.max:
        raise ValidationError(f"La période ne peut pas finir le {fin:%d/%m/%Y}.")
    aujourdhui = aujourdhui or timezone.localdate()
    date_facture = date_facture or aujourdhui
    # Le verrou de la régie d'abord : deux facturations de la même régie se suivent, la
    # seconde voit les jours facturés par la première.
    regie = Regie.objects.select_for_update().get(pk=regie.pk)
    raison = regie.raison_de_ne_pas_facturer(debut, fin, aujourdhui)
    if raison:
        raise ValidationError(raison)
    rapport = RapportFacturation(regie=regie, debut=debut, fin=fin)

    tarifs = defaultdict(list)
    for tarif in (
        Tarif.objects.filter(date_debut__lte=fin)
        .prefetch_related("tranches")
        .order_by("prestation_id", "date_debut")
    ):
        tarifs[tarif.prestation_id].append(tarif)
    ids = {pid for pid, liste in tarifs.items() if any(t.regie_id == regie.pk for t in liste)}
    prestations = list(Prestation.objects.filter(pk__in=ids).select_related("structure"))
    if not prestations:
        return rapport
    noms = {prestation.pk: prestation.nom for prestation in prestations}

    jours = _jours_a_facturer(prestations=prestations, debut=debut, fin=fin, familles=familles)
    quotients = dict(
        Famille.objects.filter(pk__in={cle[0] for cle in jours}).values_list(
            "pk", "quotient_familial"
        )
    )
    # {famille: {(enfant, prestation, prix): [jours]}}, seulement les jours de cette régie.
    par_famille = defaultdict(lambda: defaultdict(list))
    for (famille_id, enfant_id, prestation_id), liste in jours.items():
        for jour in liste:
            tarif = tarif_en_vigueur(tarifs[prestation_id], jour)
            if tarif is None:
                rapport.jours_sans_tarif.append(
                    JourSansTarif(famille_id, enfant_id, noms[prestation_id], jour)
                )
                continue
            if tarif.regie_id != regie.pk:
                continue
            prix = prix_du_tarif(tarif, quotients[famille_id])
            par_famille[famille_id][enfant_id, prestation_id, prix].append(jour)
    if not par_famille:
        return rapport

    familles_ids = sorted(par_famille)
    regie, premier = _reserver_numeros(
        regie=regie, nombre=len(familles_ids), compteur="dernier_numero_facture"
    )
    echeance = date_echeance(regie=regie, date_facture=date_facture, periode_fin=fin)
    factures = []
    for rang, famille_id in enumerate(familles_ids, start=premier):
        lignes = par_famille[famille_id]
        factures.append(
            Facture(
                regie=regie,
                famille_id=famille_id,
                genre=Facture.Genre.FACTURE,
                rang=rang,
                numero=f"{regie.prefixe}-{rang}",
                date_facture=date_facture,
                date_echeance=echeance,
                periode_debut=debut,
                periode_fin=fin,
                montant=sum((prix * len(j) for (_, _, prix), j in lignes.items()), ZERO),
                travail=travail,
            )
        )
    factures = Facture.objects.bulk_create(factures)

    lignes, jours_de_ligne = [], []
    for facture, famille_id in zip(factures, familles_ids, strict=True):
        for (enfant_id, prestation_id, prix), liste in sorted(par_famille[famille_id].items()):
            lignes.append(
                LigneFacture(
                    facture=facture,
                    enfant_id=enfant_id,
                    prestation_id=prestation_id,
                    libelle=noms[prestation_id],
                    quantite=Decimal(len(liste)),
                    prix_unitaire=prix,
                    montant=prix * len(liste),
                )
            )
            jours_de_ligne.append((enfant_id, prestation_id, liste))
    lignes = LigneFacture.objects.bulk_create(lignes, batch_size=2000)
    jours_factures = [
        JourFacture(ligne=ligne, enfant_id=enfant_id, prestation_id=prestation_id, date=jour)
        for ligne, (enfant_id, prestation_id, liste) in zip(lignes, jours_de_ligne, strict=True)
        for jour in liste
    ]
    JourFacture.objects.bulk_create(jours_factures, batch_size=5000)

    rapport.factures = factures
    rapport.nombre_lignes = len(lignes)
    rapport.nombre_jours = len(jours_factures)
    _apres_emission(factures, produire_pdf=produire_pdf, annoncer=annoncer)
    return rapport


def _apres_emission(factures, *, produire_pdf=True, annoncer=True):
    """Le courriel de chaque nouvelle pièce, écrit dans la file d'envoi par la transaction qui
    l'émet (il part avec elle, ou pas du tout) ; son PDF archivé une fois la transaction
    validée (le rendu est long : il ne garde pas la régie verrouillée ; la page du PDF
    l'archive d'elle-même s'il n'est pas encore prêt)."""
    ids = [facture.pk for facture in factures]
    if annoncer:
        for facture in (
            Facture.objects.filter(pk__in=ids)
            .select_related("famille", "regie")
            .prefetch_related("famille__responsables")
        ):
            annoncer_facture(facture=facture)
        Facture.objects.filter(pk__in=ids).update(annoncee_le=timezone.now())

    def apres():
        from facturation import pdf

        for facture in Facture.objects.filter(pk__in=ids).select_related("famille", "regie"):
            pdf.archiver_pdf(facture=facture)

    if produire_pdf:
        transaction.on_commit(apres)


def familles_a_facturer(*, regie, debut, fin):
    """Les numéros (pk) des familles, triés, qu'une facturation de la période auprès de la
    régie doit regarder : celles dont un enfant a une journée ou une inscription à jours
    réguliers sur une prestation tarifée par la régie pendant la période. Une famille déjà
    facturée y reste (sa facturation ne refacture rien) : une reprise retrouve les mêmes lots."""
    prestations = Tarif.objects.filter(regie=regie, date_debut__lte=fin).values("prestation")
    journees = Journee.objects.filter(
        prestation__in=prestations, date__range=(debut, fin)
    ).values_list("enfant__famille_id", flat=True)
    inscriptions = (
        Inscription.objects.filter(prestation__in=prestations, date_debut__lte=fin)
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=debut))
        .exclude(jours_reguliers="")
        .values_list("enfant__famille_id", flat=True)
    )
    return sorted(set(journees) | set(inscriptions))


def bornes_du_mois(mois):
    """(premier jour, dernier jour) du mois d'une date. Un mois hors du calendrier des dates
    (9999-12, dont le lendemain n'existe pas) : ValidationError en français."""
    debut = mois.replace(day=1)
    if debut.year == datetime.date.max.year and debut.month == 12:
        raise ValidationError(
            f"Mois invalide : « {debut:%Y-%m} » est hors du calendrier. Indiquez un mois "
            "de facturation réel, par exemple 2026-11."
        )
    fin = (debut + datetime.timedelta(days=32)).replace(day=1) - UN_JOUR
    return debut, fin


def mois_du_texte(texte):
    """« 2026-11 » → le 1er novembre 2026 ; sinon une ValidationError en français (la
    commande `facturer` et le formulaire de l'action « Facturer un mois… »)."""
    texte = (texte or "").strip()
    try:
        annee, mois = texte.split("-")
        debut = datetime.date(int(annee), int(mois), 1)
    except ValueError:
        raise ValidationError(
            f"Mois invalide : « {texte} ». Indiquez l'année et le mois, par exemple 2026-11."
        ) from None
    bornes_du_mois(debut)
    return debut


@transaction.atomic
def facturer_mois(*, mois, regie=None, par=None, **options):
    """Facture le mois (une date quelconque du mois) pour une régie, ou pour toutes : toutes
    ou aucune (une régie qui refuse le mois, selon son mode, n'en laisse facturer aucune)."""
    debut, fin = bornes_du_mois(mois)
    regies = [regie] if regie is not None else list(Regie.objects.all())
    return [facturer_periode(regie=r, debut=debut, fin=fin, par=par, **options) for r in regies]


# --- Avoirs ----------------------------------------------------------------------------------


@transaction.atomic
def emettre_avoir(*, facture, motif, lignes=None, montant=None, par=None, date=None):
    """Corrige une facture émise par un avoir : une pièce de la même régie, numérotée dans
    la même suite, de montant négatif, qui désigne la facture corrigée.

    `lignes` : des lignes de la facture, créditées en entier ; ou `montant` : un montant à
    créditer (positif), sur une seule ligne « motif ». L'ensemble des avoirs d'une facture ne
    dépasse pas son montant.
    """
    if facture.genre != Facture.Genre.FACTURE:
        raise ValidationError("Un avoir corrige une facture, pas un autre avoir.")
    if not motif:
        raise ValidationError("Indiquez le motif de l'avoir.")
    if (lignes is None) == (montant is None):
        raise ValidationError("Indiquez soit les lignes à créditer, soit un montant.")
    if lignes is not None:
        lignes = list(lignes)
        if not lignes or any(ligne.facture_id != facture.pk for ligne in lignes):
            raise ValidationError("Les lignes à créditer doivent être celles de la facture.")
        a_crediter = [
            LigneFacture(
                enfant_id=ligne.enfant_id,
                prestation_id=ligne.prestation_id,
                libelle=f"Avoir : {ligne.libelle} ({motif})"[:200],
                quantite=-ligne.quantite,
                prix_unitaire=ligne.prix_unitaire,
                montant=-ligne.montant,
            )
            for ligne in lignes
        ]
    else:
        montant = Decimal(montant)
        a_crediter = [
            LigneFacture(
                libelle=f"Avoir : {motif}"[:200],
                quantite=Decimal("1"),
                prix_unitaire=montant,
                montant=-montant,
            )
        ]
    return _creer_avoir(facture=facture, lignes=a_crediter, date=date)


def _creer_avoir(*, facture, lignes, date=None):
    """L'avoir qui crédite `lignes` (des LigneFacture pas encore enregistrées, de montant
    négatif) sur `facture`, dans la limite de son montant ; numéroté dans la suite de la
    régie. Les lignes reçoivent leur clé (l'appelant peut les désigner)."""
    # La régie verrouillée d'abord : deux avoirs simultanés sur la facture se suivent, et le
    # second compte le premier dans ce qui reste à créditer.
    regie, rang = _reserver_numeros(
        regie=facture.regie, nombre=1, compteur="dernier_numero_facture"
    )
    total = -sum((ligne.montant for ligne in lignes), ZERO)
    if total <= 0:
        raise ValidationError("Le montant d'un avoir est positif.")
    creditable = montant_creditable(facture)
    if total > creditable:
        raise ValidationError(
            f"Les avoirs ({formats.euros(total + facture.montant - creditable)}) "
            f"dépasseraient le montant de la facture {facture.numero} "
            f"({formats.euros(facture.montant)})."
        )
    jour = date or timezone.localdate()
    avoir = Facture.objects.create(
        regie=regie,
        famille=facture.famille,
        genre=Facture.Genre.AVOIR,
        facture_corrigee=facture,
        rang=rang,
        numero=f"{regie.prefixe}-{rang}",
        date_facture=jour,
        date_echeance=jour,
        periode_debut=facture.periode_debut,
        periode_fin=facture.periode_fin,
        montant=-total,
    )
    for ligne in lignes:
        ligne.facture = avoir
    LigneFacture.objects.bulk_create(lignes)
    _apres_emission([avoir])
    return avoir


def montant_creditable(facture):
    """Ce que les avoirs peuvent encore retirer d'une facture : son montant moins ses avoirs."""
    return facture.montant + sum((avoir.montant for avoir in facture.avoirs.all()), ZERO)


def jour_facturable(*, enfant, prestation, jour):
    """Ce jour de la prestation se facture-t-il, selon les règles de `_jours_a_facturer` ?
    Une journée dans Journee.ETATS_FACTURES, ou un jour régulier d'une inscription sans
    journée quand la prestation ouvre. Une absence en attente du service compte comme
    facturable : la décision dira si elle l'est encore."""
    etat = (
        Journee.objects.filter(enfant=enfant, prestation=prestation, date=jour)
        .values_list("etat", flat=True)
        .first()
    )
    if etat is not None:
        return etat in Journee.ETATS_FACTURES or etat == Journee.Etat.ABSENCE_EN_ATTENTE
    inscriptions = Inscription.objects.filter(
        enfant=enfant, prestation=prestation, date_debut__lte=jour
    ).filter(Q(date_fin__isnull=True) | Q(date_fin__gte=jour))
    if not any(inscription.est_jour_regulier(jour) for inscription in inscriptions):
        return False
    fermetures = Fermeture.objects.filter(date_debut__lte=jour, date_fin__gte=jour)
    return raison_de_fermeture(prestation, jour, list(fermetures)) is None


@transaction.atomic
def crediter_jour(*, enfant, prestation, jour, motif, par=None, date=None):
    """Crédite un jour facturé qui ne se facture plus (une réservation annulée, une absence
    excusée après la facturation) : un avoir sur la facture qui l'a facturé, d'une ligne
    « Avoir : <prestation> du <jour> (<motif>) » au prix facturé, quantité -1. Rend l'avoir,
    ou None quand il n'y a rien à créditer.

    Le crédit est un avoir (et non une ligne négative sur la facture suivante) : il est émis
    aussitôt, numéroté dans la suite de la régie, figure au relevé de compte comme un crédit
    et diminue le reste à payer de la facture corrigée. Son courriel entre dans la file
    d'envoi avec la transaction, son PDF est archivé à sa validation (_apres_emission).

    Rien à créditer : le jour n'a pas été facturé (ou l'est déjà crédité), il se facture
    encore (absent facturé, absence en attente du service…), son prix est nul, ou des avoirs
    saisis à la main ont déjà crédité la facture au-delà. Le jour facturé garde la ligne
    d'avoir (JourFacture.ligne_avoir) : il n'est crédité qu'une fois, et se facture de
    nouveau s'il est réservé de nouveau. Les appelants (enfants/reservations.py) l'appellent
    après avoir changé la journée, dans leur transaction.
    """
    # Les régies de la prestation d'abord, comme la facturation : une facturation en cours
    # est attendue, et ses jours facturés se voient ici (sinon un jour annulé pendant qu'elle
    # le facture ne serait jamais crédité).
    list(
        Regie.objects.select_for_update()
        .filter(pk__in=Tarif.objects.filter(prestation=prestation).values("regie"))
        .order_by("pk")
        .values_list("pk")
    )
    jour_facture = (
        JourFacture.objects.select_for_update(of=("self",))
        .filter(enfant=enfant, prestation=prestation, date=jour, ligne_avoir__isnull=True)
        .select_related("ligne__facture__regie", "ligne__facture__famille")
        .first()
    )
    if jour_facture is None:
        return None
    if jour_facturable(enfant=enfant, prestation=prestation, jour=jour):
        return None
    ligne, facture = jour_facture.ligne, jour_facture.ligne.facture
    prix = ligne.prix_unitaire
    if prix <= 0 or prix > montant_creditable(facture):
        return None
    ligne_avoir = LigneFacture(
        enfant_id=enfant.pk,
        prestation_id=prestation.pk,
        libelle=f"Avoir : {ligne.libelle} du {jour:%d/%m/%Y} ({motif})"[:200],
        quantite=Decimal("-1"),
        prix_unitaire=prix,
        montant=-prix,
    )
    avoir = _creer_avoir(facture=facture, lignes=[ligne_avoir], date=date)
    jour_facture.ligne_avoir = ligne_avoir
    jour_facture.save(update_fields=["ligne_avoir"])
    return avoir


# --- Règlements ------------------------------------------------------------------------------


def verifier_affectations(*, famille, regie, montant, affectations, reglement=None):
    """Lève une ValidationError (en français) si une affectation ne convient pas : une facture
    d'une autre famille ou régie, un avoir, un montant nul ou négatif, plus que ce qui reste
    à payer, ou un total qui dépasse le règlement. `reglement` : celui qu'on modifie (ses
    affectations actuelles ne comptent pas dans ce qui est déjà réglé)."""
    erreurs = []
    total = ZERO
    ids = [facture.pk for facture in affectations]
    restes = {
        facture.pk: facture.reste_a_payer
        for facture in Facture.objects.filter(pk__in=ids).avec_reste_a_payer()
    }
    if reglement is not None and reglement.pk:
        for affectation in Affectation.objects.filter(reglement=reglement, facture__in=ids):
            restes[affectation.facture_id] += affectation.montant
    for facture, part in affectations.items():
        part = Decimal(part)
        total += part
        if famille is not None and facture.famille_id != famille.pk:
            erreurs.append(f"{facture} : Cette facture est celle d'une autre famille.")
        elif regie is not None and facture.regie_id != regie.pk:
            erreurs.append(f"{facture} : Cette facture relève d'une autre régie.")
        elif facture.genre != Facture.Genre.FACTURE:
            erreurs.append(f"{facture} est un avoir : un avoir ne se règle pas.")
        elif part <= 0:
            erreurs.append(f"Le montant affecté à la facture {facture} doit être positif.")
        elif part > restes[facture.pk]:
            erreurs.append(
                f"Il ne reste que {formats.euros(restes[facture.pk])} à payer sur la "
                f"facture {facture}."
            )
    if montant is not None and total > montant:
        erreurs.append(
            f"Les affectations ({formats.euros(total)}) dépassent le montant du règlement "
            f"({formats.euros(montant)})."
        )
    if erreurs:
        raise ValidationError(erreurs)


@transaction.atomic
def enregistrer_reglement(
    *,
    famille,
    regie,
    mode,
    montant,
    date,
    reference="",
    observations="",
    affectations=None,
    par=None,
):
    """Enregistre un règlement, numéroté dans la suite de la régie, et le répartit sur des
    factures : `affectations` = {facture: montant}. Une affectation qui ne convient pas lève
    une ValidationError et rien n'est écrit."""
    montant = Decimal(montant)
    affectations = {facture: Decimal(part) for facture, part in (affectations or {}).items()}
    if montant <= 0:
        raise ValidationError("Le montant d'un règlement est positif.")
    # Les factures réglées sont verrouillées : deux saisies ne paient pas deux fois le reste.
    list(Facture.objects.select_for_update().filter(pk__in=[f.pk for f in affectations]))
    verifier_affectations(famille=famille, regie=regie, montant=montant, affectations=affectations)
    regie, rang = _reserver_numeros(regie=regie, nombre=1, compteur="dernier_numero_reglement")
    reglement = Reglement.objects.create(
        regie=regie,
        famille=famille,
        numero=f"{regie.prefixe}-{rang}",
        date=date,
        mode=mode,
        montant=montant,
        reference=reference,
        observations=observations,
        saisi_par=par,
    )
    Affectation.objects.bulk_create(
        Affectation(reglement=reglement, facture=facture, montant=part)
        for facture, part in affectations.items()
    )
    return reglement


# --- Transmission des impayés au Trésor public -----------------------------------------------


@dataclass
class RapportTransmission:
    au: datetime.date
    numero_ormc: str = ""
    reglements: list = field(default_factory=list)

    @property
    def montant_total(self):
        return sum((reglement.montant for reglement in self.reglements), ZERO)

    def __str__(self):
        if not self.reglements:
            return f"Aucune facture impayée échue au {self.au:%d/%m/%Y}."
        return (
            f"{len(self.reglements)} facture(s) transmise(s) au Trésor public "
            f"(ORMC n°{self.numero_ormc}), {formats.euros(self.montant_total)}."
        )


def factures_a_transmettre(*, au, factures=None):
    """Les factures impayées dont l'échéance est passée au jour `au`."""
    factures = Facture.objects.all() if factures is None else factures
    return factures.impayees().filter(date_echeance__lt=au)


@transaction.atomic
def transmettre_impayes(*, au, par=None, numero_ormc=None, factures=None):
    """Confie au Trésor public chaque facture impayée échue au jour `au` : un règlement
    « Titre émis (ORMC n°X) » du reste à payer, affecté à la facture. Une facture transmise
    est soldée : la relance ne la transmet pas deux fois. `factures` restreint le choix (la
    sélection de l'administration) ; sans `numero_ormc`, il est donné : « ORMC-2026-3 »."""
    a_transmettre = list(
        factures_a_transmettre(au=au, factures=factures)
        .select_for_update(of=("self",))
        .order_by("regie_id", "rang")
    )
    rapport = RapportTransmission(au=au)
    if not a_transmettre:
        return rapport
    if not numero_ormc:
        # Verrou de la première régie : deux transmissions simultanées ont deux numéros.
        Regie.objects.select_for_update().get(pk=a_transmettre[0].regie_id)
        prefixe = f"ORMC-{au.year}-"
        deja = set(
            Reglement.objects.filter(
                mode=Reglement.Mode.TITRE_EMIS, reference__startswith=prefixe
            ).values_list("reference", flat=True)
        )
        numero_ormc = f"{prefixe}{len(deja) + 1}"
    rapport.numero_ormc = numero_ormc
    # Recalculé sous verrou : ce qui reste à payer maintenant.
    restes = dict(
        Facture.objects.filter(pk__in=[f.pk for f in a_transmettre])
        .avec_reste_a_payer()
        .values_list("pk", "reste_a_payer")
    )
    for facture in a_transmettre:
        rapport.reglements.append(
            enregistrer_reglement(
                famille=facture.famille,
                regie=facture.regie,
                mode=Reglement.Mode.TITRE_EMIS,
                montant=restes[facture.pk],
                date=au,
                reference=numero_ormc,
                observations=f"Facture {facture.numero} transmise au Trésor public.",
                affectations={facture: restes[facture.pk]},
                par=par,
            )
        )
    return rapport


def transmettre_les_impayes_du_jour(*, au):
    """Les régies dont `au` est le jour de transmission (Regie.jour_transmission_impayes)
    transmettent chacune leurs impayés échus (`transmettre_impayes`, un ORMC par régie) ; rend
    [(régie, RapportTransmission)]. Les autres jours, rien ; une seconde fois le même jour,
    plus rien n'est à transmettre (une facture transmise est soldée)."""
    return [
        (regie, transmettre_impayes(au=au, factures=Facture.objects.filter(regie=regie)))
        for regie in Regie.objects.filter(jour_transmission_impayes__isnull=False).order_by("nom")
        if regie.transmet_les_impayes_le(au)
    ]
