"""L'administration des enfants (`enfants` : les fiches, les données sanitaires, la fiche
famille complétée de ses enfants), de l'accueil (`accueil` : structures, prestations,
inscriptions), des journées et des fermetures (`journees`), des campagnes de réservation et de
leur attribution (`campagnes`), et l'écriture aux familles d'une structure (`messages`) ; les
briques partagées sont dans `outils`."""

from enfants.admin import (  # noqa: F401 (enregistrent leurs pages)
    accueil,
    campagnes,
    enfants,
    journees,
    messages,
)
