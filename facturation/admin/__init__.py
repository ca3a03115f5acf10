"""L'administration de la facturation."""

from facturation.admin import factures, pdf  # noqa: F401 (enregistrent leurs pages)
