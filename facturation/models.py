import calendar
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commun.historique import GestionnaireHistorique
from enfants.models import Enfant, Prestation
from enfants.regles import MOIS
from familles.models import Famille

ZERO = Decimal("0.00")
PARIS = ZoneInfo("Europe/Paris")


def montant_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=2, **kwargs)


class Regie(models.Model):
    """Une régie de recettes, qui numérote ses factures et ses règlements : « AL-36 ».

    Son mode de facturation dit quand un mois se facture : à terme échu (par défaut), une fois
    terminé, d'après ce qui a eu lieu ; à échoir, d'avance (au plus tard le mois suivant),
    d'après les réservations, un jour annulé ou excusé ensuite étant crédité par un avoir
    (services.crediter_jour).
    """

    class ModeFacturation(models.TextChoices):
        TERME_ECHU = "terme_echu", "À terme échu (un mois se facture une fois terminé)"
        A_ECHOIR = "a_echoir", "À échoir (un mois se facture d'avance)"

    nom = models.CharField("nom", max_length=100, unique=True)
    prefixe = models.CharField(
        "préfixe des numéros",
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9]+$", "Lettres majuscules et chiffres seulement.")],
    )
    delai_paiement_jours = models.PositiveSmallIntegerField(
        "délai de paiement (jours)",
        default=22,
        help_text="Jours entre la date de la facture et sa date d'échéance.",
    )
    mode_facturation = models.CharField(
        "mode de facturation",
        max_length=10,
        choices=ModeFacturation,
        default=ModeFacturation.TERME_ECHU,
        help_text=(
            "À terme échu, un mois se facture une fois terminé. À échoir, il se facture "
            "d'avance, au plus tard le mois suivant ; un jour facturé puis annulé ou excusé "
            "est crédité par un avoir."
        ),
    )
    payfip_numcli = models.CharField(
        "numéro client PayFiP", max_length=6, blank=True, help_text="Fourni par la DGFiP."
    )
    jour_transmission_impayes = models.PositiveSmallIntegerField(
        "jour de transmission des impayés",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=(
            "Le jour du mois où les factures impayées échues sont transmises d'elles-mêmes au "
            "Trésor public (le dernier jour d'un mois plus court). Vide : la régie les "
            "transmet elle-même."
        ),
    )
    dernier_numero_facture = models.PositiveIntegerField(
        "dernier numéro de facture", default=0, editable=False
    )
    dernier_numero_reglement = models.PositiveIntegerField(
        "dernier numéro de règlement", default=0, editable=False
    )

    class Meta:
        verbose_name = "régie"
        verbose_name_plural = "régies"
        ordering = ["nom"]

    def __str__(self):
        return self.nom

    def transmet_les_impayes_le(self, jour):
        """Vrai si `jour` est le jour du mois où la régie transmet ses impayés (son
        jour_transmission_impayes, ou le dernier du mois quand le mois est plus court)."""
        if not self.jour_transmission_impayes:
            return False
        dernier = calendar.monthrange(jour.year, jour.month)[1]
        return jour.day == min(self.jour_transmission_impayes, dernier)

    def raison_de_ne_pas_facturer(self, debut, fin, aujourdhui):
        """Pourquoi la période du `debut` à la `fin` ne se facture pas encore le jour
        `aujourdhui` (un texte pour l'agent), ou "".

        À terme échu, une période se facture une fois terminée (sa fin passée). À échoir, elle
        se facture d'avance, mais pas au-delà du mois qui suit celui d'`aujourdhui`.
        """
        if self.mode_facturation == self.ModeFacturation.A_ECHOIR:
            limite = _fin_du_mois(_premier_du_mois_suivant(aujourdhui))
            if fin <= limite:
                return ""
            des_le = _premier_du_mois_precedent(fin)
            return (
                f"{self.nom} : {_la_periode(debut, fin)} est trop loin pour être "
                f"facturé{_e(debut, fin)} : à échoir, on facture au plus tard le mois suivant "
                f"({_mois_en_clair(limite)}) ; {_il(debut, fin)} se facture à partir du "
                f"{des_le:%d/%m/%Y}."
            )
        if fin < aujourdhui:
            return ""
        lendemain = fin + datetime.timedelta(days=1)
        return (
            f"{self.nom} : {_la_periode(debut, fin)} n'est pas terminé{_e(debut, fin)} : en "
            f"terme échu, {_il(debut, fin)} se facture à partir du {lendemain:%d/%m/%Y}."
        )


def _mois_en_clair(jour):
    return f"{MOIS[jour.month - 1]} {jour.year}"


def _premier_du_mois_suivant(jour):
    return (jour.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _premier_du_mois_precedent(jour):
    return (jour.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _fin_du_mois(jour):
    return _premier_du_mois_suivant(jour) - datetime.timedelta(days=1)


def _est_un_mois(debut, fin):
    return debut.day == 1 and fin == _fin_du_mois(debut)


def _la_periode(debut, fin):
    """« Le mois de décembre 2026 », ou « La période du 01/12/2026 au 15/12/2026 »."""
    if _est_un_mois(debut, fin):
        return f"Le mois de {_mois_en_clair(debut)}"
    return f"La période du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}"


def _e(debut, fin):
    return "" if _est_un_mois(debut, fin) else "e"


def _il(debut, fin):
    return "il" if _est_un_mois(debut, fin) else "elle"


class Tarif(models.Model):
    """Le prix d'une prestation, et la régie qui l'encaisse, à partir d'une date."""

    class Mode(models.TextChoices):
        FORFAIT = "forfait", "Prix unique"
        QUOTIENT = "quotient", "Selon le quotient familial"

    prestation = models.ForeignKey(
        Prestation, on_delete=models.CASCADE, related_name="tarifs", verbose_name="prestation"
    )
    regie = models.ForeignKey(
        Regie, on_delete=models.PROTECT, related_name="tarifs", verbose_name="régie"
    )
    mode = models.CharField("mode", max_length=10, choices=Mode, default=Mode.FORFAIT)
    prix_unitaire = montant_field(
        "prix unitaire",
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text="Prix unique, ou prix appliqué quand aucune tranche ne convient.",
    )
    date_debut = models.DateField("applicable à partir du")

    class Meta:
        verbose_name = "tarif"
        verbose_name_plural = "tarifs"
        ordering = ["prestation", "-date_debut"]
        constraints = [
            models.UniqueConstraint(
                fields=["prestation", "date_debut"], name="tarif_unique_par_date"
            ),
            models.CheckConstraint(condition=Q(prix_unitaire__gte=0), name="tarif_prix_positif"),
        ]

    def __str__(self):
        return f"{self.prestation} à partir du {self.date_debut:%d/%m/%Y}"


class TrancheQuotient(models.Model):
    """Une tranche de quotient familial d'un tarif : de qf_min à qf_max inclus."""

    tarif = models.ForeignKey(
        Tarif, on_delete=models.CASCADE, related_name="tranches", verbose_name="tarif"
    )
    qf_min = models.PositiveIntegerField("QF de")
    qf_max = models.PositiveIntegerField("QF à", null=True, blank=True, help_text="Vide : et plus.")
    prix_unitaire = montant_field("prix unitaire", validators=[MinValueValidator(ZERO)])

    class Meta:
        verbose_name = "tranche de quotient familial"
        verbose_name_plural = "tranches de quotient familial"
        ordering = ["tarif", "qf_min"]
        constraints = [
            models.CheckConstraint(
                condition=Q(qf_max__isnull=True) | Q(qf_max__gte=F("qf_min")),
                name="tranche_max_apres_min",
            ),
            models.CheckConstraint(condition=Q(prix_unitaire__gte=0), name="tranche_prix_positif"),
        ]

    def __str__(self):
        fin = f"à {self.qf_max}" if self.qf_max is not None else "et plus"
        return f"QF {self.qf_min} {fin}"


class FactureImmuable(Exception):
    """Une facture émise (ou une de ses lignes) ne se modifie ni ne se supprime."""


# Les seuls champs qu'on renseigne après l'émission : le PDF archivé et son empreinte,
# produits une fois dans la transaction qui émet la facture (facturation.pdf).
CHAMPS_DU_PDF = frozenset({"pdf", "pdf_sha256"})


class FactureQuerySet(models.QuerySet):
    def avec_reste_a_payer(self):
        """Annote `montant_regle` (somme des affectations), `montant_avoirs` (ce que les
        avoirs de la facture en retirent, positif) et `reste_a_payer`."""
        regle = (
            Affectation.objects.filter(facture=OuterRef("pk"))
            .values("facture")
            .annotate(total=Sum("montant"))
            .values("total")
        )
        avoirs = (
            Facture.objects.filter(facture_corrigee=OuterRef("pk"))
            .values("facture_corrigee")
            .annotate(total=Sum("montant"))
            .values("total")
        )
        montant = models.DecimalField(max_digits=10, decimal_places=2)
        return self.annotate(
            montant_regle=Coalesce(
                Subquery(regle, output_field=montant), Value(ZERO), output_field=montant
            ),
            montant_avoirs=-Coalesce(
                Subquery(avoirs, output_field=montant), Value(ZERO), output_field=montant
            ),
        ).annotate(
            reste_a_payer=models.ExpressionWrapper(
                F("montant") - F("montant_regle") - F("montant_avoirs"), output_field=montant
            )
        )

    def impayees(self):
        """Les factures dont il reste quelque chose à payer."""
        return self.avec_reste_a_payer().filter(genre=Facture.Genre.FACTURE, reste_a_payer__gt=0)


class Facture(models.Model):
    """Une facture (ou un avoir) d'une famille auprès d'une régie, pour une période."""

    class Genre(models.TextChoices):
        FACTURE = "facture", "Facture"
        AVOIR = "avoir", "Avoir"

    regie = models.ForeignKey(
        Regie, on_delete=models.PROTECT, related_name="factures", verbose_name="régie"
    )
    famille = models.ForeignKey(
        Famille, on_delete=models.PROTECT, related_name="factures", verbose_name="famille"
    )
    genre = models.CharField("genre", max_length=7, choices=Genre, default=Genre.FACTURE)
    facture_corrigee = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="avoirs",
        verbose_name="facture corrigée",
    )
    rang = models.PositiveIntegerField("rang dans la régie")
    numero = models.CharField("N° facture", max_length=20, unique=True)
    date_facture = models.DateField("date facture")
    date_echeance = models.DateField("date d'échéance")
    periode_debut = models.DateField("période du")
    periode_fin = models.DateField("période au")
    montant = montant_field("montant")
    pdf = models.FileField("PDF", upload_to="factures/%Y/", blank=True, max_length=200)
    pdf_sha256 = models.CharField("empreinte SHA-256 du PDF", max_length=64, blank=True)
    date_creation = models.DateTimeField("émise le", default=timezone.now, editable=False)
    # La facturation en travail de fond (facturation/taches.py) : le travail qui l'a émise, et
    # le moment où elle a été annoncée à la famille, marqué dans la transaction qui met le
    # courriel dans la file d'envoi (une reprise du travail ne l'annonce pas deux fois).
    travail = models.ForeignKey(
        "travaux.Travail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="factures",
        verbose_name="émise par le travail",
        editable=False,
    )
    annoncee_le = models.DateTimeField("annoncée le", null=True, blank=True, editable=False)

    objects = FactureQuerySet.as_manager()

    class Meta:
        verbose_name = "facture"
        verbose_name_plural = "factures"
        ordering = ["-date_facture", "-rang"]
        constraints = [
            models.UniqueConstraint(fields=["regie", "rang"], name="facture_rang_unique_par_regie"),
            models.CheckConstraint(
                condition=Q(periode_fin__gte=F("periode_debut")),
                name="facture_periode_ordonnee",
            ),
            models.CheckConstraint(
                condition=Q(date_echeance__gte=F("date_facture")),
                name="facture_echeance_apres_date",
            ),
            # Une facture n'est jamais due avant la fin de la période qu'elle facture
            # (services.date_echeance) ; un avoir, qui ne se paie pas, n'a pas cette règle.
            models.CheckConstraint(
                condition=Q(genre="avoir") | Q(date_echeance__gte=F("periode_fin")),
                name="facture_echeance_apres_periode",
            ),
            models.CheckConstraint(
                condition=Q(genre="facture", montant__gte=0, facture_corrigee__isnull=True)
                | Q(genre="avoir", montant__lte=0, facture_corrigee__isnull=False),
                name="facture_signe_selon_genre",
            ),
        ]
        indexes = [models.Index(fields=["famille", "date_facture"], name="facture_famille")]

    def __str__(self):
        return self.numero

    def save(self, *args, **kwargs):
        # Exception à « pas de logique dans save() » : l'immuabilité d'une pièce comptable
        # émise est un invariant, pas une règle métier ; elle tient quel que soit l'appelant
        # (admin, shell, script). Une correction passe par un avoir (services.emettre_avoir).
        if not self._state.adding:
            champs = kwargs.get("update_fields")
            if champs is None or not set(champs) <= CHAMPS_DU_PDF:
                raise FactureImmuable(
                    f"La facture {self.numero} est émise : elle ne se modifie plus. "
                    "Émettez un avoir pour la corriger."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FactureImmuable(f"La facture {self.numero} est émise : elle ne se supprime pas.")

    def fin_du_paiement_en_ligne(self):
        """L'instant où le paiement en ligne se ferme : le lendemain de l'échéance à 0 h, heure
        de Paris (l'échéance compte jusqu'à 23 h 59 ce jour-là)."""
        lendemain = self.date_echeance + datetime.timedelta(days=1)
        return datetime.datetime.combine(lendemain, datetime.time.min, tzinfo=PARIS)

    def raison_de_ne_pas_payer_en_ligne(self, maintenant, *, reste_a_payer):
        """Pourquoi cette facture ne se paie pas en ligne (un texte pour le parent), ou ""."""
        if self.genre != self.Genre.FACTURE:
            return "Un avoir ne se paie pas."
        if reste_a_payer <= 0:
            return f"La facture {self.numero} est déjà réglée : il n'y a rien à payer."
        if self.famille.prelevement_automatique:
            return (
                f"La facture {self.numero} sera réglée par prélèvement automatique : "
                "il n'y a rien à payer en ligne."
            )
        if maintenant >= self.fin_du_paiement_en_ligne():
            return (
                f"La date limite de paiement de la facture {self.numero} "
                f"({self.date_echeance:%d/%m/%Y}) est passée : elle ne se paie plus en ligne. "
                "La facture est transmise au Trésor public et son recouvrement ne relève plus "
                "de la régie de recettes. Rapprochez-vous de la "
                f"{settings.COLLECTIVITE['tresorerie']}."
            )
        if reste_a_payer < settings.PAYFIP_MONTANT_MINIMUM:
            minimum = f"{settings.PAYFIP_MONTANT_MINIMUM:.2f}".replace(".", ",")
            return (
                f"Le paiement en ligne n'accepte pas un montant inférieur à {minimum} € : "
                "réglez cette facture auprès de la régie."
            )
        return ""

    @property
    def description(self):
        """« Facture : 01/04/2015 - 30/04/2015 », comme le relevé de compte du portail d'origine."""
        genre = self.get_genre_display()
        return f"{genre} : {self.periode_debut:%d/%m/%Y} - {self.periode_fin:%d/%m/%Y}"


class RappelEcheance(models.Model):
    """Le rappel envoyé aux responsables d'une facture impayée quelques jours avant son
    échéance (facturation/rappels.py) : un seul par facture."""

    facture = models.OneToOneField(
        Facture, on_delete=models.CASCADE, related_name="rappel_echeance", verbose_name="facture"
    )
    envoye_le = models.DateTimeField("envoyé le", default=timezone.now)
    destinataires = models.PositiveSmallIntegerField(
        "courriels envoyés", default=0, help_text="Aucun : pas de responsable qui les accepte."
    )

    class Meta:
        verbose_name = "rappel d'échéance"
        verbose_name_plural = "rappels d'échéance"

    def __str__(self):
        return f"Rappel de la facture {self.facture.numero}"


class LigneFacture(models.Model):
    facture = models.ForeignKey(
        Facture, on_delete=models.CASCADE, related_name="lignes", verbose_name="facture"
    )
    enfant = models.ForeignKey(
        Enfant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enfant",
    )
    prestation = models.ForeignKey(
        Prestation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="prestation",
    )
    libelle = models.CharField("libellé", max_length=200)
    quantite = models.DecimalField("quantité", max_digits=8, decimal_places=2)
    prix_unitaire = montant_field("prix unitaire")
    montant = montant_field("montant")

    class Meta:
        verbose_name = "ligne de facture"
        verbose_name_plural = "lignes de facture"
        ordering = ["facture", "id"]

    def __str__(self):
        return self.libelle

    def save(self, *args, **kwargs):
        # Voir Facture.save : une ligne émise est aussi immuable que sa facture.
        if not self._state.adding:
            raise FactureImmuable("Une ligne de facture émise ne se modifie plus.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FactureImmuable("Une ligne de facture émise ne se supprime pas.")


class JourFacture(models.Model):
    """Un jour d'un enfant pour une prestation, facturé par une ligne : jamais deux fois.

    La contrainte d'unicité fait qu'une facturation relancée (ou deux qui se chevauchent)
    ne facture pas deux fois le même jour. Les jours « réguliers » sans Journée enregistrée
    y figurent aussi : c'est pourquoi on garde (enfant, prestation, date) et non la Journée.

    Un jour facturé qui ne l'est plus (réservation annulée, absence excusée après la
    facturation) est crédité par une ligne d'avoir (`ligne_avoir`, services.crediter_jour) :
    il ne l'est qu'une fois, et, réservé de nouveau, il se facture de nouveau. L'unicité ne
    vaut donc que pour les jours non crédités.
    """

    ligne = models.ForeignKey(
        LigneFacture, on_delete=models.CASCADE, related_name="jours", verbose_name="ligne"
    )
    enfant = models.ForeignKey(Enfant, on_delete=models.PROTECT, related_name="+")
    prestation = models.ForeignKey(Prestation, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date")
    ligne_avoir = models.ForeignKey(
        LigneFacture,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jours_credites",
        verbose_name="crédité par la ligne d'avoir",
    )

    class Meta:
        verbose_name = "jour facturé"
        verbose_name_plural = "jours facturés"
        constraints = [
            models.UniqueConstraint(
                fields=["enfant", "prestation", "date"],
                condition=Q(ligne_avoir__isnull=True),
                name="jour_facture_une_fois",
            ),
        ]

    def __str__(self):
        return f"{self.enfant_id}/{self.prestation_id} {self.date:%d/%m/%Y}"


class Reglement(models.Model):
    """Un paiement reçu d'une famille, réparti sur ses factures par des affectations."""

    class Mode(models.TextChoices):
        CHEQUE = "cheque", "Chèque"
        ESPECES = "especes", "Espèces"
        VIREMENT = "virement", "Virement"
        PAIEMENT_EN_LIGNE = "en_ligne", "Paiement en ligne (PayFiP)"
        PRELEVEMENT = "prelevement", "Prélèvement"
        TITRE_EMIS = "titre_emis", "Titre émis"

    regie = models.ForeignKey(
        Regie, on_delete=models.PROTECT, related_name="reglements", verbose_name="régie"
    )
    famille = models.ForeignKey(
        Famille, on_delete=models.PROTECT, related_name="reglements", verbose_name="famille"
    )
    numero = models.CharField("N° règlement", max_length=20, unique=True)
    date = models.DateField("date")
    mode = models.CharField("mode", max_length=12, choices=Mode)
    montant = montant_field("montant")
    reference = models.CharField(
        "référence",
        max_length=100,
        blank=True,
        help_text="N° de chèque, n° d'ORMC du titre émis, référence de la transaction…",
    )
    observations = models.CharField("observations", max_length=200, blank=True)
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saisi par",
    )
    date_saisie = models.DateTimeField("saisi le", default=timezone.now, editable=False)

    history = HistoricalRecords(history_manager=GestionnaireHistorique)

    class Meta:
        verbose_name = "règlement"
        verbose_name_plural = "règlements"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gt=0), name="reglement_montant_positif"),
        ]
        indexes = [models.Index(fields=["famille", "date"], name="reglement_famille")]

    def __str__(self):
        return f"{self.numero} — {self.libelle_mode}"

    @property
    def libelle_mode(self):
        """« Chèque », ou « Titre émis (ORMC n°1234) » pour une créance confiée au Trésor public."""
        if self.mode == self.Mode.TITRE_EMIS and self.reference:
            return f"Titre émis (ORMC n°{self.reference})"
        return self.get_mode_display()

    @property
    def description(self):
        return f"Règlement : {self.libelle_mode}"


class Affectation(models.Model):
    """La part d'un règlement qui paie une facture."""

    reglement = models.ForeignKey(
        Reglement, on_delete=models.CASCADE, related_name="affectations", verbose_name="règlement"
    )
    facture = models.ForeignKey(
        Facture, on_delete=models.PROTECT, related_name="affectations", verbose_name="facture"
    )
    montant = montant_field("montant affecté")

    class Meta:
        verbose_name = "affectation"
        verbose_name_plural = "affectations"
        constraints = [
            models.UniqueConstraint(
                fields=["reglement", "facture"], name="affectation_unique_par_facture"
            ),
            models.CheckConstraint(condition=Q(montant__gt=0), name="affectation_montant_positif"),
        ]

    def __str__(self):
        return f"{self.montant} € de {self.reglement} sur {self.facture}"


class MandatSepa(models.Model):
    """Le mandat de prélèvement SEPA d'une famille : sa référence unique (RUM) et sa date."""

    famille = models.OneToOneField(
        Famille, on_delete=models.PROTECT, related_name="mandat_sepa", verbose_name="famille"
    )
    reference = models.CharField("référence unique du mandat (RUM)", max_length=35, unique=True)
    date_signature = models.DateField("date de signature")
    iban = models.CharField("IBAN", max_length=34)
    bic = models.CharField("BIC", max_length=11, blank=True)
    actif = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "mandat SEPA"
        verbose_name_plural = "mandats SEPA"
        ordering = ["reference"]

    def __str__(self):
        return self.reference


class TransactionEnLigne(models.Model):
    """Un paiement en ligne d'une facture, de la demande à la réponse de PayFiP.

    `reference` est la clé de la transaction (dans les adresses de notification et de retour) ;
    un paiement confirmé produit un seul règlement (`reglement`, unique).
    """

    class Statut(models.TextChoices):
        EN_COURS = "en_cours", "En cours"
        PAYEE = "payee", "Payée"
        REFUSEE = "refusee", "Refusée"
        ABANDONNEE = "abandonnee", "Abandonnée"
        EXPIREE = "expiree", "Expirée"

    facture = models.ForeignKey(
        Facture, on_delete=models.PROTECT, related_name="transactions", verbose_name="facture"
    )
    montant = montant_field("montant")
    email = models.EmailField("adresse e-mail du reçu")
    reference = models.CharField("référence de la transaction", max_length=32, unique=True)
    statut = models.CharField("statut", max_length=10, choices=Statut, default=Statut.EN_COURS)
    passerelle = models.CharField("passerelle", max_length=20)
    idop = models.CharField("identifiant PayFiP (idop)", max_length=1000, blank=True)
    reference_passerelle = models.CharField(
        "référence PayFiP", max_length=200, blank=True, help_text="refdet, idop, n° d'autorisation"
    )
    reglement = models.OneToOneField(
        Reglement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transaction_en_ligne",
        verbose_name="règlement",
    )
    historique = models.JSONField("historique des statuts", default=list, blank=True)
    date_creation = models.DateTimeField("commencée le", default=timezone.now, editable=False)
    date_modification = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "transaction en ligne"
        verbose_name_plural = "transactions en ligne"
        ordering = ["-date_creation"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gt=0), name="transaction_montant_positif"),
        ]

    def __str__(self):
        return f"{self.facture} — {self.montant} € — {self.get_statut_display()}"

    def noter(self, statut, detail=""):
        """Change le statut et l'inscrit dans l'historique (sans enregistrer)."""
        self.statut = statut
        self.historique = [
            *self.historique,
            {"statut": statut, "date": timezone.now().isoformat(), "detail": detail},
        ]


class OperationSimulee(models.Model):
    """Ce que le simulateur de PayFiP (facturation/simulateur_payfip.py) retient d'une
    opération : le choix du parent, que PayFiP garde de même et redit à qui le lui demande
    (le rapprochement des paiements restés en cours). Démonstration et tests seulement."""

    reference = models.CharField("référence de la transaction", max_length=32, unique=True)
    statut = models.CharField("statut", max_length=10, choices=TransactionEnLigne.Statut)
    montant = montant_field("montant")
    date = models.DateTimeField("choisi le", default=timezone.now)

    class Meta:
        verbose_name = "opération du simulateur PayFiP"
        verbose_name_plural = "opérations du simulateur PayFiP"

    def __str__(self):
        return f"{self.reference} — {self.get_statut_display()}"


# --- Les trop-perçus -------------------------------------------------------------------------


class TropPercu(models.Model):
    """Ce qu'un règlement a payé de plus que la facture qu'il visait : un paiement en ligne
    confirmé par PayFiP pour une facture déjà réglée (par un autre paiement, un chèque…).

    L'argent a été encaissé : le règlement est enregistré pour tout le montant, affecté à la
    facture pour ce qui en restait, et l'excédent est ici, à rembourser par la régie. Le
    remboursement (facturation.paiement.rembourser_trop_percu) le solde une fois pour toutes ;
    le relevé de compte le montre au débit, ce qui ramène le solde de la famille.
    """

    class Statut(models.TextChoices):
        A_REMBOURSER = "a_rembourser", "À rembourser"
        REMBOURSE = "rembourse", "Remboursé"

    class ModeRemboursement(models.TextChoices):
        VIREMENT = "virement", "Virement"
        CHEQUE = "cheque", "Chèque"
        ESPECES = "especes", "Espèces"

    reglement = models.OneToOneField(
        Reglement,
        on_delete=models.PROTECT,
        related_name="trop_percu",
        verbose_name="règlement",
    )
    famille = models.ForeignKey(
        Famille, on_delete=models.PROTECT, related_name="trop_percus", verbose_name="famille"
    )
    facture = models.ForeignKey(
        Facture,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trop_percus",
        verbose_name="facture visée",
    )
    montant = montant_field("montant à rembourser")
    date = models.DateField("reçu le")
    motif = models.CharField("motif", max_length=300, blank=True)
    statut = models.CharField("statut", max_length=12, choices=Statut, default=Statut.A_REMBOURSER)
    date_remboursement = models.DateField("remboursé le", null=True, blank=True)
    mode_remboursement = models.CharField(
        "mode de remboursement", max_length=10, choices=ModeRemboursement, blank=True
    )
    reference_remboursement = models.CharField(
        "référence du remboursement",
        max_length=100,
        blank=True,
        help_text="N° de mandat, de chèque, référence du virement…",
    )
    rembourse_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="remboursement saisi par",
    )
    rembourse_saisi_le = models.DateTimeField("remboursement saisi le", null=True, blank=True)
    date_creation = models.DateTimeField("enregistré le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "trop-perçu"
        verbose_name_plural = "trop-perçus"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gt=0), name="trop_percu_montant_positif"),
            models.CheckConstraint(
                condition=Q(statut="a_rembourser", date_remboursement__isnull=True)
                | Q(statut="rembourse", date_remboursement__isnull=False),
                name="trop_percu_rembourse_date",
            ),
        ]

    def __str__(self):
        return f"Trop-perçu de {self.montant} € — {self.reglement.numero}"

    @property
    def description_remboursement(self):
        """« Remboursement du trop-perçu (règlement AL-12) », la ligne du relevé de compte."""
        return f"Remboursement du trop-perçu (règlement {self.reglement.numero})"


# --- Les attestations fiscales ---------------------------------------------------------------


class AttestationFiscale(models.Model):
    """L'attestation des frais de garde d'une famille pour une année civile (facturation/
    attestations.py) : ce qu'elle a payé pour ses enfants de moins de 6 ans au 1er janvier,
    par enfant, à déclarer aux impôts.

    Émise une fois, elle est archivée avec son PDF et son empreinte SHA-256 comme une facture,
    et ne change plus. Si les chiffres de l'année changent ensuite (un règlement saisi en
    retard), l'attestation suivante est une nouvelle version qui dit remplacer la précédente.
    """

    famille = models.ForeignKey(
        Famille,
        on_delete=models.PROTECT,
        related_name="attestations_fiscales",
        verbose_name="famille",
    )
    annee = models.PositiveSmallIntegerField("année")
    version = models.PositiveSmallIntegerField("version", default=1)
    remplace = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remplacee_par",
        verbose_name="remplace l'attestation",
    )
    montant = montant_field("montant attesté")
    # Les chiffres attestés, tels qu'imprimés : [{"enfant": id, "prenom", "nom",
    # "date_naissance", "montant"}] et les règlements de l'année (pour la comparaison).
    detail = models.JSONField("détail par enfant", default=dict)
    pdf = models.FileField("PDF", upload_to="attestations/%Y/", blank=True, max_length=200)
    pdf_sha256 = models.CharField("empreinte SHA-256 du PDF", max_length=64, blank=True)
    emise_le = models.DateTimeField("émise le", default=timezone.now, editable=False)
    travail = models.ForeignKey(
        "travaux.Travail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attestations_fiscales",
        verbose_name="émise par le travail",
        editable=False,
    )
    # Le moment où elle a été envoyée à la famille (message et courriel), marqué dans la
    # transaction qui les écrit : un travail relancé ne l'envoie pas deux fois.
    envoyee_le = models.DateTimeField("envoyée le", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "attestation fiscale"
        verbose_name_plural = "attestations fiscales"
        ordering = ["-annee", "famille", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["famille", "annee", "version"], name="attestation_version_unique"
            ),
            models.CheckConstraint(condition=Q(montant__gt=0), name="attestation_montant_positif"),
        ]

    def __str__(self):
        suffixe = f" (version {self.version})" if self.version > 1 else ""
        return f"Attestation fiscale {self.annee} — famille n° {self.famille.numero}{suffixe}"

    @property
    def numero(self):
        """« AF-2025-1001001819331-2 » : l'année, la famille, la version."""
        return f"AF-{self.annee}-{self.famille.numero}-{self.version}"
