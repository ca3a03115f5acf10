"""Les pages des parents que sert `enfants` : « Mes enfants » et la fiche de chaque enfant
(`enfants`), le planning de l'enfant et son agenda (`planning`)."""
