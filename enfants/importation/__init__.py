"""L'import des familles d'un autre logiciel : un fichier CSV ou XLSX (docs/import.md), une
ligne par enfant et par inscription, les colonnes de la famille et de ses responsables
répétées sur chaque ligne de la famille.

`lire_fichier` lit le fichier (tablib) ; `importer_familles` le vérifie en entier, puis :
- en simulation, fait l'import dans une transaction qu'elle annule, et dit ce qui serait
  créé et mis à jour, ligne par ligne ;
- sinon, l'import d'un seul tenant (tout ou rien), et seulement si aucune ligne n'est en
  erreur.

Une cellule vide ne change rien à la fiche existante ; une valeur égale non plus : importer
deux fois le même fichier ne change rien la seconde fois. Un responsable créé reçoit un compte
sans mot de passe, qu'il doit choisir à sa première connexion : le courriel de bienvenue (file
d'envoi) porte son identifiant et le lien pour le choisir.
"""

from enfants.importation.lecture import (  # noqa: F401 (l'interface du paquet)
    COLONNES,
    LIGNES_MAX,
    TAILLE_MAX,
    FichierIllisible,
    aide_des_colonnes,
    lire_fichier,
    modele,
)
from enfants.importation.services import (  # noqa: F401
    Rapport,
    depot,
    importer_familles,
    lire_et_importer,
)
