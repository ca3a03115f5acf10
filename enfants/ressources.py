"""Les colonnes des exports des enfants, des inscriptions et des journées (réservations,
présences) ; la liste des familles y gagne la colonne de leurs enfants."""

from import_export import resources
from import_export.fields import Field

from commun.exports import DateFr, DateHeureFr, OuiNon, RessourceExport, Texte
from enfants.models import Enfant, Inscription, Jour, Journee
from familles.ressources import FamilleRessource


def jours_en_clair(jours):
    """« 1245 » → « lundi, mardi, jeudi, vendredi » ; "" : à la demande."""
    return ", ".join(Jour(int(c)).label for c in jours)


def inscription_en_clair(inscription):
    """« Accueil de Loisirs ALSH Mercredi du 01/09/2026 au 31/08/2027 »."""
    texte = f"{inscription.prestation} du {inscription.date_debut:%d/%m/%Y}"
    if inscription.date_fin:
        texte += f" au {inscription.date_fin:%d/%m/%Y}"
    return texte


class FamilleAvecEnfantsRessource(FamilleRessource):
    enfants = Field(column_name="Enfants")

    class Meta(FamilleRessource.Meta):
        fields = (*FamilleRessource.Meta.fields, "enfants")

    def dehydrate_enfants(self, famille):
        return " ; ".join(
            f"{enfant.prenom} {enfant.nom} ({enfant.date_naissance:%d/%m/%Y})"
            for enfant in famille.enfants.all()
        )


class EnfantRessource(RessourceExport):
    """Une ligne par enfant, avec ses inscriptions."""

    famille = Field(attribute="famille__numero", column_name="N° famille")
    nom = Field(attribute="nom", column_name="Nom")
    prenom = Field(attribute="prenom", column_name="Prénom")
    sexe = Field(attribute="get_sexe_display", column_name="Sexe")
    date_naissance = Field(
        attribute="date_naissance", column_name="Date de naissance", widget=DateFr()
    )
    lieu_naissance = Field(attribute="lieu_naissance", column_name="Lieu de naissance")
    ecole = Field(attribute="ecole", column_name="École")
    classe = Field(attribute="classe", column_name="Classe")
    responsable = Field(attribute="famille__titulaire__nom_complet", column_name="Responsable")
    porte_lunettes = Field(attribute="porte_lunettes", column_name="Lunettes", widget=OuiNon())
    autorisation_photo = Field(
        attribute="autorisation_photo", column_name="Autorisation photos", widget=OuiNon()
    )
    autorisation_sortie_seul = Field(
        attribute="autorisation_sortie_seul", column_name="Part seul", widget=OuiNon()
    )
    autorisation_transport = Field(
        attribute="autorisation_transport", column_name="Autorisation transport", widget=OuiNon()
    )
    autorisation_soins = Field(
        attribute="autorisation_soins", column_name="Autorisation soins", widget=OuiNon()
    )
    inscriptions = Field(column_name="Inscriptions")

    class Meta:
        model = Enfant
        fields = (
            "famille",
            "nom",
            "prenom",
            "sexe",
            "date_naissance",
            "lieu_naissance",
            "ecole",
            "classe",
            "responsable",
            "porte_lunettes",
            "autorisation_photo",
            "autorisation_sortie_seul",
            "autorisation_transport",
            "autorisation_soins",
            "inscriptions",
        )

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("inscriptions__prestation__structure")

    def dehydrate_inscriptions(self, enfant):
        return " ; ".join(inscription_en_clair(i) for i in enfant.inscriptions.all())


class InscriptionRessource(RessourceExport):
    famille = Field(attribute="enfant__famille__numero", column_name="N° famille")
    nom = Field(attribute="enfant__nom", column_name="Nom de l'enfant")
    prenom = Field(attribute="enfant__prenom", column_name="Prénom de l'enfant")
    date_naissance = Field(
        attribute="enfant__date_naissance", column_name="Date de naissance", widget=DateFr()
    )
    structure = Field(attribute="prestation__structure__nom", column_name="Structure")
    prestation = Field(attribute="prestation__nom", column_name="Prestation")
    responsable = Field(attribute="responsable__nom_complet", column_name="Responsable")
    date_debut = Field(attribute="date_debut", column_name="Du", widget=DateFr())
    date_fin = Field(attribute="date_fin", column_name="Au", widget=DateFr())
    jours_reguliers = Field(column_name="Jours réguliers")

    class Meta:
        model = Inscription
        fields = (
            "famille",
            "nom",
            "prenom",
            "date_naissance",
            "structure",
            "prestation",
            "responsable",
            "date_debut",
            "date_fin",
            "jours_reguliers",
        )

    def dehydrate_jours_reguliers(self, inscription):
        return jours_en_clair(inscription.jours_reguliers) or "À la demande"


class JourneeRessource(RessourceExport):
    """Les journées (réservations, présences, absences) de la liste filtrée : une période, une
    prestation, un état."""

    date = Field(attribute="date", column_name="Date", widget=DateFr())
    famille = Field(attribute="enfant__famille__numero", column_name="N° famille")
    nom = Field(attribute="enfant__nom", column_name="Nom")
    prenom = Field(attribute="enfant__prenom", column_name="Prénom")
    structure = Field(attribute="prestation__structure__nom", column_name="Structure")
    prestation = Field(attribute="prestation__nom", column_name="Prestation")
    etat = Field(attribute="get_etat_display", column_name="État")
    reservee = Field(attribute="reservee", column_name="Réservée à l'avance", widget=OuiNon())
    motif = Field(attribute="motif", column_name="Motif")
    demandee_le = Field(attribute="demandee_le", column_name="Demandée le", widget=DateHeureFr())
    modifiee_par = Field(attribute="modifiee_par__username", column_name="Modifiée par")

    class Meta:
        model = Journee
        fields = (
            "date",
            "famille",
            "nom",
            "prenom",
            "structure",
            "prestation",
            "etat",
            "reservee",
            "motif",
            "demandee_le",
            "modifiee_par",
        )


class FeuilleDePresenceRessource(resources.Resource):
    """La feuille de présence d'une prestation un jour (enfants/presences.py), à imprimer ou à
    remplir hors ligne : une ligne par enfant attendu, une colonne « Émargement » vide."""

    nom = Field(attribute="enfant__nom", column_name="Nom", widget=Texte())
    prenom = Field(attribute="enfant__prenom", column_name="Prénom", widget=Texte())
    date_naissance = Field(
        attribute="enfant__date_naissance", column_name="Date de naissance", widget=DateFr()
    )
    famille = Field(attribute="enfant__famille__numero", column_name="N° famille", widget=Texte())
    etat = Field(attribute="etat_libelle", column_name="État enregistré", widget=Texte())
    emargement = Field(column_name="Émargement", widget=Texte())

    class Meta:
        fields = ("nom", "prenom", "date_naissance", "famille", "etat", "emargement")
