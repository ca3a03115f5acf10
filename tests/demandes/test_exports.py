"""L'export des demandes des familles."""

from django.contrib.auth.models import Group

from demandes.models import Demande
from portail.groupes import AGENTS, creer_groupes
from tests.exports import CSV, en_dictionnaires, exporter, lignes_csv
from tests.factories import DemandeFactory, UtilisateurFactory


def test_requests_export_with_their_changes(client_agent, dupont):
    DemandeFactory(famille=dupont)

    response = exporter(client_agent, "demandes_demande", CSV)

    (demande,) = en_dictionnaires(lignes_csv(response))
    assert demande["N° famille"] == "1001001819331"
    assert demande["Type"] == "Informations responsable"
    assert demande["Statut"] == "En attente"
    assert "06 11 22 33 44" in demande["Changements demandés"]
    assert demande["Date de la demande"][2] == "/"


def test_health_requests_are_exported_only_to_agents_allowed_to_see_them(client, dupont):
    DemandeFactory(famille=dupont)
    DemandeFactory(famille=dupont, type=Demande.Type.DONNEES_SANITAIRES, valeurs_demandees={})
    creer_groupes()
    agent = UtilisateurFactory(username="agent.groupe", is_staff=True)
    agent.groups.add(Group.objects.get(name=AGENTS))
    client.force_login(agent)

    response = exporter(client, "demandes_demande", CSV)

    assert [d["Type"] for d in en_dictionnaires(lignes_csv(response))] == [
        "Informations responsable"
    ]


def test_a_parent_cannot_export_requests(client_dupont):
    assert exporter(client_dupont, "demandes_demande", CSV).status_code == 302
