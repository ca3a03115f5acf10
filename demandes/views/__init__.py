"""Les pages des familles que sert `demandes` : Mon compte et la liste des demandes
(`mon_compte`), Mes enfants et la fiche de chaque enfant (`enfants`), le planning (`planning`),
Mon dossier (`dossier`)."""
