import secrets

from django.db import migrations, models



def nouveau_jeton():
    # Le module enfants.revision d'alors n'existe plus (migration 0009) : sa fonction, ici.
    return secrets.token_hex(16)


def creer_la_ligne(apps, schema_editor):
    apps.get_model("enfants", "RevisionDuCalendrier").objects.get_or_create(
        pk=1, defaults={"jeton": secrets.token_hex(16)}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("enfants", "0006_campagnes"),
    ]

    operations = [
        migrations.CreateModel(
            name="RevisionDuCalendrier",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "jeton",
                    models.CharField(default=nouveau_jeton, max_length=32),
                ),
            ],
            options={
                "verbose_name": "révision du calendrier",
            },
        ),
        migrations.RunPython(creer_la_ligne, migrations.RunPython.noop),
    ]
