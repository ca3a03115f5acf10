"""L'administration des messages, complétée du choix des familles d'une structure ou
d'une prestation."""

from django import forms
from django.contrib import admin

from enfants.models import (
    Prestation,
    Structure,
)
from enfants.services import familles_inscrites
from familles.admin import messages as familles_admin
from familles.models import Message

# La page « Écrire aux familles » est celle de familles/admin/messages.py ; choisir les
# familles d'une structure ou d'une prestation demande les inscriptions, qui sont ici : on l'y
# ajoute, comme la liste des enfants à la fiche famille.


class EcrireAuxFamillesForm(familles_admin.EcrireAuxFamillesForm):
    CHOIX = (
        *familles_admin.EcrireAuxFamillesForm.CHOIX,
        ("structure", "Les familles d'une structure"),
        ("prestation", "Les familles d'une prestation"),
    )

    structure = forms.ModelChoiceField(
        Structure.objects.all(),
        label="Structure",
        required=False,
        error_messages={"required": "Choisissez la structure."},
    )
    prestation = forms.ModelChoiceField(
        Prestation.objects.select_related("structure"),
        label="Prestation",
        required=False,
        error_messages={"required": "Choisissez la prestation."},
    )
    field_order = ("destinataires", "famille", "structure", "prestation", "sujet", "corps")

    def familles(self, *, au):
        choix, valeur = self.choix
        if choix in ("structure", "prestation"):
            return familles_inscrites(**{choix: valeur}, au=au)
        return super().familles(au=au)


admin.site.unregister(Message)


@admin.register(Message)
class MessageAdmin(familles_admin.MessageAdmin):
    """Les messages de familles/admin/messages.py ; « Écrire aux familles » choisit aussi par
    structure et par prestation."""

    ecrire_form = EcrireAuxFamillesForm
