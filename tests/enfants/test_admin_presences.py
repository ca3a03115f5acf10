"""La feuille de présence : l'agent pointe d'un coup les enfants attendus d'une prestation."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from enfants.models import Journee
from tests.factories import (
    EnfantFactory,
    InscriptionFactory,
    JourneeFactory,
    PrestationFactory,
    ResponsableFactory,
    UtilisateurFactory,
)
from tests.outils import texte

Etat = Journee.Etat
MERCREDI = datetime.date(2026, 12, 9)
URL = reverse("admin:enfants_journee_feuille_de_presence")


@pytest.fixture
def mercredi(db):
    return PrestationFactory(nom="ALSH Mercredi après-midi", jours_ouverture="3")


@pytest.fixture
def attendus(dupont, martin, mercredi):
    """Lucas a réservé, Emma est inscrite en « Régulier » le mercredi, Zoé est déjà pointée
    présente ; Léo a une réservation refusée (il n'est pas attendu)."""
    lucas, emma = dupont.enfants.get(), martin.enfants.get()
    JourneeFactory(enfant=lucas, prestation=mercredi, date=MERCREDI, etat=Etat.RESERVE)
    InscriptionFactory(enfant=emma, prestation=mercredi, jours_reguliers="3")
    zoe = EnfantFactory(famille=ResponsableFactory(nom="BLANC").famille, nom="BLANC", prenom="Zoé")
    JourneeFactory(enfant=zoe, prestation=mercredi, date=MERCREDI, etat=Etat.PRESENT)
    leo = EnfantFactory(famille=ResponsableFactory(nom="ROUX").famille, nom="ROUX", prenom="Léo")
    JourneeFactory(enfant=leo, prestation=mercredi, date=MERCREDI, etat=Etat.RESERVATION_REFUSEE)
    return lucas, emma, zoe, leo


def test_the_sheet_lists_the_children_expected_that_day(client_agent, attendus, mercredi):
    response = client_agent.get(URL, {"prestation": mercredi.pk, "date": "2026-12-09"})

    assert response.status_code == 200
    contenu = texte(response)
    assert "Mercredi 9 décembre 2026" in contenu
    assert "3 enfants attendus" in contenu
    assert "BLANC Zoé" in contenu and "DUPONT Lucas" in contenu and "MARTIN Emma" in contenu
    assert "ROUX" not in contenu
    assert [ligne.enfant.prenom for ligne in response.context["feuille"].lignes] == [
        "Zoé",
        "Lucas",
        "Emma",
    ]


def test_the_agent_saves_the_whole_sheet_at_once(client_agent, agent, attendus, mercredi):
    lucas, emma, zoe, _ = attendus

    response = client_agent.post(
        f"{URL}?prestation={mercredi.pk}&date=2026-12-09",
        {
            f"enfant_{lucas.pk}": Etat.PRESENT,
            f"enfant_{emma.pk}": Etat.ABSENT_EXCUSE,
            f"enfant_{zoe.pk}": Etat.ABSENT_FACTURE,
        },
        follow=True,
    )

    etats = dict(
        Journee.objects.filter(prestation=mercredi, date=MERCREDI).values_list("enfant", "etat")
    )
    assert etats[lucas.pk] == Etat.PRESENT
    assert etats[emma.pk] == Etat.ABSENT_EXCUSE
    assert etats[zoe.pk] == Etat.ABSENT_FACTURE
    lucas_present = Journee.objects.get(enfant=lucas, date=MERCREDI)
    assert (lucas_present.reservee, lucas_present.modifiee_par) == (True, agent)
    assert lucas_present.history.latest().history_user == agent
    assert (
        "Feuille de présence du mercredi 9 décembre 2026 enregistrée : 1 présent, "
        "1 absent excusé, 1 absent facturé." in texte(response)
    )


def test_a_child_left_blank_keeps_its_state_and_is_counted_apart(client_agent, attendus, mercredi):
    lucas, _, zoe, _ = attendus

    response = client_agent.post(
        f"{URL}?prestation={mercredi.pk}&date=2026-12-09",
        {f"enfant_{lucas.pk}": Etat.PRESENT},
        follow=True,
    )

    assert Journee.objects.get(enfant=zoe).etat == Etat.PRESENT
    assert "; 2 enfants sans présence notée." in texte(response)


def test_an_unknown_state_is_refused_and_nothing_changes(client_agent, attendus, mercredi):
    lucas = attendus[0]

    response = client_agent.post(
        f"{URL}?prestation={mercredi.pk}&date=2026-12-09", {f"enfant_{lucas.pk}": "conge"}
    )

    assert response.status_code == 200
    assert "rien n'a été enregistré" in texte(response)
    assert Journee.objects.get(enfant=lucas).etat == Etat.RESERVE


def test_the_sheet_defaults_to_today(client_agent, mercredi):
    response = client_agent.get(URL, {"prestation": mercredi.pk})

    assert response.context["jour"] == timezone.localdate()


def test_a_bad_date_says_so(client_agent, mercredi):
    response = client_agent.get(URL, {"prestation": mercredi.pk, "date": "32/13/2026"})

    assert response.status_code == 200
    assert "Indiquez une date valide." in texte(response)


def test_the_sheet_is_linked_from_the_journee_list(client_agent):
    response = client_agent.get(reverse("admin:enfants_journee_changelist"))

    assert f'href="{URL}"' in response.content.decode()


def test_a_user_without_change_journee_gets_403(client, attendus, mercredi):
    lecteur = UtilisateurFactory(username="lecteur", is_staff=True)
    lecteur.user_permissions.set(Permission.objects.filter(codename="view_journee"))
    client.force_login(lecteur)
    lucas = attendus[0]

    assert client.get(URL, {"prestation": mercredi.pk}).status_code == 403
    response = client.post(
        f"{URL}?prestation={mercredi.pk}&date=2026-12-09", {f"enfant_{lucas.pk}": Etat.PRESENT}
    )
    assert response.status_code == 403
    assert Journee.objects.get(enfant=lucas).etat == Etat.RESERVE
    changelist = client.get(reverse("admin:enfants_journee_changelist"))
    assert "Feuille de présence" not in changelist.content.decode()


def test_a_family_cannot_reach_the_sheet(client_dupont, mercredi):
    response = client_dupont.get(URL, {"prestation": mercredi.pk})

    assert response.status_code == 302
    assert "/login/" in response["Location"]
