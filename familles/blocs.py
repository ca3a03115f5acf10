"""Les blocs de « Mon compte » dont une famille peut demander la modification.

Un bloc regroupe des champs d'une fiche : ceux d'un responsable (le titulaire ou le conjoint)
ou ceux de la famille. Chaque bloc a son formulaire (familles/forms/mon_compte.py) et son type
de demande (`Demande.Type` : la seule raison pour laquelle ce module importe `demandes`).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from demandes.models import Demande
from familles.models import Responsable

TYPE_PAR_ROLE = {
    Responsable.Role.TITULAIRE: Demande.Type.RESPONSABLE,
    Responsable.Role.CONJOINT: Demande.Type.CONJOINT,
}


@dataclass(frozen=True)
class Bloc:
    nom: str  # dans l'adresse : /mon-compte/demande/<nom>/…
    titre: str
    champs: tuple
    type: str | None = None  # None : un bloc d'un responsable, typé par son rôle
    aide: str = ""

    @property
    def de_la_famille(self):
        return self.type is not None

    def type_pour(self, fiche):
        """Le type de la demande : celui du bloc, ou « Responsable » / « Conjoint »."""
        return self.type or TYPE_PAR_ROLE[fiche.role]


BLOCS_RESPONSABLE = (
    Bloc("adresse", "Adresse", ("adresse", "code_postal", "ville")),
    Bloc(
        "telephones",
        "Téléphones et e-mail",
        ("telephone_domicile", "telephone_professionnel", "telephone_mobile", "email"),
        aide="Les numéros sont des numéros français, par exemple 06 12 34 56 78.",
    ),
    Bloc("situation", "Situation familiale", ("situation",)),
    Bloc("profession", "Profession", ("csp", "profession", "employeur", "adresse_employeur")),
    Bloc(
        "autorisations",
        "Autorisations",
        ("autorisation_sms", "autorisation_courriel"),
        aide=(
            "Avec l'autorisation courriel, vous recevez par e-mail les réponses du service "
            "enfance à vos demandes."
        ),
    ),
)
BLOCS_FAMILLE = (
    Bloc(
        "fiscales",
        "Informations fiscales",
        ("revenu_fiscal", "nombre_parts"),
        type=Demande.Type.FISCALES,
        aide=(
            "Le revenu fiscal de référence et le nombre de parts figurent sur votre dernier "
            "avis d'imposition. Le quotient familial calculé vaut revenu ÷ 12 ÷ nombre de parts."
        ),
    ),
    Bloc(
        "caf",
        "Informations CAF",
        ("organisme_rattachement", "numero_allocataire", "quotient_familial"),
        type=Demande.Type.CAF,
        aide="Le quotient familial est celui que votre CAF ou la MSA vous a notifié.",
    ),
    Bloc(
        "bancaires",
        "Informations bancaires",
        ("nom_banque", "titulaire_compte", "iban", "bic"),
        type=Demande.Type.BANCAIRES,
        aide="L'IBAN et le BIC figurent sur votre relevé d'identité bancaire (RIB).",
    ),
    Bloc(
        "prelevement",
        "Prélèvement automatique",
        ("prelevement_automatique", "iban", "bic"),
        type=Demande.Type.PRELEVEMENT,
        aide=(
            "Avec le prélèvement automatique, vos factures sont payées à leur échéance sur le "
            "compte dont vous donnez l'IBAN."
        ),
    ),
)
BLOCS = {bloc.nom: bloc for bloc in BLOCS_RESPONSABLE + BLOCS_FAMILLE}
# Les champs d'un conjoint que la famille déclare (la fiche complète se fait avec le service).
CHAMPS_NOUVEAU_CONJOINT = (
    "civilite",
    "nom",
    "prenom",
    "qualite",
    "adresse",
    "code_postal",
    "ville",
    "telephone_mobile",
    "email",
)


def quotient_calcule(revenu, parts):
    """Le quotient familial des informations fiscales : revenu ÷ 12 ÷ parts, à l'euro près."""
    if revenu is None or revenu == "" or not parts:
        return None
    quotient = Decimal(str(revenu)) / 12 / Decimal(str(parts))
    return int(quotient.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
