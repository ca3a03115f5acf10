"""Les places d'un jour ne sont jamais dépassées, même quand cinquante familles réservent au
même instant : le service verrouille la prestation avant de compter les places.

Ce test a besoin de vraies transactions concurrentes : il ne tourne que sur PostgreSQL.
"""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from enfants.models import Journee
from enfants.reservations import places_occupees, reserver
from tests.factories import (
    EnfantFactory,
    InscriptionFactory,
    JourneeFactory,
    PrestationFactory,
    ResponsableFactory,
)

pytestmark = pytest.mark.postgresql

MERCREDI = datetime.date(2026, 12, 9)
MAINTENANT = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 0))
DEMANDES = 50


def test_fifty_families_asking_the_last_five_places_at_once_get_exactly_five(transactional_db):
    mercredi = PrestationFactory(nom="ALSH Mercredi après-midi", jours_ouverture="3", places=20)
    for _ in range(15):  # 15 places déjà prises : il en reste 5
        JourneeFactory(prestation=mercredi, date=MERCREDI, etat=Journee.Etat.RESERVE)
    demandeurs = []
    for rang in range(DEMANDES):
        responsable = ResponsableFactory()
        enfant = EnfantFactory(famille=responsable.famille, prenom=f"Enfant{rang}")
        InscriptionFactory(enfant=enfant, prestation=mercredi)
        demandeurs.append((enfant, responsable.utilisateur))

    depart = threading.Barrier(DEMANDES)
    resultats = [None] * DEMANDES

    def demander(rang):
        enfant, parent = demandeurs[rang]
        try:
            depart.wait()
            resultats[rang] = reserver(
                enfant=enfant, prestation=mercredi, jour=MERCREDI, par=parent, maintenant=MAINTENANT
            )
        except Exception as erreur:  # le test compte les erreurs
            resultats[rang] = erreur
        finally:
            connection.close()

    fils = [threading.Thread(target=demander, args=(rang,)) for rang in range(DEMANDES)]
    for un_fil in fils:
        un_fil.start()
    for un_fil in fils:
        un_fil.join(timeout=60)

    erreurs = [r for r in resultats if not hasattr(r, "accepte")]
    assert erreurs == []
    assert sum(r.accepte for r in resultats) == 5
    assert sum(r.etat == Journee.Etat.LISTE_ATTENTE for r in resultats) == 45
    assert places_occupees(prestation=mercredi, jour=MERCREDI) == 20
    assert Journee.objects.filter(date=MERCREDI, etat=Journee.Etat.RESERVE).count() == 20
    assert Journee.objects.filter(date=MERCREDI, etat=Journee.Etat.LISTE_ATTENTE).count() == 45
