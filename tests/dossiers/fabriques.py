"""Ce que les tests du dossier annuel fabriquent : des fichiers, des pièces, les types de
documents que la migration a semés."""

import datetime
import importlib

import factory
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dossiers.models import PieceDossier, TypeDocument

# Un PDF minuscule mais valable, une image PNG, un texte déguisé en PDF.
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
FAUX_PDF = b"Ceci est un texte, pas un PDF."

QUOTIENT = "Justificatif du quotient familial"
ASSURANCE = "Attestation d'assurance"
SANITAIRE = "Fiche sanitaire et vaccinations"
GARDE = "Décision de justice sur la garde"
PAI = "PAI (projet d'accueil individualisé)"


def semer_types():
    """Les types de documents de la migration. Une base vidée par un test transactionnel
    (navigateur, concurrence) les a perdus : on les remet."""
    migration = importlib.import_module("dossiers.migrations.0002_types_de_documents")
    migration.creer_types(apps, None)


def type_document(nom):
    return TypeDocument.objects.get(nom=nom)


def fichier(nom="attestation.pdf", contenu=PDF, type_mime="application/pdf"):
    return SimpleUploadedFile(nom, contenu, content_type=type_mime)


def aujourdhui():
    return timezone.localdate()


def jours(n):
    return aujourdhui() + datetime.timedelta(days=n)


def donner_droits_dossiers(utilisateur):
    """Les droits d'un agent sur le dossier annuel (la fixture `agent` a ceux des autres)."""
    utilisateur.user_permissions.add(*Permission.objects.filter(content_type__app_label="dossiers"))
    return utilisateur


class PieceDossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PieceDossier

    type_document = factory.LazyFunction(lambda: type_document(QUOTIENT))
    fichier = factory.django.FileField(filename="piece.pdf", data=PDF)
    date_document = factory.LazyFunction(aujourdhui)
    statut = PieceDossier.Statut.EN_ATTENTE


def piece_acceptee(famille, nom, enfant=None, *, jusqu_au, **valeurs):
    return PieceDossierFactory(
        famille=famille,
        type_document=type_document(nom),
        enfant=enfant,
        statut=PieceDossier.Statut.ACCEPTEE,
        valable_jusquau=jusqu_au,
        decidee_le=timezone.now(),
        **valeurs,
    )


def dossier_complet_de(famille, *, jusqu_au=None):
    """Chaque document obligatoire de la famille accepté et valable jusqu'à `jusqu_au`."""
    from dossiers.etat import exigences_du_dossier

    jusqu_au = jusqu_au or jours(200)
    for exigence in exigences_du_dossier(famille=famille, au=aujourdhui()):
        if exigence.obligatoire:
            piece_acceptee(famille, exigence.type_document.nom, exigence.enfant, jusqu_au=jusqu_au)
