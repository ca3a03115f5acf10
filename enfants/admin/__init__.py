"""L'administration des enfants et de l'accueil."""

from enfants.admin import enfants  # noqa: F401 (enregistre ses pages)
