"""L'administration des familles."""

from familles.admin import familles  # noqa: F401 (enregistre ses pages)
