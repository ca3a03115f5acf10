"""Un compte créé sur le portail et pas encore validé ne voit rien d'une autre famille, ni
rien de la sienne : chaque page du parent le mène à « dossier en cours de validation », chaque
objet de la famille Dupont lui répond 404 (ou la même redirection), et rien ne s'écrit ; validé,
il reste étranger aux objets de Dupont."""

import pytest
from django.urls import reverse

from demandes.models import Demande
from enfants.models import Journee
from facturation.models import Reglement
from familles.comptes import valider_compte
from familles.models import Famille, Message
from tests.factories import FamilleFactory, ResponsableFactory, UtilisateurFactory
from tests.portail.test_acces import PAGES_DU_PARENT
from tests.portail.test_isolation import (  # noqa: F401 (la fixture)
    SANS_OBJET_DE_FAMILLE,
    demonstration,
    objets_de_dupont,
    routes_avec_parametre,
)

pytestmark = pytest.mark.usefixtures("demonstration")


def dupont():
    return Famille.objects.get(numero="1001001819331")


def famille_en_validation():
    famille = FamilleFactory(numero="9000000000001", etat=Famille.Etat.EN_VALIDATION)
    ResponsableFactory(
        famille=famille,
        nom="DUPONT",  # le même nom que la famille Dupont : rien n'en découle
        prenom="LUC",
        utilisateur=UtilisateurFactory(username="luc.dupont@exemple.fr"),
    )
    return famille


def comptes():
    return (
        Demande.objects.count(),
        Message.objects.count(),
        Journee.objects.count(),
        Reglement.objects.count(),
    )


def parcourir(client, objets, statuts_admis):
    echecs = []
    for nom, _motif in routes_avec_parametre():
        if nom in SANS_OBJET_DE_FAMILLE:
            continue
        url = reverse(nom, kwargs=objets[nom])
        for reponse in (client.get(url), client.post(url, {"motif": "Malade"})):
            if reponse.status_code not in statuts_admis or (
                reponse.status_code == 302 and reponse.url != reverse("compte_en_validation")
            ):
                echecs.append(f"{nom} {url} : {reponse.status_code} {reponse.get('Location')}")
    return echecs


def test_un_compte_en_validation_n_atteint_aucune_page_ni_aucun_objet(client):
    famille = famille_en_validation()
    client.force_login(famille.titulaire.utilisateur)
    avant = comptes()

    for page in PAGES_DU_PARENT:
        if page == "mot_de_passe_changer":
            continue  # changer son propre mot de passe reste permis
        reponse = client.get(reverse(page))
        assert reponse.url == reverse("compte_en_validation"), page
    echecs = parcourir(client, objets_de_dupont(dupont()), {302, 404, 405})

    assert not echecs, "\n".join(echecs)
    assert comptes() == avant


def test_valide_il_reste_etranger_aux_objets_des_autres(client, django_user_model):
    famille = famille_en_validation()
    valider_compte(famille=famille, agent=django_user_model.objects.get(username="agent"))
    client.force_login(famille.titulaire.utilisateur)
    avant = comptes()

    echecs = parcourir(client, objets_de_dupont(dupont()), {404, 405})

    assert not echecs, "\n".join(echecs)
    assert comptes() == avant
