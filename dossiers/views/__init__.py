"""Les pages de `dossiers` : « Mon dossier » et la certification annuelle de la fiche
(`mon_dossier`), le fichier d'un document déposé, pour la famille et pour le service
(`fichiers`)."""
