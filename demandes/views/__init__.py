"""Les pages des familles que sert `demandes` : Mon compte et la liste des demandes
(`mon_compte`)."""
