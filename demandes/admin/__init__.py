"""L'administration de `demandes` : la liste des demandes et leur décision (`demandes`), les
campagnes de réservation (`campagnes`), les documents du dossier annuel (`dossier`)."""

from demandes.admin import campagnes, demandes, dossier  # noqa: F401 (enregistrent leurs pages)
