from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commun.historique import GestionnaireHistorique

numero_famille_validator = RegexValidator(
    r"^\d{13}$", "Le numéro de famille comporte exactement 13 chiffres."
)
code_postal_validator = RegexValidator(r"^\d{5}$", "Le code postal comporte 5 chiffres.")


class Utilisateur(AbstractUser):
    """Un compte de connexion : un responsable de famille ou un agent du service."""

    doit_changer_mot_de_passe = models.BooleanField(
        "doit changer son mot de passe",
        default=False,
        help_text="Cochez pour imposer un nouveau mot de passe à la prochaine connexion.",
    )

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"


class Famille(models.Model):
    """Le compte famille : un ou deux responsables, des enfants, des factures."""

    class Organisme(models.TextChoices):
        AUCUN = "0", "Aucun"
        CAF = "CAF", "CAF"
        MSA = "MSA", "MSA"
        AUTRE = "AUTRE", "Autre régime"

    class Etat(models.TextChoices):
        ACTIVE = "active", "Active"
        EN_VALIDATION = "en_validation", "En attente de validation"
        FERMEE = "fermee", "Fermée"

    numero = models.CharField(
        "N° famille", max_length=13, unique=True, validators=[numero_famille_validator]
    )
    etat = models.CharField(
        "état du compte",
        max_length=13,
        choices=Etat,
        default=Etat.ACTIVE,
        help_text=(
            "Une famille qui a créé son compte sur le portail attend la validation du service ; "
            "une famille fermée (compte refusé ou effacé à sa demande) ne se connecte plus."
        ),
    )
    # Informations fiscales
    revenu_fiscal = models.DecimalField(
        "revenu fiscal de référence", max_digits=10, decimal_places=2, null=True, blank=True
    )
    nombre_parts = models.DecimalField(
        "nombre de parts fiscales", max_digits=4, decimal_places=2, null=True, blank=True
    )
    # Informations CAF
    organisme_rattachement = models.CharField(
        "organisme de rattachement", max_length=5, choices=Organisme, default=Organisme.AUCUN
    )
    numero_allocataire = models.CharField("N° allocataire", max_length=20, blank=True)
    quotient_familial = models.PositiveIntegerField("quotient familial", null=True, blank=True)
    # Informations bancaires
    nom_banque = models.CharField("nom de la banque", max_length=100, blank=True)
    titulaire_compte = models.CharField("titulaire du compte", max_length=100, blank=True)
    iban = models.CharField("IBAN", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    prelevement_automatique = models.BooleanField("prélèvement automatique", default=False)
    date_creation = models.DateTimeField("créée le", default=timezone.now, editable=False)

    history = HistoricalRecords(history_manager=GestionnaireHistorique)

    class Meta:
        verbose_name = "famille"
        verbose_name_plural = "familles"
        ordering = ["numero"]
        constraints = [
            models.CheckConstraint(
                condition=Q(numero__regex=r"^[0-9]{13}$"), name="famille_numero_13_chiffres"
            ),
            models.CheckConstraint(
                condition=Q(nombre_parts__isnull=True) | Q(nombre_parts__gt=0),
                name="famille_nombre_parts_positif",
            ),
        ]

    def __str__(self):
        titulaire = self.titulaire
        return f"{titulaire.nom_complet} ({self.numero})" if titulaire else self.numero

    @property
    def est_active(self):
        """Vrai quand la famille a accès au portail (ni en attente de validation, ni fermée)."""
        return self.etat == self.Etat.ACTIVE

    @property
    def titulaire(self):
        """Le responsable principal (« Mon compte »), depuis le cache quand il est préchargé."""
        return self._responsable(Responsable.Role.TITULAIRE)

    @property
    def conjoint(self):
        """Le second responsable (« Mon conjoint »), ou None."""
        return self._responsable(Responsable.Role.CONJOINT)

    def _responsable(self, role):
        for responsable in self.responsables.all():
            if responsable.role == role:
                return responsable
        return None


class Responsable(models.Model):
    """Un adulte de la famille : le titulaire (« Mon compte ») ou le conjoint."""

    class Role(models.TextChoices):
        TITULAIRE = "titulaire", "Responsable (titulaire)"
        CONJOINT = "conjoint", "Conjoint"

    class Civilite(models.TextChoices):
        MONSIEUR = "M", "Monsieur"
        MADAME = "MME", "Madame"

    class Qualite(models.TextChoices):
        PERE = "pere", "Père"
        MERE = "mere", "Mère"
        TUTEUR = "tuteur", "Tuteur / tutrice"
        FAMILLE_ACCUEIL = "accueil", "Famille d'accueil"
        AUTRE = "autre", "Autre"

    class Situation(models.TextChoices):
        MARIE = "marie", "Marié(e)"
        PACSE = "pacse", "Pacsé(e)"
        CONCUBIN = "concubin", "Vie maritale"
        CELIBATAIRE = "celibataire", "Célibataire"
        SEPARE = "separe", "Séparé"
        DIVORCE = "divorce", "Divorcé(e)"
        VEUF = "veuf", "Veuf / veuve"

    famille = models.ForeignKey(
        Famille, on_delete=models.CASCADE, related_name="responsables", verbose_name="famille"
    )
    role = models.CharField("rôle", max_length=10, choices=Role, default=Role.TITULAIRE)
    utilisateur = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsable",
        verbose_name="compte de connexion",
    )
    civilite = models.CharField("civilité", max_length=3, choices=Civilite, blank=True)
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    qualite = models.CharField("qualité", max_length=10, choices=Qualite, blank=True)
    situation = models.CharField(
        "situation familiale", max_length=12, choices=Situation, blank=True
    )
    adresse = models.CharField("adresse", max_length=200, blank=True)
    code_postal = models.CharField(
        "code postal", max_length=5, blank=True, validators=[code_postal_validator]
    )
    ville = models.CharField("ville", max_length=100, blank=True)
    telephone_domicile = models.CharField("téléphone domicile", max_length=20, blank=True)
    telephone_professionnel = models.CharField("téléphone prof.", max_length=20, blank=True)
    telephone_mobile = models.CharField("mobile", max_length=20, blank=True)
    email = models.EmailField("e-mail", blank=True)
    csp = models.CharField("CSP", max_length=100, blank=True)
    profession = models.CharField("profession", max_length=100, blank=True)
    employeur = models.CharField("employeur", max_length=100, blank=True)
    adresse_employeur = models.CharField("adresse employeur", max_length=200, blank=True)
    autorisation_sms = models.BooleanField("autorisation SMS", default=False)
    autorisation_courriel = models.BooleanField("autorisation courriel", default=True)

    history = HistoricalRecords(history_manager=GestionnaireHistorique)

    class Meta:
        verbose_name = "responsable"
        verbose_name_plural = "responsables"
        ordering = ["famille", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["famille", "role"], name="responsable_un_par_role_et_famille"
            ),
        ]

    def __str__(self):
        return self.nom_complet

    @property
    def nom_complet(self):
        """« DUPONT JEAN », comme le portail d'origine l'écrit."""
        return f"{self.nom} {self.prenom}".upper()


class Message(models.Model):
    """Un message de la Boîte de réception, entre le service et une famille."""

    class Sens(models.TextChoices):
        VERS_FAMILLE = "famille", "Du service à la famille"
        VERS_SERVICE = "service", "De la famille au service"

    famille = models.ForeignKey(
        Famille, on_delete=models.CASCADE, related_name="messages", verbose_name="famille"
    )
    sens = models.CharField("sens", max_length=10, choices=Sens, default=Sens.VERS_FAMILLE)
    en_reponse_a = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reponses",
        verbose_name="en réponse à",
    )
    sujet = models.CharField("sujet", max_length=200)
    corps = models.TextField("message")
    piece_jointe = models.FileField(
        "pièce jointe", upload_to="messages/%Y/%m/", blank=True, max_length=200
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    date_envoi = models.DateTimeField("envoyé le", default=timezone.now)
    lu_le = models.DateTimeField("lu le", null=True, blank=True)

    class Meta:
        verbose_name = "message"
        verbose_name_plural = "messages"
        ordering = ["-date_envoi"]
        indexes = [models.Index(fields=["famille", "sens", "lu_le"], name="message_non_lus")]

    def __str__(self):
        return self.sujet

    @property
    def est_lu(self):
        return self.lu_le is not None

    @property
    def nom_piece_jointe(self):
        """Le nom du fichier joint, sans son dossier de rangement."""
        return PurePosixPath(self.piece_jointe.name).name if self.piece_jointe else ""


class Document(models.Model):
    """Ce que le service publie dans « Infos./Documents » : une information ou un formulaire."""

    class Genre(models.TextChoices):
        INFORMATION = "information", "Information"
        FORMULAIRE = "formulaire", "Formulaire"

    genre = models.CharField("genre", max_length=12, choices=Genre, default=Genre.INFORMATION)
    titre = models.CharField("titre", max_length=200)
    texte = models.TextField("texte", blank=True)
    lien = models.URLField("lien", blank=True)
    fichier = models.FileField("fichier", upload_to="documents/", blank=True, max_length=200)
    publie = models.BooleanField("publié", default=False)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    date_publication = models.DateTimeField("publié le", default=timezone.now)

    class Meta:
        verbose_name = "information ou document"
        verbose_name_plural = "infos et documents"
        ordering = ["genre", "ordre", "-date_publication"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(genre="formulaire") | ~Q(fichier=""),
                name="document_formulaire_a_un_fichier",
            ),
        ]

    def __str__(self):
        return self.titre

    @property
    def nom_fichier(self):
        """Le nom du fichier, sans son dossier de rangement."""
        return PurePosixPath(self.fichier.name).name if self.fichier else ""

    @property
    def format_fichier(self):
        """« PDF », « DOCX »… : ce que le parent va télécharger."""
        return PurePosixPath(self.fichier.name).suffix.lstrip(".").upper() if self.fichier else ""


class CreationDeCompte(models.Model):
    """Une famille qui crée son compte sur le portail, en attendant qu'elle confirme son adresse
    électronique par le lien reçu (familles/comptes.py). Rien d'autre n'existe avant : ni
    famille, ni compte de connexion. Le mot de passe n'est gardé que chiffré (son empreinte)."""

    email = models.EmailField("adresse électronique")
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    date_naissance = models.DateField("date de naissance")
    mot_de_passe = models.CharField("empreinte du mot de passe", max_length=128)
    demande_le = models.DateTimeField("demandée le", default=timezone.now)
    confirmee_le = models.DateTimeField("confirmée le", null=True, blank=True)
    famille = models.ForeignKey(
        Famille,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="famille créée",
    )

    class Meta:
        verbose_name = "création de compte"
        verbose_name_plural = "créations de compte"
        ordering = ["-demande_le"]

    def __str__(self):
        return f"{self.nom} {self.prenom} <{self.email}>"
