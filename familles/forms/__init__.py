"""Les formulaires des pages de `familles`, rangés comme elles (`familles/views/`) : les
messages (`messages`), les blocs de « Mon compte » et les champs qu'ils partagent avec les
autres applications, téléphones français, IBAN, BIC (`mon_compte`)."""
