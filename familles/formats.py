"""Les valeurs des fiches d'une famille écrites à la française, pour « Mon compte », ses
formulaires et la lecture des demandes (demandes/lecture.py)."""


def entier_lisible(nombre):
    """1042 → « 1 042 » (espace insécable) ; "" pour rien."""
    return "" if nombre is None else format(nombre, ",").replace(",", "\u00a0")


def iban_groupe(iban):
    """« FR7630006000011234567890189 » → « FR76 3000 6000 0112 3456 7890 189 »."""
    compact = "".join((iban or "").split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
