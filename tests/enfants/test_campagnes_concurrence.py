"""Deux attributions de la même campagne lancées au même instant (deux agents, ou la commande
et l'administration) : une seule attribue, l'autre voit que c'est fait. Rien n'est attribué
deux fois. Il faut de vraies transactions concurrentes : PostgreSQL seulement."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from enfants.campagnes import allouer_campagne
from enfants.models import Campagne, Journee, ResultatAttribution
from familles.models import Message
from tests.factories import EnfantFactory, InscriptionFactory, PrestationFactory, ResponsableFactory

pytestmark = pytest.mark.postgresql

LUNDI = datetime.date(2027, 2, 8)


def test_deux_attributions_simultanees_n_attribuent_qu_une_fois(transactional_db):
    alsh = PrestationFactory(nom="ALSH Hiver", jours_ouverture="12345", periode="toutes", places=5)
    campagne = Campagne.objects.create(
        nom="Vacances d'hiver 2027",
        date_debut=LUNDI,
        date_fin=LUNDI,
        mode=Campagne.Mode.ATTRIBUTION,
        ouverture=timezone.now() - datetime.timedelta(days=10),
        cloture=timezone.now() - datetime.timedelta(days=1),
    )
    campagne.prestations.add(alsh)
    for rang in range(12):
        responsable = ResponsableFactory(nom=f"FAMILLE{rang}")
        enfant = EnfantFactory(famille=responsable.famille, prenom=f"Enfant{rang}")
        InscriptionFactory(enfant=enfant, prestation=alsh)
        Journee.objects.create(enfant=enfant, prestation=alsh, date=LUNDI, etat=Journee.Etat.VOEU)

    depart = threading.Barrier(2)
    resultats = [None, None]

    def attribuer(rang):
        try:
            depart.wait()
            resultats[rang] = allouer_campagne(Campagne.objects.get(pk=campagne.pk))
        except Exception as erreur:  # le test compte les erreurs
            resultats[rang] = erreur
        finally:
            connection.close()

    fils = [threading.Thread(target=attribuer, args=(rang,)) for rang in range(2)]
    for un_fil in fils:
        un_fil.start()
    for un_fil in fils:
        un_fil.join(timeout=60)

    assert sorted(r.deja_faite for r in resultats) == [False, True]
    assert ResultatAttribution.objects.count() == 12
    assert Journee.objects.filter(etat=Journee.Etat.RESERVE).count() == 5
    assert Journee.objects.filter(etat=Journee.Etat.LISTE_ATTENTE).count() == 7
    assert Message.objects.count() == 12
