"""Les outils des tests de la facturation."""

import pytest
from eopayment import payfip_ws


class ReponsePayfip(dict):
    """Ce que renvoie zeep : des attributs, et des clés pour bank_data."""

    __getattr__ = dict.__getitem__


@pytest.fixture
def payfip(settings, monkeypatch):
    """Le client PayFiP d'eopayment sans réseau : get_idop note sa demande, get_info_paiement
    répond ce que le test a décidé."""
    settings.PAYFIP_BACKEND = "payfip_ws"
    settings.PAYFIP_SAISIE = "T"
    etat = {"demandes": [], "resultrans": "P", "montant": "4250", "erreur": None}

    def get_idop(self, **demande):
        etat["demandes"].append(demande)
        return "IDOP0001"

    def get_info_paiement(self, idop, timeout=None):
        if etat["erreur"]:
            raise payfip_ws.PayFiPError(etat["erreur"], "erreur PayFiP")
        return ReponsePayfip(
            idop=idop,
            resultrans=etat["resultrans"],
            refdet="AL-36",
            montant=etat["montant"],
            numauto="112233",
            dattrans="",
            heurtrans="",
            saisie="T",
            mel="jean.dupont@wanadoo.fr",
        )

    monkeypatch.setattr(payfip_ws.PayFiP, "get_idop", get_idop)
    monkeypatch.setattr(payfip_ws.PayFiP, "get_info_paiement", get_info_paiement)
    return etat
