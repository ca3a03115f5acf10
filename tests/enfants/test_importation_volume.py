"""L'import d'un fichier de 2 000 familles, avec des lignes hostiles : la simulation les
trouve toutes (et rien qu'elles), l'import du fichier corrigé crée tout d'un seul tenant."""

import datetime
import time

from enfants.importation import lire_et_importer
from enfants.models import Enfant, Inscription
from familles.models import Famille, Utilisateur
from tests.enfants.test_importation import fichier_xlsx, ligne
from tests.factories import PrestationFactory

FAMILLES = 2000


def lignes_saines():
    for n in range(FAMILLES):
        yield ligne(
            **{
                "N° famille": f"{1002000000000 + n}",
                "Responsable : nom": f"NOM{n}",
                "Responsable : e-mail": f"parent{n}@exemple.fr",
                "Conjoint : nom": f"NOM{n}" if n % 2 else "",
                "Conjoint : prénom": "Alex" if n % 2 else "",
                "Enfant : date de naissance": datetime.datetime(2015 + n % 8, 1 + n % 12, 1),
            }
        )


HOSTILES = {
    "injection": ligne(**{"N° famille": "1003000000001", "Responsable : nom": '=HYPERLINK("x")'}),
    "cellule géante": ligne(**{"N° famille": "1003000000002", "Adresse": "a" * 1_000_000}),
    "date impossible": ligne(**{"N° famille": "1003000000003", "Inscription du": "32/13/2026"}),
    "IBAN faux": ligne(**{"N° famille": "1003000000004", "IBAN": "FR7630006000011234567890180"}),
    "numéro en double": ligne(**{"N° famille": "1002000000007", "Responsable : nom": "AUTRE"}),
}


def test_two_thousand_families_with_hostile_rows(db, file_courriels):
    PrestationFactory(nom="ALSH Mercredi")
    saines = list(lignes_saines())

    debut = time.monotonic()
    simulation = lire_et_importer(
        fichier_xlsx(*saines, *HOSTILES.values()), "familles.xlsx", simulation=True
    )
    duree_simulation = time.monotonic() - debut

    assert [numero for numero, _ in simulation.erreurs] == list(
        range(FAMILLES + 2, FAMILLES + 2 + len(HOSTILES))
    )
    assert not Famille.objects.exists()

    fichier = fichier_xlsx(*saines)
    debut = time.monotonic()
    propre = lire_et_importer(fichier, "familles.xlsx", simulation=True)
    duree_propre = time.monotonic() - debut
    assert propre.crees["familles"] == FAMILLES
    assert not Famille.objects.exists()

    debut = time.monotonic()
    rapport = lire_et_importer(fichier, "familles.xlsx", simulation=False)
    duree_import = time.monotonic() - debut

    assert rapport.crees["familles"] == FAMILLES
    assert Famille.objects.count() == FAMILLES
    assert Enfant.objects.count() == FAMILLES
    assert Inscription.objects.count() == FAMILLES
    assert Utilisateur.objects.count() == FAMILLES + FAMILLES // 2
    print(
        f"\nsimulation avec erreurs {duree_simulation:.1f} s, sans erreur {duree_propre:.1f} s, "
        f"import {duree_import:.1f} s"
    )
