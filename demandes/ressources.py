"""Les colonnes de l'export des demandes des familles."""

from import_export.fields import Field

from commun.exports import DateHeureFr, RessourceExport
from demandes.lecture import lignes_de
from demandes.models import Demande


class DemandeRessource(RessourceExport):
    """Les demandes de la liste (les données sanitaires n'y sont que pour les agents habilités :
    la liste de l'administration les écarte déjà)."""

    date_demande = Field(
        attribute="date_demande", column_name="Date de la demande", widget=DateHeureFr()
    )
    famille = Field(attribute="famille__numero", column_name="N° famille")
    responsable = Field(attribute="famille__titulaire__nom_complet", column_name="Responsable")
    type = Field(attribute="get_type_display", column_name="Type")
    enfant = Field(attribute="enfant", column_name="Enfant")
    changements = Field(column_name="Changements demandés")
    commentaire = Field(attribute="commentaire", column_name="Commentaire de la famille")
    statut = Field(attribute="get_statut_display", column_name="Statut")
    decidee_le = Field(attribute="decidee_le", column_name="Décidée le", widget=DateHeureFr())
    decidee_par = Field(attribute="decidee_par__username", column_name="Décidée par")
    motif_refus = Field(attribute="motif_refus", column_name="Motif du refus")

    class Meta:
        model = Demande
        fields = (
            "date_demande",
            "famille",
            "responsable",
            "type",
            "enfant",
            "changements",
            "commentaire",
            "statut",
            "decidee_le",
            "decidee_par",
            "motif_refus",
        )

    def dehydrate_changements(self, demande):
        return " ; ".join(
            f"{libelle} : {avant} → {apres}"
            for libelle, avant, apres, change in lignes_de(demande)
            if change
        )
