"""Un identifiant d'adresse au-delà de tout entier de la base répond 404, jamais 500 (SQLite :
« Python int too large to convert to SQLite INTEGER »), sur chaque page qui en prend un."""

import pytest

ENORMES = [99999999999999999999999, 2**63]

ADRESSES = [
    "/mes-enfants/{n}/",
    "/mes-enfants/{n}/planning/",
    "/mes-enfants/{enfant}/planning/{n}/2026-12-10/",
    "/mes-enfants/{n}/planning/{n}/2026-12-10/",
    "/mes-enfants/{enfant}/personnes-autorisees/{n}/modifier/",
    "/mes-enfants/{enfant}/donnees-sanitaires/vaccins/{n}/modifier/",
    "/messages/{n}/",
    "/messages/{n}/piece-jointe/",
    "/infos/formulaires/{n}/",
    "/mon-dossier/documents/{n}/fichier/",
    "/factures/{n}/pdf/",
    "/factures/{n}/payer/",
    "/demandes/{n}/retirer/",
]


@pytest.mark.parametrize("enorme", ENORMES)
@pytest.mark.parametrize("adresse", ADRESSES)
def test_an_identifier_beyond_any_integer_gives_404(client_dupont, dupont, adresse, enorme):
    url = adresse.format(n=enorme, enfant=dupont.enfants.get().pk)

    assert client_dupont.get(url).status_code == 404, url


def test_the_largest_identifier_is_still_an_ordinary_not_found(client_dupont, dupont):
    assert client_dupont.get(f"/mes-enfants/{2**63 - 1}/").status_code == 404
    assert client_dupont.get(f"/mes-enfants/{dupont.enfants.get().pk}/").status_code == 200
