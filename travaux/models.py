"""Les travaux de fond : ce qu'un agent lance et qu'un worker fait hors de la requête (une
facturation, une impression en lot), avec son avancement, son rapport et ses erreurs.

Cette application n'importe aucune autre application du portail : celles qui lancent des
travaux (`facturation/taches.py`) s'en servent par `travaux.services`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format


class Travail(models.Model):
    """Un travail de fond : une tâche de la file (`tache`, le chemin de sa fonction) appelée
    avec le numéro du travail, qui y lit ses `parametres` et y écrit où elle en est."""

    class Genre(models.TextChoices):
        FACTURATION = "facturation", "Facturation"
        IMPRESSION = "impression", "Impression"
        MESSAGES = "messages", "Messages aux familles"
        ATTESTATIONS = "attestations", "Attestations fiscales"
        ATTRIBUTION = "attribution", "Attribution des places"
        IMPORT = "import", "Import de familles"

    class Etat(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        TERMINE = "termine", "Terminé"
        TERMINE_AVEC_ERREURS = "termine_avec_erreurs", "Terminé avec erreurs"
        ECHOUE = "echoue", "Échoué"

    genre = models.CharField("genre", max_length=20, choices=Genre)
    titre = models.CharField("titre", max_length=200)
    tache = models.CharField(
        "tâche", max_length=200, help_text="La fonction de la file qui fait le travail."
    )
    parametres = models.JSONField("paramètres", default=dict, blank=True)
    lance_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="travaux_lances",
        verbose_name="lancé par",
    )
    lance_le = models.DateTimeField("lancé le", default=timezone.now)
    etat = models.CharField("état", max_length=20, choices=Etat, default=Etat.EN_ATTENTE)
    fait = models.PositiveIntegerField("fait", default=0)
    total = models.PositiveIntegerField("total", default=0)
    unite = models.CharField("unité", max_length=30, help_text="« familles », « factures »…")
    debut = models.DateTimeField("commencé le", null=True, blank=True)
    fin = models.DateTimeField("fini le", null=True, blank=True)
    battement = models.DateTimeField(
        "dernier signe de vie",
        null=True,
        blank=True,
        help_text="Écrit à chaque avancée : un travail en cours qui n'en donne plus est repris.",
    )
    tentatives = models.PositiveIntegerField("exécutions", default=0)
    execution = models.CharField("exécution en cours", max_length=32, blank=True, editable=False)
    rapport = models.JSONField("rapport", default=dict, blank=True)
    message = models.TextField("message", blank=True)
    fichier = models.FileField("fichier", upload_to="travaux/%Y/", blank=True, max_length=200)
    resultat_id = models.CharField("identifiant de la tâche", max_length=64, blank=True)

    class Meta:
        verbose_name = "travail"
        verbose_name_plural = "travaux"
        ordering = ["-lance_le", "-pk"]
        indexes = [models.Index(fields=["etat", "battement"], name="travail_etat_battement")]

    def __str__(self):
        return self.titre

    @property
    def est_actif(self):
        """En attente ou en cours : sa page se rafraîchit d'elle-même."""
        return self.etat in (self.Etat.EN_ATTENTE, self.Etat.EN_COURS)

    @property
    def fait_borne(self):
        """Le nombre fait, jamais au-delà du total (la valeur de la barre d'avancement)."""
        return min(self.fait, self.total)

    @property
    def progression(self):
        """« 1 250 / 4 000 familles » ; « en attente » tant que le total n'est pas connu."""
        if not self.total:
            return "en attente" if self.est_actif else f"0 {self.unite}".strip()
        fait = number_format(self.fait_borne, force_grouping=True)
        total = number_format(self.total, force_grouping=True)
        return f"{fait} / {total} {self.unite}".strip()


class ErreurDeTravail(models.Model):
    """Un élément qu'un travail n'a pas pu faire (une famille, une facture) : le travail
    continue sans lui. Relancé, le travail le reprend ; réussi, l'erreur est résolue."""

    travail = models.ForeignKey(
        Travail, on_delete=models.CASCADE, related_name="erreurs", verbose_name="travail"
    )
    reference = models.CharField(
        "référence", max_length=100, help_text="Ce que le travail reprend : « famille:42 »."
    )
    element = models.CharField("élément", max_length=200)
    message = models.TextField("message")
    resolue = models.BooleanField("résolue", default=False)
    le = models.DateTimeField("le", default=timezone.now)
    execution = models.CharField("exécution", max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = "erreur de travail"
        verbose_name_plural = "erreurs de travail"
        ordering = ["resolue", "pk"]
        constraints = [
            # Une seule erreur ouverte par élément : une reprise met la sienne à jour.
            models.UniqueConstraint(
                fields=["travail", "reference"],
                condition=Q(resolue=False),
                name="erreur_de_travail_ouverte_unique",
            )
        ]

    def __str__(self):
        return f"{self.element} : {self.message}"
