"""L'agenda d'un enfant au format iCalendar : les journées où il est attendu, pour l'année
scolaire en cours, à s'abonner depuis un téléphone par un lien privé (Enfant.jeton_calendrier).

Un événement « journée entière » par jour : « ALSH Mercredi après-midi — Lucas ». Réservé,
Présent et Régulier sont confirmés ; une réservation qui attend le service ou une place est
provisoire (TENTATIVE). Chaque événement garde le même UID d'une lecture à l'autre : celui de sa
Journée, ou, pour un jour régulier sans Journée, celui de son inscription et de sa date.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event

from enfants.models import Fermeture, Inscription, Journee
from enfants.regles import raison_de_fermeture

Etat = Journee.Etat
CONFIRMES = (Etat.RESERVE, Etat.REGULIER, Etat.PRESENT)
PROVISOIRES = (Etat.RESERVATION_EN_ATTENTE, Etat.LISTE_ATTENTE)
DOMAINE_UID = "portail-familles"


def annee_scolaire(jour):
    """(1er septembre, 31 août) de l'année scolaire de `jour`."""
    debut = datetime.date(jour.year if jour.month >= 9 else jour.year - 1, 9, 1)
    return debut, datetime.date(debut.year + 1, 8, 31)


def agenda_de(*, enfant, aujourdhui):
    """Le fichier .ics (bytes) des journées de l'enfant pendant l'année scolaire : trois
    requêtes (journées, inscriptions régulières, fermetures)."""
    debut, fin = annee_scolaire(aujourdhui)
    journees = list(
        Journee.objects.filter(enfant=enfant, date__range=(debut, fin))
        .select_related("prestation__structure")
        .order_by("date", "prestation__ordre")
    )
    calendrier = Calendar()
    calendrier.add("prodid", "-//Portail Familles//Planning//FR")
    calendrier.add("version", "2.0")
    calendrier.add("calscale", "GREGORIAN")
    calendrier.add("method", "PUBLISH")
    nom = f"Planning de {enfant.prenom} — {settings.COLLECTIVITE['nom']}"
    calendrier.add("x-wr-calname", nom)
    calendrier.add("x-wr-timezone", settings.TIME_ZONE)
    horodatage = timezone.now()
    for journee in journees:
        if journee.etat not in CONFIRMES + PROVISOIRES:
            continue
        calendrier.add_component(
            _evenement(
                uid=f"journee-{journee.pk}@{DOMAINE_UID}",
                jour=journee.date,
                prestation=journee.prestation,
                enfant=enfant,
                libelle=journee.get_etat_display(),
                provisoire=journee.etat in PROVISOIRES,
                horodatage=journee.modifiee_le or horodatage,
            )
        )
    for uid, jour, prestation in _jours_reguliers(enfant, debut, fin, journees):
        calendrier.add_component(
            _evenement(
                uid=uid,
                jour=jour,
                prestation=prestation,
                enfant=enfant,
                libelle=Etat.REGULIER.label,
                provisoire=False,
                horodatage=horodatage,
            )
        )
    return calendrier.to_ical()


def _evenement(*, uid, jour, prestation, enfant, libelle, provisoire, horodatage):
    evenement = Event()
    evenement.add("uid", uid)
    evenement.add("dtstamp", horodatage)
    evenement.add("dtstart", jour)
    evenement.add("dtend", jour + datetime.timedelta(days=1))
    evenement.add("summary", f"{prestation.nom} — {enfant.prenom}")
    evenement.add("description", f"{prestation.structure.nom} : {libelle}.")
    if prestation.structure.adresse:
        evenement.add("location", prestation.structure.adresse)
    evenement.add("status", "TENTATIVE" if provisoire else "CONFIRMED")
    evenement.add("transp", "TRANSPARENT")
    return evenement


def _jours_reguliers(enfant, debut, fin, journees):
    """Les jours « Régulier » sans Journée enregistrée : (uid, jour, prestation), les jours
    où la prestation ouvre (ni fermeture, ni jour férié, ni période sans accueil)."""
    inscriptions = list(
        Inscription.objects.filter(enfant=enfant, date_debut__lte=fin)
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=debut))
        .exclude(jours_reguliers="")
        .select_related("prestation__structure")
    )
    if not inscriptions:
        return
    enregistres = {(j.prestation_id, j.date) for j in journees}
    fermetures = list(Fermeture.objects.filter(date_debut__lte=fin, date_fin__gte=debut))
    for inscription in inscriptions:
        prestation = inscription.prestation
        jour = max(debut, inscription.date_debut)
        dernier = min(fin, inscription.date_fin or fin)
        while jour <= dernier:
            if (
                inscription.est_jour_regulier(jour)
                and (prestation.pk, jour) not in enregistres
                and raison_de_fermeture(prestation, jour, fermetures) is None
            ):
                uid = f"regulier-{inscription.pk}-{jour:%Y%m%d}@{DOMAINE_UID}"
                yield uid, jour, prestation
            jour += datetime.timedelta(days=1)
