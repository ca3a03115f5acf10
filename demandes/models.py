from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from enfants.models import Enfant
from familles.models import Famille


class Demande(models.Model):
    """Ce qu'une famille demande au service, et ce que le service en a décidé.

    Les valeurs actuelles sont copiées au moment de la demande : l'agent voit ce que la famille
    voyait, même si la fiche a changé depuis.
    """

    class Type(models.TextChoices):
        RESPONSABLE = "responsable", "Informations responsable"
        CONJOINT = "conjoint", "Informations conjoint"
        FISCALES = "fiscales", "Informations fiscales"
        CAF = "caf", "Informations CAF"
        BANCAIRES = "bancaires", "Informations bancaires"
        PRELEVEMENT = "prelevement", "Prélèvement automatique"
        ENFANT = "enfant", "Informations enfant"
        PERSONNES_AUTORISEES = "personnes", "Personnes autorisées"
        AUTORISATIONS = "autorisations", "Autorisations"
        DONNEES_SANITAIRES = "sanitaires", "Données sanitaires"
        NOUVEL_ENFANT = "nouvel_enfant", "Nouvel enfant"
        RESERVATION = "reservation", "Réservations"
        ABSENCE = "absence", "Absences"
        DOCUMENT = "document", "Document du dossier"
        EFFACEMENT = "effacement", "Effacement des données"

    TYPES_MON_COMPTE = (
        Type.RESPONSABLE,
        Type.CONJOINT,
        Type.FISCALES,
        Type.CAF,
        Type.BANCAIRES,
        Type.PRELEVEMENT,
        Type.EFFACEMENT,
    )

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        ACCEPTEE = "acceptee", "Acceptée"
        REFUSEE = "refusee", "Refusée"
        RETIREE = "retiree", "Retirée par la famille"

    famille = models.ForeignKey(
        Famille, on_delete=models.CASCADE, related_name="demandes", verbose_name="famille"
    )
    type = models.CharField("type", max_length=15, choices=Type)
    statut = models.CharField("statut", max_length=10, choices=Statut, default=Statut.EN_ATTENTE)
    enfant = models.ForeignKey(
        Enfant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="demandes",
        verbose_name="enfant",
    )
    # La fiche visée (un responsable, un enfant, une personne autorisée, une journée…) ;
    # vide pour une création (nouvel enfant, nouvelle personne autorisée).
    cible_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="type de fiche",
    )
    cible_id = models.PositiveBigIntegerField("identifiant de la fiche", null=True, blank=True)
    cible = GenericForeignKey("cible_type", "cible_id")
    valeurs_actuelles = models.JSONField("valeurs actuelles", default=dict, blank=True)
    valeurs_demandees = models.JSONField("valeurs demandées", default=dict, blank=True)
    commentaire = models.TextField("commentaire de la famille", blank=True)
    demandeur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demandes_faites",
        verbose_name="demandée par",
    )
    date_demande = models.DateTimeField("date de la demande", default=timezone.now)
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demandes_decidees",
        verbose_name="décidée par",
    )
    decidee_le = models.DateTimeField("décidée le", null=True, blank=True)
    motif_refus = models.TextField("motif du refus", blank=True)

    class Meta:
        verbose_name = "demande"
        verbose_name_plural = "demandes"
        ordering = ["-date_demande"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(statut="refusee") | ~Q(motif_refus=""),
                name="demande_refus_motive",
            ),
            models.CheckConstraint(
                condition=Q(statut__in=["en_attente", "retiree"]) | Q(decidee_le__isnull=False),
                name="demande_decision_datee",
            ),
        ]
        indexes = [
            models.Index(fields=["famille", "date_demande"], name="demande_famille"),
            models.Index(fields=["statut", "type"], name="demande_a_traiter"),
        ]

    def __str__(self):
        return f"{self.get_type_display()} — {self.famille.numero} ({self.get_statut_display()})"

    @property
    def est_en_attente(self):
        return self.statut == self.Statut.EN_ATTENTE
