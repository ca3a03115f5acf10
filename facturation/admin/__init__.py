"""L'administration de la facturation : régies, mandats et tarifs (`regies`), factures
(`factures`, leur impression en un PDF : `pdf`), règlements et transactions en ligne
(`reglements`), trop-perçus (`trop_percus`), attestations fiscales (`attestations`) ; les
petites fonctions d'affichage sont dans `outils`."""

from facturation.admin import (  # noqa: F401 (enregistrent leurs pages)
    attestations,
    factures,
    regies,
    reglements,
    trop_percus,
)
