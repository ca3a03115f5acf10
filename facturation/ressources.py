"""Les colonnes des exports des factures et des règlements : montants en nombres dans le
classeur, « 1 234,50 » dans le CSV (commun/exports.py)."""

from django.utils import timezone
from import_export.fields import Field

from commun.exports import DateFr, DateHeureFr, Montant, RessourceExport
from facturation.models import Facture, Reglement


def etat_de_paiement(facture, aujourdhui):
    """« Avoir », « Soldée », « Échue » ou « À payer » (facture annotée par
    avec_reste_a_payer)."""
    if facture.genre == Facture.Genre.AVOIR:
        return "Avoir"
    if facture.reste_a_payer <= 0:
        return "Soldée"
    if facture.date_echeance < aujourdhui:
        return "Échue"
    return "À payer"


class FactureRessource(RessourceExport):
    """Les factures de la liste, avec ce qui en est réglé et ce qui reste à payer (la liste
    de l'administration les annote : FactureQuerySet.avec_reste_a_payer)."""

    numero = Field(attribute="numero", column_name="N° facture")
    genre = Field(attribute="get_genre_display", column_name="Genre")
    regie = Field(attribute="regie__nom", column_name="Régie")
    famille = Field(attribute="famille__numero", column_name="N° famille")
    responsable = Field(attribute="famille__titulaire__nom_complet", column_name="Responsable")
    date_facture = Field(attribute="date_facture", column_name="Date facture", widget=DateFr())
    date_echeance = Field(attribute="date_echeance", column_name="Échéance", widget=DateFr())
    periode_debut = Field(attribute="periode_debut", column_name="Période du", widget=DateFr())
    periode_fin = Field(attribute="periode_fin", column_name="Période au", widget=DateFr())
    montant = Field(attribute="montant", column_name="Montant", widget=Montant())
    montant_regle = Field(attribute="montant_regle", column_name="Déjà réglé", widget=Montant())
    reste_a_payer = Field(attribute="reste_a_payer", column_name="Reste à payer", widget=Montant())
    etat = Field(column_name="État")
    date_creation = Field(attribute="date_creation", column_name="Émise le", widget=DateHeureFr())

    class Meta:
        model = Facture
        fields = (
            "numero",
            "genre",
            "regie",
            "famille",
            "responsable",
            "date_facture",
            "date_echeance",
            "periode_debut",
            "periode_fin",
            "montant",
            "montant_regle",
            "reste_a_payer",
            "etat",
            "date_creation",
        )

    def before_export(self, queryset, **kwargs):
        self.aujourdhui = timezone.localdate()

    def dehydrate_etat(self, facture):
        return etat_de_paiement(facture, self.aujourdhui)


class ReglementRessource(RessourceExport):
    numero = Field(attribute="numero", column_name="N° règlement")
    date = Field(attribute="date", column_name="Date", widget=DateFr())
    famille = Field(attribute="famille__numero", column_name="N° famille")
    responsable = Field(attribute="famille__titulaire__nom_complet", column_name="Responsable")
    regie = Field(attribute="regie__nom", column_name="Régie")
    mode = Field(attribute="get_mode_display", column_name="Mode")
    montant = Field(attribute="montant", column_name="Montant", widget=Montant())
    montant_affecte = Field(
        attribute="montant_affecte", column_name="Affecté aux factures", widget=Montant()
    )
    reference = Field(attribute="reference", column_name="Référence")
    observations = Field(attribute="observations", column_name="Observations")
    saisi_par = Field(attribute="saisi_par__username", column_name="Saisi par")
    date_saisie = Field(attribute="date_saisie", column_name="Saisi le", widget=DateHeureFr())

    class Meta:
        model = Reglement
        fields = (
            "numero",
            "date",
            "famille",
            "responsable",
            "regie",
            "mode",
            "montant",
            "montant_affecte",
            "reference",
            "observations",
            "saisi_par",
            "date_saisie",
        )
