"""La notification de paiement et le retour de PayFiP face à des entrées hostiles : jamais
d'erreur 500, jamais de règlement pour une notification mauvaise ou falsifiée, et une
notification valable enregistre toujours exactement un règlement.

Deux passerelles : le simulateur (réponses signées, que l'on falsifie) et PayFiP par eopayment
(backend `payfip_ws`), dont le client SOAP est remplacé : hypothesis choisit alors ce que PayFiP
répond (resultrans, montant, numauto, refdet) à l'idop que le portail lui soumet.
"""

import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from eopayment import payfip_ws
from hypothesis import example, given
from hypothesis import strategies as st

from facturation import simulateur_payfip
from facturation.models import Affectation, Facture, Reglement, TransactionEnLigne
from tests.factories import FactureFactory, RegieFactory
from tests.strategies import (
    REGLAGES,
    exemple_isole,
    photographie,
    tables_changees,
    valeur_hostile,
    verifier_reponse,
)

Statut = TransactionEnLigne.Statut
MAINTENANT = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 0))
MONTANT = Decimal("42.50")
SURVEILLEES = (Reglement, Affectation, TransactionEnLigne, Facture)


@pytest.fixture
def facture(dupont, monkeypatch):
    """La facture à payer ; l'heure est figée avant toute connexion (la session en dépend)."""
    monkeypatch.setattr(timezone, "now", lambda: MAINTENANT)
    return FactureFactory(
        famille=dupont,
        regie=RegieFactory(payfip_numcli="123456"),
        rang=36,
        montant=MONTANT,
        date_facture=datetime.date(2026, 11, 25),
        date_echeance=datetime.date(2026, 12, 20),
    )


def commencer(client, facture):
    """Le parent valide la page de paiement : la transaction en cours, et son idop."""
    reponse = client.post(
        reverse("payer_facture", args=[facture.pk]), {"email": "jean.dupont@wanadoo.fr"}
    )
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    assert "payfip" in reponse.url, reponse.url
    return TransactionEnLigne.objects.get()


@pytest.fixture
def en_cours(settings, facture, client_dupont):
    """Un paiement commencé par le simulateur, pas encore notifié."""
    settings.PAYFIP_BACKEND = "simulateur"
    return commencer(client_dupont, facture)


def reponse_signee(transaction, **valeurs):
    """Ce que le simulateur signerait : un paiement de `transaction`, modifiable champ à champ."""
    return simulateur_payfip.signer(
        {
            "idop": transaction.idop,
            "ref": transaction.reference,
            "refdet": transaction.facture.numero,
            "montant": str(transaction.montant),
            "statut": Statut.PAYEE,
            **valeurs,
        }
    )


def falsifier(jeton, position, caractere):
    """Le jeton signé dont un caractère est remplacé par un autre."""
    position %= len(jeton)
    if jeton[position] == caractere:
        caractere = "Z" if caractere != "Z" else "Y"
    return jeton[:position] + caractere + jeton[position + 1 :]


def _envoyer(client, url, methode, donnees):
    if methode == "get":
        return client.get(url, donnees)
    return client.post(url, donnees)


# --- Une notification qui n'est pas celle de la passerelle -----------------------------------


@st.composite
def idops_hostiles(draw, transaction):
    """Un idop quelconque, celui de la demande (sans résultat), ou une réponse falsifiée."""
    return draw(
        st.one_of(
            valeur_hostile,
            st.just(transaction.idop),
            st.builds(
                falsifier,
                st.just(reponse_signee(transaction)),
                st.integers(min_value=0),
                st.sampled_from(["A", "0", ":", "-", "\x00", "é"]),
            ),
            st.just(reponse_signee(transaction) + "x"),
            st.just(reponse_signee(transaction).rsplit(":", 1)[0]),
        )
    )


@REGLAGES
@given(tirage=st.data())
def test_une_notification_hostile_ne_fait_ni_500_ni_reglement(client, en_cours, tirage):
    reference = tirage.draw(
        st.one_of(
            st.just(en_cours.reference),
            st.sampled_from(["\x00", en_cours.reference + "\x00", "inconnue", "é" * 300]),
            valeur_hostile.map(lambda v: v.replace("/", "")),
        ),
        label="reference",
    )
    route = tirage.draw(st.sampled_from(["paiement_notification", "paiement_retour"]))
    methode = tirage.draw(st.sampled_from(["post", "get"]), label="methode")
    donnees = tirage.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "idop": idops_hostiles(en_cours),
                "idOp": idops_hostiles(en_cours),
                "refdet": valeur_hostile,
                "resultrans": st.one_of(st.sampled_from(["P", "V", "R", "A"]), valeur_hostile),
                "numauto": valeur_hostile,
                "montant": st.one_of(st.just("4250"), valeur_hostile),
                "mel": valeur_hostile,
            },
        ),
        label="donnees",
    )
    url = reverse(route, args=["REF"]).replace("REF", quote(reference or "x", safe=""))
    with exemple_isole():
        avant = photographie(SURVEILLEES)
        reponse = _envoyer(client, url, methode, donnees)
        verifier_reponse(reponse, (url, methode, donnees))
        assert not tables_changees(avant, photographie(SURVEILLEES))


@pytest.mark.parametrize("reference", ["\x00", "a\x00b", "é", "%00"])
@pytest.mark.parametrize("route", ["paiement_notification", "paiement_retour"])
def test_une_reference_impossible_est_un_404(client, en_cours, route, reference):
    """Un NUL dans la référence faisait une erreur 500 sur PostgreSQL (NUL refusé)."""
    url = reverse(route, args=["REF"]).replace("REF", quote(reference, safe=""))
    assert client.post(url, {"idop": "x"}).status_code == 404
    assert not Reglement.objects.exists()


# --- Une réponse signée : seul le bon paiement fait un règlement, et un seul -----------------


@REGLAGES
@given(
    idop=st.one_of(st.just("bon"), valeur_hostile),
    statut=st.one_of(st.sampled_from(Statut.values), valeur_hostile),
    montant=st.one_of(
        st.sampled_from(["42.50", "42.5", "42.51", "0", "-42.50", "4250", "sNaN", "NaN", "Inf"]),
        valeur_hostile,
    ),
    repetitions=st.integers(min_value=1, max_value=3),
)
@example(idop="bon", statut=Statut.PAYEE, montant="sNaN", repetitions=1)
@example(idop="bon", statut=Statut.PAYEE, montant="42.50", repetitions=3)
def test_une_reponse_signee_ne_regle_que_le_paiement_de_la_transaction(
    client, en_cours, idop, statut, montant, repetitions
):
    """Ce que le simulateur a signé n'est crédité que s'il s'agit de cette transaction, payée,
    au bon montant ; rejouée, la notification ne fait jamais un second règlement."""
    idop = en_cours.idop if idop == "bon" else idop
    jeton = reponse_signee(en_cours, idop=idop, statut=statut, montant=montant)
    try:
        bon_montant = Decimal(montant) == MONTANT
    except (InvalidOperation, ValueError):
        bon_montant = False
    paye = idop == en_cours.idop and statut == Statut.PAYEE and bon_montant
    url = reverse("paiement_notification", args=[en_cours.reference])
    with exemple_isole():
        for _ in range(repetitions):
            reponse = client.post(url, {"idop": jeton})
            verifier_reponse(reponse, (idop, statut, montant))
        retour = client.get(reverse("paiement_retour", args=[en_cours.reference]), {"idop": jeton})
        verifier_reponse(retour, (idop, statut, montant))
        transaction = TransactionEnLigne.objects.get(pk=en_cours.pk)
        reglements = list(Reglement.objects.all())
        if paye:
            assert len(reglements) == 1, (idop, statut, montant)
            assert transaction.statut == Statut.PAYEE
            assert transaction.reglement_id == reglements[0].pk
            assert reglements[0].montant == MONTANT
            assert Affectation.objects.get().facture_id == en_cours.facture_id
        else:
            assert reglements == [], (idop, statut, montant)
            assert not Affectation.objects.exists()
            assert transaction.statut != Statut.PAYEE


# --- PayFiP : ce que répond le service de la DGFiP ---------------------------------------------


class ReponsePayfip(dict):
    """Ce que renvoie zeep : des attributs, et des clés pour bank_data."""

    __getattr__ = dict.__getitem__


@pytest.fixture
def payfip(settings, monkeypatch, facture, client_dupont):
    """Le client SOAP de PayFiP sans réseau : get_idop donne IDOP0001, get_info_paiement répond
    ce que l'exemple a choisi, et note l'idop qu'on lui a soumis."""
    settings.PAYFIP_BACKEND = "payfip_ws"
    settings.PAYFIP_SAISIE = "T"
    etat = {"reponse": {}, "soumis": []}

    def get_idop(self, **demande):
        return "IDOP0001"

    def get_info_paiement(self, idop, timeout=None):
        etat["soumis"].append(idop)
        return ReponsePayfip(idop=idop, saisie="T", dattrans="", heurtrans="", **etat["reponse"])

    monkeypatch.setattr(payfip_ws.PayFiP, "get_idop", get_idop)
    monkeypatch.setattr(payfip_ws.PayFiP, "get_info_paiement", get_info_paiement)
    etat["transaction"] = commencer(client_dupont, facture)
    return etat


def _montant_payfip(centimes):
    """Le montant en euros que dit PayFiP (en centimes), ou None s'il ne se lit pas."""
    try:
        montant = (Decimal(centimes) / 100).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return montant if montant.is_finite() else None


@REGLAGES
@given(
    idop=st.one_of(st.just("IDOP0001"), valeur_hostile),
    resultrans=st.one_of(st.sampled_from(["P", "V", "R", "Z", "A", ""]), valeur_hostile),
    montant=st.one_of(
        st.sampled_from(["4250", "04250", "425", "4251", "0", "-4250", "", "sNaN", "abc"]),
        valeur_hostile,
    ),
    numauto=st.one_of(st.just("112233"), valeur_hostile),
    refdet=st.one_of(st.just("AL-36"), valeur_hostile),
    route=st.sampled_from(["paiement_notification", "paiement_retour"]),
)
@example(
    idop="IDOP0001",
    resultrans="P",
    montant="sNaN",
    numauto="112233",
    refdet="AL-36",
    route="paiement_notification",
)
@example(
    idop="IDOP0001",
    resultrans="P",
    montant="4250",
    numauto="112233",
    refdet="AL-36",
    route="paiement_notification",
)
def test_payfip_ne_credite_que_le_paiement_qu_il_confirme(
    client, payfip, idop, resultrans, montant, numauto, refdet, route
):
    transaction = payfip["transaction"]
    payfip["reponse"] = {
        "resultrans": resultrans,
        "montant": montant,
        "numauto": numauto,
        "refdet": refdet,
    }
    payfip["soumis"].clear()
    url = reverse(route, args=[transaction.reference])
    with exemple_isole():
        reponse = client.post(url, {"idop": idop})
        verifier_reponse(reponse, (idop, resultrans, montant, numauto, refdet))
        confirme = (
            payfip["soumis"] == ["IDOP0001"]
            and resultrans in ("P", "V")
            and _montant_payfip(montant) == MONTANT
        )
        reglements = Reglement.objects.count()
        assert reglements == (1 if confirme else 0), (idop, resultrans, montant)
        assert (TransactionEnLigne.objects.get().statut == Statut.PAYEE) == confirme


# --- Le simulateur lui-même ------------------------------------------------------------------


@REGLAGES
@given(
    methode=st.sampled_from(["get", "post"]),
    idop=st.one_of(
        st.none(), st.sampled_from(["demande falsifiée", "réponse signée"]), valeur_hostile
    ),
    position=st.integers(min_value=0),
    choix=st.one_of(
        st.none(), st.sampled_from(sorted(simulateur_payfip.RESULTATS)), valeur_hostile
    ),
)
@example(methode="post", idop="réponse signée", position=0, choix="payer")
def test_le_simulateur_ne_fait_ni_500_ni_reglement_sur_une_demande_hostile(
    client, en_cours, methode, idop, position, choix
):
    """Le simulateur n'accepte que la demande qu'il a signée : une demande falsifiée, ou la
    réponse signée que le parent lit dans l'adresse de retour, ne font rien."""
    jetons = {
        "demande falsifiée": falsifier(en_cours.idop, position, "A"),
        "réponse signée": reponse_signee(en_cours),
    }
    donnees = {"idop": jetons.get(idop, idop), "choix": choix}
    donnees = {cle: valeur for cle, valeur in donnees.items() if valeur is not None}
    with exemple_isole():
        avant = photographie(SURVEILLEES)
        reponse = _envoyer(client, reverse("payfip_simulateur"), methode, donnees)
        verifier_reponse(reponse, (methode, donnees))
        assert not tables_changees(avant, photographie(SURVEILLEES))
