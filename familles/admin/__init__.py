"""L'administration des familles : les comptes, les familles et leurs responsables
(`familles`), les messages (`messages`), les documents de la page Infos (`documents`) ; les
petites briques que les autres administrations réutilisent sont dans `outils`."""

from familles.admin import documents, familles, messages  # noqa: F401 (enregistrent leurs pages)
