"""Les documents que le service enfance demande d'ordinaire, prêts à l'emploi (l'administration
peut les changer, en ajouter, ou cesser d'en demander)."""

from django.db import migrations

TYPES = (
    {
        "nom": "Justificatif du quotient familial",
        "aide": (
            "L'attestation de quotient familial de la CAF ou de la MSA, ou à défaut votre "
            "dernier avis d'imposition."
        ),
        "pour": "famille",
        "condition": "toujours",
        "validite": "scolaire",
        "ordre": 1,
    },
    {
        "nom": "Attestation d'assurance",
        "aide": (
            "L'attestation de responsabilité civile et d'assurance extrascolaire de l'enfant "
            "pour l'année scolaire."
        ),
        "pour": "enfant",
        "condition": "toujours",
        "validite": "scolaire",
        "ordre": 2,
    },
    {
        "nom": "Fiche sanitaire et vaccinations",
        "aide": (
            "La fiche sanitaire de liaison remplie et signée, avec la copie des pages "
            "« vaccinations » du carnet de santé."
        ),
        "pour": "enfant",
        "condition": "toujours",
        "validite": "scolaire",
        "donnees_sanitaires": True,
        "ordre": 3,
    },
    {
        "nom": "Décision de justice sur la garde",
        "aide": (
            "Le jugement ou la convention homologuée qui fixe la résidence des enfants et "
            "l'exercice de l'autorité parentale."
        ),
        "pour": "famille",
        "condition": "separes",
        "validite": "sans_limite",
        "ordre": 4,
    },
    {
        "nom": "PAI (projet d'accueil individualisé)",
        "aide": "Le PAI signé par le médecin, la famille et l'établissement, avec son protocole.",
        "pour": "enfant",
        "condition": "pai",
        "validite": "scolaire",
        "donnees_sanitaires": True,
        "ordre": 5,
    },
)


def creer_types(apps, schema_editor):
    TypeDocument = apps.get_model("dossiers", "TypeDocument")
    for valeurs in TYPES:
        TypeDocument.objects.get_or_create(nom=valeurs["nom"], defaults=valeurs)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(creer_types, migrations.RunPython.noop)]
