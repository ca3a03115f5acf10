"""La feuille de présence d'une prestation, un jour : qui était attendu, qui est venu.

L'agent la remplit dans l'administration (« Feuille de présence ») : Présent, Absent excusé
ou Absent facturé pour chaque enfant attendu, enregistrés d'un coup. La facturation lit
ensuite ces états (le présent et l'absent facturé sont facturés, l'absent excusé ne l'est pas).
"""

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from enfants.models import Enfant, Inscription, Journee, Prestation

Etat = Journee.Etat
# Ce que l'agent note sur la feuille.
ETATS_DE_PRESENCE = (Etat.PRESENT, Etat.ABSENT_EXCUSE, Etat.ABSENT_FACTURE)
# Les enfants attendus ce jour-là (ou déjà pointés).
ETATS_DE_LA_FEUILLE = (Etat.RESERVE, Etat.REGULIER, *ETATS_DE_PRESENCE)


@dataclass
class LigneDePresence:
    enfant: Enfant
    journee: Journee | None  # None : un jour « Régulier » sans journée enregistrée
    etat: str

    @property
    def etat_libelle(self):
        return Etat(self.etat).label


def feuille_de_presence(*, prestation, jour):
    """Les enfants attendus ou déjà pointés ce jour-là, par nom : les journées réservées,
    régulières ou déjà notées, et les enfants inscrits en « Régulier » sans journée."""
    journees = Journee.objects.filter(prestation=prestation, date=jour)
    lignes = [
        LigneDePresence(enfant=journee.enfant, journee=journee, etat=journee.etat)
        for journee in journees.filter(etat__in=ETATS_DE_LA_FEUILLE).select_related(
            "enfant__famille"
        )
    ]
    regulieres = (
        Inscription.objects.filter(
            prestation=prestation,
            date_debut__lte=jour,
            jours_reguliers__contains=str(jour.isoweekday()),
        )
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=jour))
        .exclude(enfant__in=journees.values("enfant"))
        .select_related("enfant__famille")
    )
    deja = set()
    for inscription in regulieres:
        if inscription.enfant_id not in deja:
            deja.add(inscription.enfant_id)
            lignes.append(
                LigneDePresence(enfant=inscription.enfant, journee=None, etat=Etat.REGULIER)
            )
    return sorted(
        lignes, key=lambda ligne: (ligne.enfant.nom, ligne.enfant.prenom, ligne.enfant.pk)
    )


@transaction.atomic
def enregistrer_presences(*, prestation, jour, etats, par):
    """Note d'un coup la présence de chaque enfant de la feuille : `etats` est
    {id de l'enfant: état} parmi ETATS_DE_PRESENCE ; un enfant absent de `etats` ne change
    pas. Renvoie le décompte des états notés sur la feuille : {état: nombre}."""
    inconnus = set(etats.values()) - set(ETATS_DE_PRESENCE)
    if inconnus:
        raise ValueError(f"États de présence inconnus : {sorted(inconnus)}")
    Prestation.objects.select_for_update().filter(pk=prestation.pk).first()
    decompte = Counter()
    for ligne in feuille_de_presence(prestation=prestation, jour=jour):
        etat = etats.get(ligne.enfant.pk)
        if etat:
            decompte[etat] += 1
        if not etat or etat == ligne.etat:
            continue
        journee = ligne.journee or Journee(
            enfant=ligne.enfant, prestation=prestation, date=jour, reservee=True
        )
        if ligne.etat in (Etat.RESERVE, Etat.REGULIER):
            journee.reservee = True  # « Présent ✓ » : venu sur une journée prévue
        journee.etat = etat
        journee.modifiee_par = par
        journee._history_user = par
        journee._change_reason = "Feuille de présence"
        journee.save()
    return decompte
