"""La « Boîte de réception » : les messages du service à la famille."""

import datetime

from django.urls import reverse
from django.utils import timezone

from familles.models import Message
from tests.factories import MessageFactory
from tests.outils import texte


def test_les_messages_recus_sont_listes_du_plus_recent_au_plus_ancien(client_dupont, dupont):
    maintenant = timezone.now()
    MessageFactory(
        famille=dupont,
        sujet="Fermeture du 11 novembre",
        date_envoi=maintenant - datetime.timedelta(days=20),
        lu_le=maintenant - datetime.timedelta(days=19),
    )
    MessageFactory(famille=dupont, sujet="Inscriptions aux vacances d'hiver", corps="Ouvertes.")

    page = texte(client_dupont.get(reverse("boite")))

    assert page.index("Inscriptions aux vacances d'hiver") < page.index("Fermeture du 11 novembre")
    assert "Inscriptions aux vacances d'hiver Ouvertes. Non lu" in page
    lu_le = timezone.localtime(maintenant - datetime.timedelta(days=19)).strftime("%d/%m/%Y")
    assert f"Lu le {lu_le}" in page


def test_la_boite_ne_montre_ni_les_messages_de_la_famille_ni_ceux_des_autres(
    client_dupont, dupont, martin
):
    MessageFactory(famille=dupont, sens=Message.Sens.VERS_SERVICE, sujet="Question sur AL-36")
    MessageFactory(famille=martin, sujet="Message pour les Martin")

    page = texte(client_dupont.get(reverse("boite")))

    assert "Question sur AL-36" not in page
    assert "Message pour les Martin" not in page
    assert "Vous n'avez aucun message." in page


def test_la_boite_tient_en_douze_requetes(client_dupont, dupont, django_assert_max_num_queries):
    MessageFactory.create_batch(30, famille=dupont)

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("boite"))

    assert texte(reponse).count("Non lu") == 30
