"""L'historique de la démonstration : ce qui a été facturé et réglé avant aujourd'hui.

- L'année scolaire précédente, facturée par trimestre par le service de facturation
  (`facturer_periode`) et réglée, sauf le dernier trimestre des Martin : confié au Trésor public
  à la rentrée (« Titre émis (ORMC n°…) »), il fait l'ancien solde de leur relevé de l'année.
- L'année en cours, les factures du guide, à terme échu (le mois en cours n'est pas facturé) :
  pour les Dupont AL-12 (243,20 €, les deux mois d'avant le mois dernier, payée par le chèque
  AL-228) et AL-36 (120,60 €, le mois dernier, à payer) ; pour les Martin AL-7 (de la rentrée à
  l'avant-dernier mois, échue et impayée) et AL-37 (les deux derniers mois, à payer).

Chaque jour facturé est une Journée du planning (présent…) et un JourFacture : refacturer un
mois déjà facturé ne donne rien. Les quantités des factures des Dupont sont celles du guide ;
quand un mois a moins de jours d'ouverture qu'elles (des vacances), les jours enregistrés sont
ceux qui existent. Appelée par `construire_demo()` ; idempotente comme elle.
"""

import datetime
from decimal import Decimal

from django.db.models import Q

from enfants.models import Journee
from facturation.models import Affectation, Facture, JourFacture, Reglement
from facturation.services import enregistrer_reglement, facturer_periode, transmettre_impayes
from portail.demo_outils import (
    debut_annee_scolaire,
    dernier_du_mois,
    enregistrer,
    facture_du_guide,
    instant,
    ouvert,
    premier_du_mois,
)

Etat = Journee.Etat
UN_JOUR = datetime.timedelta(days=1)
NUMERO_ORMC = "2417"
# Des numéros que la régie n'a pas donnés (ceux du guide sautent de AL-7 à AL-12, et les
# règlements de l'année précédente restent loin de AL-200) : la facture de l'été de Léa et
# son règlement en espèces.
NUMERO_FACTURE_ETE = "AL-8"
NUMERO_REGLEMENT_ETE = 200
MOTIF_ABSENCE = "Malade (fièvre)"

CANTINE = "Restauration scolaire"
GARDERIE = "Garderie matin"
MERCREDI_JOURNEE = "ALSH Mercredi journée"
MERCREDI_APRES_MIDI = "ALSH Mercredi après-midi"
VACANCES_JOURNEE = "ALSH Vacances journée"


def construire_historique(
    *, regie, dupont, lucas, lea, martin, emma, prestations, aujourdhui, maintenant, agent
):

    rentree = debut_annee_scolaire(aujourdhui)
    precedente = rentree.replace(year=rentree.year - 1)
    dernier = premier_du_mois(aujourdhui, -1)  # le mois dernier, le plus récent facturé
    # AL-7 court de la rentrée à l'avant-dernier mois (en début d'année : ce mois seul).
    debut_al7 = min(rentree, premier_du_mois(dernier, -2))
    fin_precedente = min(rentree, debut_al7) - UN_JOUR

    plan = Plan(prestations, regie, maintenant)
    _annee_precedente(plan, lucas, emma, precedente, fin_precedente)
    periodes_precedentes = _trimestres(precedente, fin_precedente)
    factures = _factures_du_guide(
        plan, (dupont, martin), lucas, emma, aujourdhui, dernier, debut_al7
    )
    ete = _ete_de_lea(plan, lea, aujourdhui)
    plan.appliquer(
        [lucas, lea, emma],
        periodes_precedentes + [(f[3], f[4]) for f in factures] + [(ete[3], ete[4])],
    )

    # L'année précédente, par le service : un trimestre, une facture par famille.
    trimestres = {}
    for debut, fin in periodes_precedentes:
        date_facture = premier_du_mois(fin, 1).replace(day=8)
        facturer_periode(
            regie=regie,
            debut=debut,
            fin=fin,
            date_facture=date_facture,
            aujourdhui=date_facture,
            familles=[dupont, martin],
            produire_pdf=False,
            annoncer=False,
        )
        for famille in (dupont, martin):
            facture = Facture.objects.filter(
                famille=famille, periode_debut=debut, periode_fin=fin
            ).first()
            if facture is not None:
                _horodater_facture(facture, instant(facture.date_facture, 9))
                trimestres.setdefault(famille.pk, []).append(facture)
    modes = (Reglement.Mode.CHEQUE, Reglement.Mode.VIREMENT, Reglement.Mode.CHEQUE)
    for rang, facture in enumerate(trimestres.get(dupont.pk, [])):
        jour = facture.date_facture + datetime.timedelta(days=12)
        _regler(regie, dupont, facture, modes[rang % 3], jour, agent, f"00{rang + 41}77")
    impayee = None
    for rang, facture in enumerate(trimestres.get(martin.pk, [])):
        if rang == len(trimestres[martin.pk]) - 1 and rang > 0:
            impayee = facture  # le dernier trimestre n'est pas payé
            continue
        jour = facture.date_facture + datetime.timedelta(days=18)
        _regler(regie, martin, facture, Reglement.Mode.VIREMENT, jour, agent, "")
    if impayee is not None:
        _transmettre(impayee, min(rentree + datetime.timedelta(days=14), aujourdhui), agent)

    # L'année en cours : les factures du guide, faites à la main (leurs chiffres).
    for numero, famille, date_facture, debut, fin, echeance, lignes in factures:
        facture = _facture(regie, famille, numero, date_facture, echeance, debut, fin, lignes)
        _horodater_facture(facture, min(instant(date_facture, 9), maintenant))
        plan.jours_factures(facture)
    # L'été de Léa, facturé et réglé au bureau de la régie le dernier jour d'août.
    numero, famille, date_facture, debut, fin, echeance, lignes = ete
    facture = _facture(regie, famille, numero, date_facture, echeance, debut, fin, lignes)
    _horodater_facture(facture, instant(date_facture, 9))
    plan.jours_factures(facture)
    especes = _enregistrer(
        Reglement,
        {"numero": f"{regie.prefixe}-{NUMERO_REGLEMENT_ETE}"},
        regie=regie,
        famille=dupont,
        date=date_facture,
        mode=Reglement.Mode.ESPECES,
        montant=facture.montant,
        reference="",
    )
    _enregistrer(Affectation, {"reglement": especes, "facture": facture}, montant=facture.montant)
    Reglement.objects.filter(pk=especes.pk).update(date_saisie=instant(date_facture, 11))

    al12 = Facture.objects.get(numero="AL-12")
    cheque = _enregistrer(
        Reglement,
        {"numero": f"{regie.prefixe}-228"},
        regie=regie,
        famille=dupont,
        date=al12.date_facture,
        mode=Reglement.Mode.CHEQUE,
        montant=al12.montant,
        reference="0001234",
    )
    _enregistrer(Affectation, {"reglement": cheque, "facture": al12}, montant=al12.montant)
    Reglement.objects.filter(pk=cheque.pk).update(
        date_saisie=min(instant(cheque.date, 11), maintenant)
    )

    # Les compteurs de la régie suivent les numéros donnés.
    regie.refresh_from_db()
    regie.dernier_numero_facture = max(regie.dernier_numero_facture, 37)
    regie.dernier_numero_reglement = max(regie.dernier_numero_reglement, 228)
    regie.save(update_fields=["dernier_numero_facture", "dernier_numero_reglement"])


def _enregistrer(modele, cles, **valeurs):

    return enregistrer(modele, cles, **valeurs)


def _jours(debut, fin):
    jour = debut
    while jour <= fin:
        yield jour
        jour += UN_JOUR


def _trimestres(debut, fin):
    """Les trois périodes de facturation de l'année précédente (septembre-décembre,
    janvier-mars, avril-juillet), coupées à `fin`."""
    annee = debut.year + 1
    periodes = (
        (debut, datetime.date(debut.year, 12, 31)),
        (datetime.date(annee, 1, 1), datetime.date(annee, 3, 31)),
        (datetime.date(annee, 4, 1), datetime.date(annee, 7, 31)),
    )
    return [(d, min(f, fin)) for d, f in periodes if d <= fin]


def _reparties(jours, nombre):
    """`nombre` jours pris régulièrement dans `jours` (tous s'il n'y en a pas assez)."""
    if nombre >= len(jours):
        return list(jours)
    return [jours[i * len(jours) // nombre] for i in range(nombre)]


class Plan:
    """Les journées voulues des jours facturés : {(enfant, prestation, date): (état, réservée,
    motif)} et les jours de chaque ligne faite à la main."""

    def __init__(self, prestations, regie, maintenant):
        self.p = prestations
        self.regie = regie
        self.maintenant = maintenant
        self.journees = {}
        self.jours_de_ligne = {}  # (numéro de facture, enfant, nom de prestation) -> [jours]

    def ouverts(self, nom, debut, fin):

        return [jour for jour in _jours(debut, fin) if ouvert(self.p[nom], jour)]

    def present(self, enfant, nom, jours, *, reservee=True):
        for jour in jours:
            self.journees[enfant.pk, self.p[nom].pk, jour] = (Etat.PRESENT, reservee, "")

    def absent(self, enfant, nom, jour):
        self.journees[enfant.pk, self.p[nom].pk, jour] = (Etat.ABSENT_EXCUSE, True, MOTIF_ABSENCE)

    def appliquer(self, enfants, periodes):
        """Écrit les journées voulues ; dans les périodes facturées, efface les journées
        facturables des enfants qui n'y sont pas (une démonstration relancée un autre jour)."""
        dans_les_periodes = Q()
        for debut, fin in periodes:
            dans_les_periodes |= Q(date__range=(debut, fin))
        existantes = {
            (j.enfant_id, j.prestation_id, j.date): j
            for j in Journee.objects.filter(dans_les_periodes, enfant__in=enfants)
        }
        a_creer, a_changer, a_effacer = [], [], []
        for cle, journee in existantes.items():
            voulue = self.journees.get(cle)
            if voulue is None:
                if journee.etat in Journee.ETATS_FACTURES:
                    a_effacer.append(journee.pk)
            elif (journee.etat, journee.reservee, journee.motif) != voulue:
                journee.etat, journee.reservee, journee.motif = voulue
                a_changer.append(journee)
        for cle, (etat, reservee, motif) in self.journees.items():
            if cle not in existantes:
                enfant_id, prestation_id, jour = cle
                a_creer.append(
                    Journee(
                        enfant_id=enfant_id,
                        prestation_id=prestation_id,
                        date=jour,
                        etat=etat,
                        reservee=reservee,
                        motif=motif,
                    )
                )
        Journee.objects.filter(pk__in=a_effacer).delete()
        Journee.objects.bulk_update(a_changer, ["etat", "reservee", "motif"])
        Journee.objects.bulk_create(a_creer)

    def jours_factures(self, facture):
        """Les JourFacture des lignes d'une facture faite à la main : ses jours, rien d'autre."""
        a_creer = []
        for ligne in facture.lignes.all():
            jours = self.jours_de_ligne.get((facture.numero, ligne.enfant_id, ligne.libelle), [])
            JourFacture.objects.filter(ligne=ligne).exclude(date__in=jours).delete()
            deja = set(JourFacture.objects.filter(ligne=ligne).values_list("date", flat=True))
            a_creer += [
                JourFacture(
                    ligne=ligne,
                    enfant_id=ligne.enfant_id,
                    prestation_id=ligne.prestation_id,
                    date=jour,
                )
                for jour in jours
                if jour not in deja
            ]
        JourFacture.objects.bulk_create(a_creer, ignore_conflicts=True)


def _annee_precedente(plan, lucas, emma, debut, fin):
    """Une année ordinaire : Lucas à la cantine quatre jours, à la garderie le lundi et le
    jeudi, le mercredi en journée une semaine sur deux (l'après-midi l'autre), une semaine
    des vacances de la Toussaint et d'hiver ; Emma à la cantine les jours de son accueil
    régulier (lundi, mardi, jeudi) et le mercredi en journée. Quelques absences excusées."""
    cantine = plan.ouverts(CANTINE, debut, fin)
    for rang, jour in enumerate(cantine):
        if rang % 23 == 11:
            plan.absent(lucas, CANTINE, jour)
        else:
            plan.present(lucas, CANTINE, [jour])
    plan.present(
        lucas,
        GARDERIE,
        [j for j in plan.ouverts(GARDERIE, debut, fin) if j.isoweekday() in (1, 4)],
        reservee=False,
    )
    for jour in plan.ouverts(MERCREDI_JOURNEE, debut, fin):
        nom = MERCREDI_JOURNEE if jour.isocalendar().week % 2 == 0 else MERCREDI_APRES_MIDI
        plan.present(lucas, nom, [jour])
        plan.present(emma, MERCREDI_JOURNEE, [jour])
    semaines = {}
    for jour in plan.ouverts(VACANCES_JOURNEE, debut, fin):
        if jour.month in (10, 11, 2, 3):  # Toussaint, hiver : la première semaine
            semaines.setdefault((jour.year, jour.month // 3), []).append(jour)
    for jours in semaines.values():
        premiere = jours[0].isocalendar().week
        semaine = [j for j in jours if j.isocalendar().week == premiere]
        plan.present(lucas, VACANCES_JOURNEE, semaine)
    reguliers = [j for j in plan.ouverts(CANTINE, debut, fin) if j.isoweekday() in (1, 2, 4)]
    for rang, jour in enumerate(reguliers):
        if rang % 31 == 17:
            plan.absent(emma, CANTINE, jour)
        else:
            plan.present(emma, CANTINE, [jour])


def _ete_de_lea(plan, lea, aujourdhui):
    """Léa à l'accueil de loisirs les deux premières semaines d'août de l'an dernier : un mois
    que rien d'autre ne facture (l'année scolaire facturée par trimestres s'arrête en juillet).
    La facture (un numéro libre de la régie), datée et réglée le 31 août : l'an dernier a
    ainsi un règlement de frais de garde d'un enfant de moins de 6 ans."""
    debut = datetime.date(aujourdhui.year - 1, 8, 1)
    fin = dernier_du_mois(debut)
    ouverts = plan.ouverts(VACANCES_JOURNEE, debut, fin)
    jours = [j for j in ouverts if j.isocalendar().week <= ouverts[0].isocalendar().week + 1]
    plan.present(lea, VACANCES_JOURNEE, jours)
    plan.jours_de_ligne[NUMERO_FACTURE_ETE, lea.pk, VACANCES_JOURNEE] = jours
    ligne = (lea, plan.p[VACANCES_JOURNEE], Decimal(len(jours)), Decimal("15.00"))
    echeance = fin + datetime.timedelta(days=plan.regie.delai_paiement_jours)
    return (NUMERO_FACTURE_ETE, lea.famille, fin, debut, fin, echeance, [ligne])


def _factures_du_guide(plan, familles, lucas, emma, aujourdhui, dernier, debut_al7):
    """Les quatre factures de l'année, leurs jours choisis dans le plan : [(numéro, famille,
    date, début, fin, échéance, lignes)]."""

    dupont, martin = familles
    p = plan.p
    d = Decimal

    def lignes_dupont(numero, debut, fin, quantites, *, absence=False):
        """Aux quantités du guide : les jours répartis sur la période (le mercredi, la journée
        et l'après-midi autant que possible des jours différents)."""
        lignes, mercredis_pris = [], []
        for nom, quantite, prix in quantites:
            ouverts = plan.ouverts(nom, debut, fin)
            if nom == MERCREDI_APRES_MIDI:
                jours = _reparties([j for j in ouverts if j not in mercredis_pris], quantite)
                jours += _reparties(mercredis_pris, quantite - len(jours))
            else:
                jours = _reparties(ouverts, quantite)
            if nom == MERCREDI_JOURNEE:
                mercredis_pris = jours
            if absence and nom == CANTINE:
                reste = [j for j in ouverts if j not in jours]
                if reste:
                    plan.absent(lucas, CANTINE, reste[len(reste) // 2])
            plan.present(lucas, nom, jours, reservee=nom != GARDERIE)
            plan.jours_de_ligne[numero, lucas.pk, nom] = sorted(jours)
            lignes.append((lucas, p[nom], d(quantite), d(prix)))
        return lignes

    def lignes_martin(numero, debut, fin, defauts):
        """Les jours de l'accueil régulier à la cantine (lundi, mardi, jeudi) et les mercredis
        en journée de la période (12,50 € : QF 820) ; les quantités du guide si la période
        n'a aucun jour d'ouverture (l'été)."""
        cantine = [j for j in plan.ouverts(CANTINE, debut, fin) if j.isoweekday() in (1, 2, 4)]
        mercredis = plan.ouverts(MERCREDI_JOURNEE, debut, fin)
        lignes = []
        for nom, jours, prix, defaut in (
            (CANTINE, cantine, "4.20", defauts[0]),
            (MERCREDI_JOURNEE, mercredis, "12.50", defauts[1]),
        ):
            plan.present(emma, nom, jours)
            plan.jours_de_ligne[numero, emma.pk, nom] = jours
            lignes.append((emma, p[nom], d(len(jours) or defaut), d(prix)))
        return lignes

    delai = datetime.timedelta(days=plan.regie.delai_paiement_jours)
    le_8 = aujourdhui.replace(day=8) if aujourdhui.day >= 8 else aujourdhui
    a_payer = max(le_8 + delai, aujourdhui + datetime.timedelta(days=7))
    avant_dernier = premier_du_mois(dernier, -1)
    fin_al12 = dernier - UN_JOUR
    date_al7 = avant_dernier.replace(day=8)
    fin_al7 = premier_du_mois(dernier, -1) - UN_JOUR
    return [
        (
            "AL-7",
            martin,
            date_al7,
            debut_al7,
            fin_al7,
            max(date_al7 + delai, fin_al7),
            lignes_martin("AL-7", debut_al7, fin_al7, (16, 3)),
        ),
        (
            "AL-12",
            dupont,
            le_8,
            premier_du_mois(dernier, -2),
            fin_al12,
            max(le_8 + delai, fin_al12),
            lignes_dupont(
                "AL-12",
                premier_du_mois(dernier, -2),
                fin_al12,
                (
                    (CANTINE, 26, "4.20"),
                    (MERCREDI_JOURNEE, 6, "15.00"),
                    (MERCREDI_APRES_MIDI, 2, "8.50"),
                    (GARDERIE, 15, "1.80"),
                ),
            ),
        ),
        (
            "AL-36",
            dupont,
            le_8,
            dernier,
            dernier_du_mois(dernier),
            a_payer,
            lignes_dupont(
                "AL-36",
                dernier,
                dernier_du_mois(dernier),
                ((CANTINE, 12, "4.20"), (MERCREDI_JOURNEE, 3, "15.00"), (GARDERIE, 14, "1.80")),
                absence=True,
            ),
        ),
        (
            "AL-37",
            martin,
            le_8,
            avant_dernier,
            dernier_du_mois(dernier),
            a_payer,
            lignes_martin("AL-37", avant_dernier, dernier_du_mois(dernier), (14, 2)),
        ),
    ]


def _facture(regie, famille, numero, date_facture, date_echeance, debut, fin, lignes):

    return facture_du_guide(
        regie, famille, int(numero.split("-")[1]), date_facture, date_echeance, debut, fin, lignes
    )


def _horodater_facture(facture, quand):
    if facture.date_creation != quand:
        Facture.objects.filter(pk=facture.pk).update(date_creation=quand)


def _regler(regie, famille, facture, mode, jour, agent, reference):
    """Le règlement d'une facture de l'année précédente, une seule fois."""

    if Affectation.objects.filter(facture=facture).exists():
        return
    reglement = enregistrer_reglement(
        famille=famille,
        regie=regie,
        mode=mode,
        montant=facture.montant,
        date=jour,
        reference=reference,
        affectations={facture: facture.montant},
        par=agent,
    )
    Reglement.objects.filter(pk=reglement.pk).update(date_saisie=instant(jour, 11))


def _transmettre(facture, jour, agent):
    """La facture impayée confiée au Trésor public à la rentrée : « Titre émis (ORMC n°…) »."""

    rapport = transmettre_impayes(
        au=jour, par=agent, numero_ormc=NUMERO_ORMC, factures=Facture.objects.filter(pk=facture.pk)
    )
    for reglement in rapport.reglements:
        Reglement.objects.filter(pk=reglement.pk).update(date_saisie=instant(jour, 10))
