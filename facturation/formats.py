"""Les montants à la française, pour les pages, l'administration et les documents."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ESPACE_INSECABLE = "\u00a0"


def euros(montant, vide=""):
    """Decimal("1234.5") → « 1 234,50 € », avec des espaces insécables ; `vide` sinon."""
    if montant is None or montant == "":
        return vide
    try:
        montant = Decimal(str(montant)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return vide
    signe = "-" if montant < 0 else ""
    entiers, centimes = f"{abs(montant):.2f}".split(".")
    groupes = []
    while entiers:
        groupes.insert(0, entiers[-3:])
        entiers = entiers[:-3]
    return f"{signe}{ESPACE_INSECABLE.join(groupes)},{centimes}{ESPACE_INSECABLE}€"
