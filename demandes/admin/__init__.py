"""L'administration de `demandes` : la liste des demandes et leur décision (`demandes`), les
documents du dossier annuel, que l'on vérifie en décidant leur demande (`dossier`)."""

from demandes.admin import demandes, dossier  # noqa: F401 (enregistrent leurs pages)
