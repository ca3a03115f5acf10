from django.db import migrations, models
from django.db.models import Q

# La restauration scolaire n'est pas un frais de garde : rien dans une prestation ne dit
# qu'elle est un repas, sinon son nom (« Restauration scolaire », « Cantine », « Repas »).
MOTS_DES_REPAS = ("restauration", "cantine", "repas", "déjeuner")


def repas_hors_attestation(apps, schema_editor):
    Prestation = apps.get_model("enfants", "Prestation")
    repas = Q()
    for mot in MOTS_DES_REPAS:
        repas |= Q(nom__icontains=mot)
    Prestation.objects.filter(repas).update(frais_de_garde=False)


class Migration(migrations.Migration):
    dependencies = [
        ("enfants", "0009_supprimer_revision_du_calendrier"),
    ]

    operations = [
        migrations.AddField(
            model_name="prestation",
            name="frais_de_garde",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Ce que la famille paie pour cette prestation est un frais de garde "
                    "d'enfant de moins de 6 ans, déclaré aux impôts (case 7GA à 7GG). "
                    "Décochez-la pour la restauration scolaire : un repas n'est pas un frais "
                    "de garde."
                ),
                verbose_name="compte pour l'attestation fiscale (frais de garde)",
            ),
        ),
        migrations.RunPython(repas_hors_attestation, migrations.RunPython.noop),
    ]
