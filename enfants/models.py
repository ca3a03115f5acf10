import datetime
import re
import secrets
import unicodedata

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commun.historique import GestionnaireHistorique
from familles.models import Famille, Responsable

jours_validator = RegexValidator(
    r"^1?2?3?4?5?6?7?$",
    "Indiquez les jours par leur numéro, dans l'ordre : 1 = lundi … 7 = dimanche (ex. « 1245 »).",
)


class Jour(models.IntegerChoices):
    LUNDI = 1, "lundi"
    MARDI = 2, "mardi"
    MERCREDI = 3, "mercredi"
    JEUDI = 4, "jeudi"
    VENDREDI = 5, "vendredi"
    SAMEDI = 6, "samedi"
    DIMANCHE = 7, "dimanche"


class Enfant(models.Model):
    class Sexe(models.TextChoices):
        FILLE = "F", "Fille"
        GARCON = "M", "Garçon"

    famille = models.ForeignKey(
        Famille, on_delete=models.CASCADE, related_name="enfants", verbose_name="famille"
    )
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    sexe = models.CharField("sexe", max_length=1, choices=Sexe, blank=True)
    date_naissance = models.DateField("date de naissance")
    lieu_naissance = models.CharField("lieu de naissance", max_length=100, blank=True)
    ecole = models.CharField("école", max_length=100, blank=True)
    classe = models.CharField("classe", max_length=30, blank=True)
    porte_lunettes = models.BooleanField("porte des lunettes", default=False)
    # Autorisations
    autorisation_photo = models.BooleanField("autorisation photos", default=False)
    autorisation_sortie_seul = models.BooleanField("autorisé à partir seul", default=False)
    autorisation_transport = models.BooleanField("autorisation transport", default=False)
    autorisation_soins = models.BooleanField(
        "autorisation soins et hospitalisation d'urgence", default=False
    )
    date_creation = models.DateTimeField("créé le", default=timezone.now, editable=False)
    # Le lien privé de l'agenda (iCalendar) des journées réservées ; le changer le révoque.
    jeton_calendrier = models.UUIDField(
        "jeton de l'agenda", null=True, blank=True, unique=True, editable=False
    )

    history = HistoricalRecords(history_manager=GestionnaireHistorique)

    class Meta:
        verbose_name = "enfant"
        verbose_name_plural = "enfants"
        ordering = ["famille", "date_naissance", "prenom"]

    def __str__(self):
        return f"{self.prenom} {self.nom}"


class FicheSanitaire(models.Model):
    """Les données de santé d'un enfant (RGPD art. 9) : réservées aux agents habilités."""

    class Regime(models.TextChoices):
        AUCUN = "aucun", "Aucun régime particulier"
        SANS_PORC = "sans_porc", "Sans porc"
        SANS_VIANDE = "sans_viande", "Sans viande"
        VEGETARIEN = "vegetarien", "Végétarien"
        SANS_GLUTEN = "sans_gluten", "Sans gluten"
        AUTRE = "autre", "Autre (préciser)"

    enfant = models.OneToOneField(
        Enfant, on_delete=models.CASCADE, related_name="fiche_sanitaire", verbose_name="enfant"
    )
    medecin_nom = models.CharField("médecin traitant", max_length=100, blank=True)
    medecin_telephone = models.CharField("téléphone du médecin", max_length=20, blank=True)
    allergies = models.TextField("allergies", blank=True)
    maladies = models.TextField("maladies", blank=True)
    regime_alimentaire = models.CharField(
        "régime alimentaire", max_length=12, choices=Regime, default=Regime.AUCUN
    )
    regime_precisions = models.CharField("précisions sur le régime", max_length=200, blank=True)
    pai = models.BooleanField("PAI (projet d'accueil individualisé)", default=False)
    pai_details = models.TextField("détails du PAI", blank=True)
    observations = models.TextField("observations", blank=True)

    history = HistoricalRecords(history_manager=GestionnaireHistorique)

    class Meta:
        verbose_name = "fiche sanitaire"
        verbose_name_plural = "fiches sanitaires"
        permissions = [
            ("voir_donnees_sanitaires", "Peut voir et décider les données sanitaires"),
        ]

    def __str__(self):
        return f"Fiche sanitaire de {self.enfant}"


class Vaccination(models.Model):
    enfant = models.ForeignKey(
        Enfant, on_delete=models.CASCADE, related_name="vaccinations", verbose_name="enfant"
    )
    vaccin = models.CharField("vaccin", max_length=100)
    date = models.DateField("date")

    history = HistoricalRecords(history_manager=GestionnaireHistorique)

    class Meta:
        verbose_name = "vaccination"
        verbose_name_plural = "vaccinations"
        ordering = ["enfant", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["enfant", "vaccin", "date"], name="vaccination_unique_par_date"
            ),
        ]

    def __str__(self):
        return f"{self.vaccin} ({self.date:%d/%m/%Y})"


class PersonneAutorisee(models.Model):
    """Une personne autorisée à venir chercher l'enfant."""

    enfant = models.ForeignKey(
        Enfant,
        on_delete=models.CASCADE,
        related_name="personnes_autorisees",
        verbose_name="enfant",
    )
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    lien = models.CharField("lien avec l'enfant", max_length=100)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    telephone_mobile = models.CharField("mobile", max_length=20, blank=True)

    history = HistoricalRecords(history_manager=GestionnaireHistorique)

    class Meta:
        verbose_name = "personne autorisée"
        verbose_name_plural = "personnes autorisées"
        ordering = ["enfant", "nom", "prenom"]

    def __str__(self):
        return f"{self.prenom} {self.nom} ({self.lien})"


class Structure(models.Model):
    """Un lieu d'accueil : « Accueil de Loisirs », « Garderie périscolaire »."""

    nom = models.CharField("nom", max_length=100, unique=True)
    adresse = models.CharField("adresse", max_length=200, blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["ordre", "nom"]

    def __str__(self):
        return self.nom


class Prestation(models.Model):
    """Une unité réservable d'une structure : « ALSH Mercredi après-midi »."""

    class Periode(models.TextChoices):
        SCOLAIRE = "scolaire", "Semaines d'école"
        VACANCES = "vacances", "Vacances scolaires"
        TOUTES = "toutes", "Toute l'année"

    class Horizon(models.TextChoices):
        """Jusqu'où les familles réservent à l'avance, hors des jours d'une campagne."""

        ANNEE_SUIVANTE = "annee_suivante", "L'année scolaire en cours et la suivante"
        ANNEE_EN_COURS = "annee_en_cours", "L'année scolaire en cours"
        JOURS = "jours", "Un nombre de jours à l'avance"

    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="prestations", verbose_name="structure"
    )
    nom = models.CharField("nom", max_length=100)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    active = models.BooleanField("active", default=True)
    jours_ouverture = models.CharField(
        "jours d'ouverture",
        max_length=7,
        default="12345",
        validators=[jours_validator],
        help_text="1 = lundi … 7 = dimanche ; par exemple « 3 » pour le mercredi seul.",
    )
    periode = models.CharField(
        "fonctionne pendant", max_length=10, choices=Periode, default=Periode.SCOLAIRE
    )
    # Délais : « N jours avant à HH:MM », ou « le <jour> de la semaine précédente à HH:MM ».
    reservation_delai_jours = models.PositiveSmallIntegerField(
        "réservation : jours avant", default=2
    )
    reservation_jour_semaine = models.PositiveSmallIntegerField(
        "réservation : ou bien le jour de la semaine précédente",
        choices=Jour,
        null=True,
        blank=True,
        help_text="Par exemple « jeudi » : réservable jusqu'au jeudi précédent à l'heure dite.",
    )
    reservation_heure_limite = models.TimeField(
        "réservation : heure limite", default=datetime.time(12, 0)
    )
    annulation_delai_jours = models.PositiveSmallIntegerField("annulation : jours avant", default=2)
    annulation_jour_semaine = models.PositiveSmallIntegerField(
        "annulation : ou bien le jour de la semaine précédente",
        choices=Jour,
        null=True,
        blank=True,
    )
    annulation_heure_limite = models.TimeField(
        "annulation : heure limite", default=datetime.time(12, 0)
    )
    places = models.PositiveIntegerField(
        "places par jour", null=True, blank=True, help_text="Vide : sans limite."
    )
    validation_automatique = models.BooleanField(
        "acceptée sans attendre le service",
        default=True,
        help_text="Une demande conforme aux règles est acceptée aussitôt ; sinon elle attend.",
    )
    horizon_reservation = models.CharField(
        "réservations ouvertes sur",
        max_length=14,
        choices=Horizon,
        default=Horizon.ANNEE_SUIVANTE,
        help_text="Jusqu'où les familles peuvent réserver à l'avance (une année scolaire "
        "finit le 31 août). Les jours d'une campagne de réservation de la prestation suivent "
        "la campagne, même au-delà.",
    )
    horizon_jours = models.PositiveSmallIntegerField(
        "nombre de jours à l'avance",
        null=True,
        blank=True,
        help_text="Seulement pour « Un nombre de jours à l'avance » : par exemple 60 pour "
        "réserver jusqu'à 60 jours après aujourd'hui.",
    )

    frais_de_garde = models.BooleanField(
        "compte pour l'attestation fiscale (frais de garde)",
        default=True,
        help_text="Ce que la famille paie pour cette prestation est un frais de garde d'enfant "
        "de moins de 6 ans, déclaré aux impôts (case 7GA à 7GG). Décochez-la pour la "
        "restauration scolaire : un repas n'est pas un frais de garde.",
    )

    class Meta:
        verbose_name = "prestation"
        verbose_name_plural = "prestations"
        ordering = ["structure__ordre", "structure__nom", "ordre", "nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "nom"], name="prestation_nom_unique_par_structure"
            ),
            models.CheckConstraint(
                condition=~Q(horizon_reservation="jours") | Q(horizon_jours__isnull=False),
                name="prestation_horizon_en_jours_avec_un_nombre",
                violation_error_message="Indiquez le nombre de jours à l'avance.",
            ),
        ]

    def __str__(self):
        return f"{self.structure.nom} {self.nom}"

    @property
    def jours_ouverture_isoweekday(self):
        return {int(c) for c in self.jours_ouverture}


class Inscription(models.Model):
    """Un enfant inscrit à une prestation pour une période : une ligne du planning."""

    enfant = models.ForeignKey(
        Enfant, on_delete=models.CASCADE, related_name="inscriptions", verbose_name="enfant"
    )
    prestation = models.ForeignKey(
        Prestation,
        on_delete=models.PROTECT,
        related_name="inscriptions",
        verbose_name="prestation",
    )
    responsable = models.ForeignKey(
        Responsable,
        on_delete=models.PROTECT,
        related_name="inscriptions",
        verbose_name="responsable",
    )
    date_debut = models.DateField("du")
    date_fin = models.DateField("au", null=True, blank=True)
    jours_reguliers = models.CharField(
        "jours réguliers",
        max_length=7,
        blank=True,
        validators=[jours_validator],
        help_text="Accueil régulier : 1 = lundi … 7 = dimanche. Vide : à la demande.",
    )

    class Meta:
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        ordering = ["enfant", "prestation__structure__ordre", "prestation__ordre"]
        constraints = [
            models.UniqueConstraint(
                fields=["enfant", "prestation", "date_debut"],
                name="inscription_unique_par_debut",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="inscription_fin_apres_debut",
            ),
        ]

    def __str__(self):
        return f"{self.enfant} — {self.prestation}"

    def couvre(self, jour):
        return self.date_debut <= jour and (self.date_fin is None or jour <= self.date_fin)

    def est_jour_regulier(self, jour):
        """Un jour d'accueil « Régulier » de l'inscription : l'enfant y a sa place sans l'avoir
        réservée, même quand aucune Journée n'est encore enregistrée."""
        return self.couvre(jour) and str(jour.isoweekday()) in self.jours_reguliers


class Journee(models.Model):
    """L'état d'un enfant, un jour, pour une prestation : une case du planning.

    Les marques du calendrier (P petites vacances, G grandes vacances, F jour férié) ne sont
    pas enregistrées ici : elles viennent du calendrier et des fermetures.
    """

    class Etat(models.TextChoices):
        RESERVE = "reserve", "Réservé"
        PRESENT = "present", "Présent"
        ERREUR = "erreur", "Erreur"
        CONGE = "conge", "Congé"
        HORS_CONTRAT = "hors_contrat", "Heure hors contrat"
        REGULIER = "regulier", "Régulier"
        FERMETURE = "fermeture", "Fermeture"
        ABSENT_FACTURE = "absent_facture", "Absent facturé"
        DEMANDE_EN_ATTENTE = "demande_attente", "Demande en attente"
        ABSENT_EXCUSE = "absent_excuse", "Absent excusé"
        RESERVATION_EN_ATTENTE = "reservation_attente", "Réservation en cours de traitement"
        RESERVATION_REFUSEE = "reservation_refusee", "Réservation refusée"
        ABSENCE_EN_ATTENTE = "absence_attente", "Absence en cours de traitement"
        LISTE_ATTENTE = "liste_attente", "En liste d'attente"
        # Une demande faite pendant une campagne à attribution équitable : elle attend la
        # clôture, où les places sont attribuées en une fois (enfants/campagnes.py).
        VOEU = "voeu", "Demande enregistrée (attribution à la clôture)"

    ETATS_FACTURES = (Etat.RESERVE, Etat.REGULIER, Etat.PRESENT, Etat.ABSENT_FACTURE)
    ETATS_OCCUPANT_UNE_PLACE = (
        Etat.RESERVE,
        Etat.REGULIER,
        Etat.PRESENT,
        Etat.ABSENT_FACTURE,
        Etat.ABSENCE_EN_ATTENTE,
        Etat.HORS_CONTRAT,
        # Une réservation que le service n'a pas encore décidée garde sa place.
        Etat.RESERVATION_EN_ATTENTE,
    )

    enfant = models.ForeignKey(
        Enfant, on_delete=models.CASCADE, related_name="journees", verbose_name="enfant"
    )
    prestation = models.ForeignKey(
        Prestation, on_delete=models.PROTECT, related_name="journees", verbose_name="prestation"
    )
    date = models.DateField("date")
    etat = models.CharField("état", max_length=20, choices=Etat)
    reservee = models.BooleanField(
        "réservée à l'avance",
        default=False,
        help_text="Présent sur une journée réservée (✓) ou sans réservation.",
    )
    motif = models.CharField("motif", max_length=200, blank=True)
    # L'instant de la demande : le rang dans la liste d'attente quand le jour est complet.
    demandee_le = models.DateTimeField("demandée le", null=True, blank=True)
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)
    modifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifiée par",
    )

    history = HistoricalRecords(history_manager=GestionnaireHistorique)

    class Meta:
        verbose_name = "journée"
        verbose_name_plural = "journées"
        ordering = ["date", "prestation"]
        constraints = [
            models.UniqueConstraint(
                fields=["enfant", "prestation", "date"], name="journee_unique_par_jour"
            ),
        ]
        indexes = [models.Index(fields=["prestation", "date", "etat"], name="journee_places")]

    def __str__(self):
        return (
            f"{self.enfant} — {self.prestation} — {self.date:%d/%m/%Y} : {self.get_etat_display()}"
        )


class Fermeture(models.Model):
    """Des dates où une structure, une prestation, ou tout le service est fermé."""

    structure = models.ForeignKey(
        Structure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fermetures",
        verbose_name="structure",
        help_text="Vide (et prestation vide) : tout le service est fermé.",
    )
    prestation = models.ForeignKey(
        Prestation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fermetures",
        verbose_name="prestation",
    )
    date_debut = models.DateField("du")
    date_fin = models.DateField("au")
    motif = models.CharField("motif", max_length=200, blank=True)

    class Meta:
        verbose_name = "fermeture"
        verbose_name_plural = "fermetures"
        ordering = ["-date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__gte=F("date_debut")), name="fermeture_fin_apres_debut"
            ),
        ]

    def __str__(self):
        cible = self.prestation or self.structure or "Tout le service"
        return f"{cible} : {self.date_debut:%d/%m/%Y} – {self.date_fin:%d/%m/%Y}"


def graine_au_hasard():
    return secrets.randbelow(1_000_000_000)


class Campagne(models.Model):
    """Une campagne de réservation : la fenêtre pendant laquelle les familles demandent les
    jours d'une période (« Vacances d'hiver 2027 ») pour certaines prestations.

    En « premier arrivé, premier servi », chaque demande est décidée aussitôt contre les places.
    En « attribution équitable », les familles demandent sans course pendant la fenêtre ; à la
    clôture, `manage.py allouer_campagne` attribue les places en une fois selon les priorités
    cochées, les ex æquo départagés par un tirage au sort rejouable (la graine).
    """

    class Mode(models.TextChoices):
        PREMIER_ARRIVE = "premier", "Premier arrivé, premier servi"
        ATTRIBUTION = "attribution", "Attribution équitable à la clôture"

    nom = models.CharField(
        "nom", max_length=100, help_text="Par exemple « Vacances d'hiver 2027 »."
    )
    prestations = models.ManyToManyField(
        Prestation, related_name="campagnes", verbose_name="prestations"
    )
    date_debut = models.DateField("jours du")
    date_fin = models.DateField("au")
    mode = models.CharField("mode", max_length=12, choices=Mode, default=Mode.PREMIER_ARRIVE)
    ouverture = models.DateTimeField("ouverture des demandes")
    ouverture_residents = models.DateTimeField(
        "ouverture pour les familles de la collectivité",
        null=True,
        blank=True,
        help_text="Plus tôt que l'ouverture, pour les familles qui habitent l'une des communes "
        "ci-dessous. Vide : la même ouverture pour toutes.",
    )
    communes_residentes = models.TextField(
        "communes de la collectivité",
        blank=True,
        help_text="Une commune par ligne (nom ou code postal), comparée à l'adresse du "
        "responsable titulaire de la famille.",
    )
    cloture = models.DateTimeField("clôture des demandes")
    annulation_delai_jours = models.PositiveSmallIntegerField(
        "annulation : jours avant",
        null=True,
        blank=True,
        help_text="Pour les jours de la campagne, remplace le délai d'annulation des "
        "prestations. Vide : celui de chaque prestation.",
    )
    annulation_heure_limite = models.TimeField(
        "annulation : heure limite", default=datetime.time(12, 0)
    )
    priorite_parents_travaillant = models.BooleanField(
        "priorité : les deux parents, ou le parent isolé, travaillent", default=False
    )
    priorite_residents = models.BooleanField(
        "priorité : familles de la collectivité", default=False
    )
    fratries_ensemble = models.BooleanField(
        "frères et sœurs ensemble",
        default=True,
        help_text="Les enfants d'une famille demandés le même jour ont tous une place, ou "
        "vont tous en liste d'attente.",
    )
    graine = models.PositiveIntegerField(
        "graine du tirage au sort",
        default=graine_au_hasard,
        help_text="Départage les ex æquo ; la même graine redonne le même tirage.",
    )
    attribuee_le = models.DateTimeField("places attribuées le", null=True, blank=True)

    class Meta:
        verbose_name = "campagne de réservation"
        verbose_name_plural = "campagnes de réservation"
        ordering = ["-date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__gte=F("date_debut")),
                name="campagne_fin_apres_debut",
                violation_error_message="Le dernier jour de la campagne précède le premier.",
            ),
            models.CheckConstraint(
                condition=Q(cloture__gt=F("ouverture")),
                name="campagne_cloture_apres_ouverture",
                violation_error_message="La clôture des demandes doit suivre leur ouverture.",
            ),
            models.CheckConstraint(
                condition=Q(ouverture_residents__isnull=True)
                | Q(ouverture_residents__lte=F("ouverture")),
                name="campagne_residents_avant_les_autres",
                violation_error_message="L'ouverture pour les familles de la collectivité "
                "ne peut pas venir après l'ouverture pour toutes.",
            ),
        ]

    def __str__(self):
        return self.nom

    def couvre(self, jour):
        return self.date_debut <= jour <= self.date_fin

    @property
    def attribution(self):
        return self.mode == self.Mode.ATTRIBUTION

    def ouverture_pour(self, resident):
        """L'ouverture des demandes pour une famille de la collectivité ou non."""
        if resident and self.ouverture_residents is not None:
            return self.ouverture_residents
        return self.ouverture

    def communes(self):
        """Les communes de la collectivité, écrites pour la comparaison."""
        return {normaliser_commune(ligne) for ligne in self.communes_residentes.splitlines()} - {""}

    def famille_residente(self, titulaire):
        """La famille habite-t-elle l'une des communes (l'adresse du titulaire) ?"""
        if titulaire is None:
            return False
        communes = self.communes()
        return bool(
            communes
            & {normaliser_commune(titulaire.ville), normaliser_commune(titulaire.code_postal)}
            - {""}
        )


def normaliser_commune(nom):
    """« Champagny-en-Vanoise » et « CHAMPAGNY EN VANOISE » s'écrivent pareil."""
    sans_accents = unicodedata.normalize("NFKD", nom or "").encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[-'’]", " ", sans_accents).casefold().split())


class ResultatAttribution(models.Model):
    """Ce que l'attribution d'une campagne a donné à une famille, et pourquoi : son rang au
    tirage, ses priorités, chaque jour demandé et son issue."""

    campagne = models.ForeignKey(
        Campagne, on_delete=models.CASCADE, related_name="resultats", verbose_name="campagne"
    )
    famille = models.ForeignKey(
        Famille, on_delete=models.CASCADE, related_name="+", verbose_name="famille"
    )
    rang = models.PositiveIntegerField("rang d'attribution")
    rang_tirage = models.PositiveIntegerField("rang au tirage au sort")
    priorites = models.JSONField("priorités", default=list, blank=True)
    jours_accordes = models.PositiveIntegerField("jours accordés", default=0)
    jours_en_attente = models.PositiveIntegerField("jours en liste d'attente", default=0)
    detail = models.JSONField("détail", default=list, blank=True)

    class Meta:
        verbose_name = "résultat d'attribution"
        verbose_name_plural = "résultats d'attribution"
        ordering = ["campagne", "rang"]
        constraints = [
            models.UniqueConstraint(
                fields=["campagne", "famille"], name="resultat_un_par_famille_et_campagne"
            ),
        ]

    def __str__(self):
        return f"{self.campagne} — {self.famille} : rang {self.rang}"
