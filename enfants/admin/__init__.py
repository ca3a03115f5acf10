"""L'administration des enfants (`enfants` : les fiches, les données sanitaires, la fiche
famille complétée de ses enfants), de l'accueil (`accueil` : structures, prestations,
inscriptions), des journées et des fermetures (`journees`), et l'écriture aux familles d'une
structure (`messages`) ; les briques partagées sont dans `outils`."""

from enfants.admin import accueil, enfants, journees, messages  # noqa: F401 (enregistrent leurs pages)
