"""Le convertisseur `<id:pk>` des adresses : un identifiant de la base.

Comme `<int:…>`, mais un nombre qu'aucune clé ne peut porter (au-delà de 2**63 - 1, la borne
d'un BigAutoField) ne correspond à aucune page : 404, au lieu d'une requête qui échoue (SQLite :
« Python int too large to convert to SQLite INTEGER », une erreur 500). Chaque module d'adresses
qui s'en sert l'importe : il est enregistré avant que ses routes ne soient lues.
"""

from django.urls import register_converter

PLUS_GRAND_IDENTIFIANT = 2**63 - 1


class IdentifiantConverter:
    regex = "[0-9]+"

    def to_python(self, value):
        identifiant = int(value)
        if identifiant > PLUS_GRAND_IDENTIFIANT:
            raise ValueError(f"Identifiant hors des bornes : {value}")
        return identifiant

    def to_url(self, value):
        return str(value)


register_converter(IdentifiantConverter, "id")
