"""Le dossier annuel d'une famille : les documents que le service demande, ceux que la famille
dépose, et la certification de sa fiche à chaque année scolaire.

Une année scolaire va du 1er septembre au 31 août ; elle se nomme par l'année de sa rentrée
(2025 pour 2025-2026).
"""

import calendar
import datetime
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from enfants.models import Enfant, Prestation
from familles.models import Famille, Responsable

SITUATIONS_SEPAREES = (Responsable.Situation.SEPARE, Responsable.Situation.DIVORCE)


def annee_scolaire(jour):
    """L'année de la rentrée de l'année scolaire du jour : 2025 du 1/9/2025 au 31/8/2026."""
    return jour.year if jour.month >= 9 else jour.year - 1


def libelle_annee_scolaire(annee):
    """2025 → « 2025-2026 »."""
    return f"{annee}-{annee + 1}"


def fin_annee_scolaire(annee):
    return datetime.date(annee + 1, 8, 31)


def ajouter_mois(jour, mois):
    """Le même quantième `mois` mois plus tard, ramené au dernier jour d'un mois plus court."""
    total = jour.month - 1 + mois
    annee, mois_suivant = jour.year + total // 12, total % 12 + 1
    return datetime.date(
        annee, mois_suivant, min(jour.day, calendar.monthrange(annee, mois_suivant)[1])
    )


class TypeDocument(models.Model):
    """Une sorte de document du dossier : pour qui, à quelle condition, valable combien de temps."""

    class Pour(models.TextChoices):
        FAMILLE = "famille", "La famille (un document pour toute la famille)"
        ENFANT = "enfant", "Chaque enfant (un document par enfant)"

    class Condition(models.TextChoices):
        TOUJOURS = "toujours", "Toujours"
        PARENTS_SEPARES = "separes", "Seulement si les parents sont séparés ou divorcés"
        PAI = "pai", "Seulement si un PAI est déclaré"

    class Validite(models.TextChoices):
        ANNEE_SCOLAIRE = "scolaire", "L'année scolaire (jusqu'au 31 août)"
        ANNEE_CIVILE = "civile", "L'année civile (jusqu'au 31 décembre)"
        MOIS = "mois", "Un nombre de mois à compter de la date du document"
        SANS_LIMITE = "sans_limite", "Sans limite de durée"

    nom = models.CharField("nom", max_length=100, unique=True)
    aide = models.CharField(
        "aide pour les familles",
        max_length=300,
        blank=True,
        help_text="Ce que la famille lit sous le nom : quels documents conviennent.",
    )
    obligatoire = models.BooleanField(
        "obligatoire",
        default=True,
        help_text="Un dossier n'est complet qu'avec chaque document obligatoire accepté et "
        "valable ; les autres sont facultatifs.",
    )
    pour = models.CharField("pour", max_length=10, choices=Pour, default=Pour.FAMILLE)
    condition = models.CharField(
        "demandé", max_length=10, choices=Condition, default=Condition.TOUJOURS
    )
    validite = models.CharField(
        "valable", max_length=12, choices=Validite, default=Validite.ANNEE_SCOLAIRE
    )
    duree_mois = models.PositiveSmallIntegerField(
        "durée en mois",
        null=True,
        blank=True,
        help_text="Seulement pour « un nombre de mois à compter de la date du document ».",
    )
    donnees_sanitaires = models.BooleanField(
        "document de santé",
        default=False,
        help_text="Visible et décidé seulement par les agents habilités aux données sanitaires.",
    )
    actif = models.BooleanField(
        "demandé aux familles", default=True, help_text="Décochez pour ne plus le demander."
    )
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "type de document"
        verbose_name_plural = "types de documents"
        ordering = ["ordre", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(validite="mois") | Q(duree_mois__gte=1),
                name="typedocument_duree_si_mois",
            ),
        ]

    def __str__(self):
        return self.nom

    def clean(self):
        if self.validite == self.Validite.MOIS and not self.duree_mois:
            raise ValidationError({"duree_mois": "Indiquez la durée de validité, en mois."})

    @property
    def par_enfant(self):
        return self.pour == self.Pour.ENFANT

    def fin_de_validite(self, date_document):
        """Le dernier jour où un document daté du `date_document` vaut, ou None (sans limite).

        Une attestation de l'année scolaire datée de juillet ou d'août est celle de la rentrée
        qui vient : elle vaut jusqu'à la fin de l'année scolaire suivante."""
        if self.validite == self.Validite.ANNEE_SCOLAIRE:
            annee = annee_scolaire(date_document)
            if date_document.month in (7, 8):
                annee += 1
            return fin_annee_scolaire(annee)
        if self.validite == self.Validite.ANNEE_CIVILE:
            return datetime.date(date_document.year, 12, 31)
        if self.validite == self.Validite.MOIS:
            return ajouter_mois(date_document, self.duree_mois) - datetime.timedelta(days=1)
        return None

    def validite_en_clair(self):
        """« l'année scolaire », « 6 mois »… : ce que la famille lit."""
        if self.validite == self.Validite.MOIS:
            return f"{self.duree_mois} mois à compter de sa date"
        return {
            self.Validite.ANNEE_SCOLAIRE: "l'année scolaire",
            self.Validite.ANNEE_CIVILE: "l'année civile",
            self.Validite.SANS_LIMITE: "sans limite de durée",
        }[self.validite]

    def est_demande(self, *, parents_separes, pai):
        """Vrai quand la condition du type tient : toujours, parents séparés, PAI déclaré."""
        if self.condition == self.Condition.PARENTS_SEPARES:
            return parents_separes
        if self.condition == self.Condition.PAI:
            return pai
        return True


def chemin_piece(piece, nom):
    """Rangées par famille, hors de toute adresse publique : « dossiers/12/assurance.pdf »."""
    return f"dossiers/{piece.famille_id}/{nom}"


class PieceDossier(models.Model):
    """Un document déposé par une famille, et ce que le service en a décidé.

    Le dépôt est une Demande (type « Document du dossier ») qui vise cette pièce : le service
    la valide ou la refuse comme les autres demandes."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "Reçu, en cours de vérification"
        ACCEPTEE = "acceptee", "Accepté"
        REFUSEE = "refusee", "Refusé"
        RETIREE = "retiree", "Retiré par la famille"

    famille = models.ForeignKey(
        Famille, on_delete=models.CASCADE, related_name="pieces_dossier", verbose_name="famille"
    )
    type_document = models.ForeignKey(
        TypeDocument, on_delete=models.PROTECT, related_name="pieces", verbose_name="document"
    )
    enfant = models.ForeignKey(
        Enfant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pieces_dossier",
        verbose_name="enfant",
    )
    fichier = models.FileField("fichier", upload_to=chemin_piece, max_length=200, blank=True)
    date_document = models.DateField("date du document")
    deposee_le = models.DateTimeField("déposé le", default=timezone.now)
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déposé par",
    )
    statut = models.CharField("statut", max_length=10, choices=Statut, default=Statut.EN_ATTENTE)
    valable_jusquau = models.DateField("valable jusqu'au", null=True, blank=True)
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vérifié par",
    )
    decidee_le = models.DateTimeField("vérifié le", null=True, blank=True)
    motif_refus = models.TextField("motif du refus", blank=True)
    rappel_expiration_le = models.DateTimeField(
        "rappel avant expiration envoyé le",
        null=True,
        blank=True,
        editable=False,
        help_text="Le courriel qui invite la famille à déposer le document suivant "
        "(dossiers/rappels.py), envoyé une fois.",
    )

    class Meta:
        verbose_name = "document déposé"
        verbose_name_plural = "documents déposés"
        ordering = ["-deposee_le", "-pk"]
        constraints = [
            # Un seul document en attente par sorte de document (et par enfant).
            models.UniqueConstraint(
                "famille",
                "type_document",
                Coalesce("enfant", Value(0), output_field=models.BigIntegerField()),
                condition=Q(statut="en_attente"),
                name="piece_une_seule_en_attente",
            ),
            models.CheckConstraint(
                condition=~Q(statut="refusee") | ~Q(motif_refus=""),
                name="piece_refus_motive",
            ),
            models.CheckConstraint(
                condition=~Q(statut__in=["acceptee", "refusee"]) | Q(decidee_le__isnull=False),
                name="piece_decision_datee",
            ),
        ]
        indexes = [models.Index(fields=["famille", "statut"], name="piece_famille_statut")]

    def __str__(self):
        pour = f" de {self.enfant.prenom}" if self.enfant_id else ""
        return f"{self.type_document}{pour} ({self.get_statut_display().lower()})"

    @property
    def nom_fichier(self):
        """Le nom du fichier, sans son dossier de rangement."""
        return PurePosixPath(self.fichier.name).name if self.fichier else ""

    @property
    def format_fichier(self):
        """« pdf », « png » ou « jpg » : l'extension, qui est celle de son contenu vérifié."""
        return PurePosixPath(self.fichier.name).suffix.lstrip(".").lower() if self.fichier else ""

    @property
    def est_image(self):
        return self.format_fichier in ("png", "jpg")

    def est_valable(self, au):
        """Accepté et pas encore expiré au jour dit."""
        return self.statut == self.Statut.ACCEPTEE and (
            self.valable_jusquau is None or self.valable_jusquau >= au
        )


class CertificationAnnuelle(models.Model):
    """La fiche de la famille confirmée, page par page, pour une année scolaire."""

    famille = models.ForeignKey(
        Famille, on_delete=models.CASCADE, related_name="certifications", verbose_name="famille"
    )
    annee = models.PositiveSmallIntegerField(
        "année scolaire", help_text="L'année de la rentrée : 2025 pour 2025-2026."
    )
    pages_confirmees = models.JSONField("pages confirmées", default=list, blank=True)
    commencee_le = models.DateTimeField("commencée le", default=timezone.now)
    certifiee_le = models.DateTimeField("certifiée le", null=True, blank=True)
    certifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="certifiée par",
    )

    class Meta:
        verbose_name = "certification annuelle"
        verbose_name_plural = "certifications annuelles"
        ordering = ["-annee", "famille"]
        constraints = [
            models.UniqueConstraint(
                fields=["famille", "annee"], name="certification_une_par_annee"
            ),
        ]

    def __str__(self):
        return f"Fiche {libelle_annee_scolaire(self.annee)} — {self.famille.numero}"

    @property
    def libelle_annee(self):
        return libelle_annee_scolaire(self.annee)

    @property
    def est_certifiee(self):
        return self.certifiee_le is not None


class ExigenceDossier(models.Model):
    """Ce qu'une prestation exige avant qu'on la réserve."""

    prestation = models.OneToOneField(
        Prestation,
        on_delete=models.CASCADE,
        related_name="exigence_dossier",
        verbose_name="prestation",
    )
    dossier_complet_requis = models.BooleanField(
        "dossier complet requis",
        default=True,
        help_text="Les réservations attendent que chaque document obligatoire soit accepté.",
    )
    certification_requise = models.BooleanField(
        "fiche certifiée requise",
        default=False,
        help_text="Les réservations attendent que la famille ait confirmé sa fiche pour "
        "l'année scolaire du jour réservé.",
    )

    class Meta:
        verbose_name = "exigence de dossier"
        verbose_name_plural = "exigences de dossier par prestation"
        ordering = ["prestation__structure__ordre", "prestation__ordre"]

    def __str__(self):
        return f"Exigences pour {self.prestation}"
