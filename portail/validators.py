import re

from django.core.exceptions import ValidationError


class ComplexiteValidator:
    """Au moins une majuscule, une minuscule et un chiffre (la règle du portail d'origine)."""

    REGLES = (
        (r"[A-Z]", "au moins une majuscule"),
        (r"[a-z]", "au moins une minuscule"),
        (r"[0-9]", "au moins un chiffre"),
    )

    def validate(self, password, user=None):
        manque = [texte for motif, texte in self.REGLES if not re.search(motif, password)]
        if manque:
            raise ValidationError(
                "Le mot de passe doit contenir %(manque)s.",
                code="password_too_simple",
                params={"manque": ", ".join(manque)},
            )

    def get_help_text(self):
        return (
            "Votre mot de passe doit contenir au moins une majuscule, une minuscule et un chiffre."
        )
