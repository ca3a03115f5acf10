"""L'effacement des données d'une famille, à sa demande (RGPD, article 17), quand le service
accepte sa demande « Effacement des données » (demandes/decisions.py), ou par la commande de
conservation pour une famille inactive depuis trop longtemps.

Ce qui est effacé ou anonymisé : l'identité et les coordonnées des responsables, les
informations fiscales, CAF et bancaires de la famille, l'identité des enfants (seule l'année de
naissance reste, pour les statistiques), leurs fiches sanitaires, vaccins et personnes
autorisées, le texte des messages et leurs pièces jointes, le contenu des demandes, les
documents déposés au dossier (fichiers compris), l'historique des fiches, les courriels de la
file d'envoi ; le compte de connexion est fermé.

Ce qui est gardé : les factures (et leur PDF archivé, qui porte le nom et l'adresse du
débiteur), les règlements et leurs affectations, les paiements en ligne (sans l'adresse du
reçu), les mandats de prélèvement SEPA, pendant les 10 ans de conservation des pièces de la
comptabilité publique ; les journées (sans motif d'absence) et les inscriptions, qui les
justifient ; le N° famille, qui les relie.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from post_office.models import Email

from demandes.models import Demande
from dossiers.models import PieceDossier
from enfants.models import Enfant, FicheSanitaire, Journee, PersonneAutorisee, Vaccination
from facturation.models import TransactionEnLigne
from familles.models import CreationDeCompte, Famille, Message, Responsable, Utilisateur
from familles.notifications import destinataires, envoyer_courriel

ANONYME = "ANONYME"


def _effacer_fichier(champ):
    if champ:
        champ.delete(save=False)


@transaction.atomic
def effacer_famille(*, famille, prevenir=True):
    """Efface ou anonymise tout ce que la famille a laissé, sauf sa comptabilité (voir plus
    haut). Les fichiers ne sont effacés du disque qu'une fois la transaction validée. Prévient
    la famille par courriel, à ses adresses d'avant l'effacement, si `prevenir`."""
    famille = Famille.objects.select_for_update().get(pk=famille.pk)
    adresses = destinataires(famille)
    responsables = list(Responsable.objects.filter(famille=famille))
    enfants = list(Enfant.objects.filter(famille=famille).order_by("date_naissance", "pk"))

    # Les courriels déjà écrits à la famille (la file d'envoi, 90 jours).
    if adresses:
        Email.objects.filter(
            Q(*[Q(to__icontains=adresse) for adresse in adresses], _connector=Q.OR)
        ).delete()

    comptes = Utilisateur.objects.filter(responsable__famille=famille)
    for utilisateur in comptes:
        utilisateur.username = f"efface-{utilisateur.pk}"
        utilisateur.email = utilisateur.first_name = utilisateur.last_name = ""
        utilisateur.is_active = False
        utilisateur.set_unusable_password()
        utilisateur.save()

    vides = [
        "civilite",
        "adresse",
        "code_postal",
        "ville",
        "telephone_domicile",
        "telephone_professionnel",
        "telephone_mobile",
        "email",
        "csp",
        "profession",
        "employeur",
        "adresse_employeur",
        "qualite",
        "situation",
    ]
    for responsable in responsables:
        for champ in vides:
            setattr(responsable, champ, "")
        responsable.nom, responsable.prenom = ANONYME, ""
        responsable.date_naissance = None
        responsable.autorisation_sms = responsable.autorisation_courriel = False
        responsable.skip_history_when_saving = True
        responsable.save()

    for rang, enfant in enumerate(enfants, start=1):
        enfant.nom, enfant.prenom = ANONYME, f"Enfant {rang}"
        enfant.date_naissance = datetime.date(enfant.date_naissance.year, 1, 1)
        enfant.sexe = enfant.lieu_naissance = enfant.ecole = enfant.classe = ""
        enfant.porte_lunettes = False
        enfant.autorisation_photo = enfant.autorisation_sortie_seul = False
        enfant.autorisation_transport = enfant.autorisation_soins = False
        enfant.jeton_calendrier = None
        enfant.skip_history_when_saving = True
        enfant.save()
    # Le motif d'une absence (« Malade ») en dit trop ; la journée reste, qui justifie la facture.
    Journee.objects.filter(enfant__famille=famille).exclude(motif="").update(motif="")
    FicheSanitaire.objects.filter(enfant__famille=famille).delete()
    Vaccination.objects.filter(enfant__famille=famille).delete()
    PersonneAutorisee.objects.filter(enfant__famille=famille).delete()

    fichiers = []
    for message in Message.objects.filter(famille=famille).exclude(piece_jointe=""):
        fichiers.append(message.piece_jointe)
    Message.objects.filter(famille=famille).update(
        sujet="(message effacé)", corps="", piece_jointe=""
    )
    for piece in PieceDossier.objects.filter(famille=famille).exclude(fichier=""):
        fichiers.append(piece.fichier)
    PieceDossier.objects.filter(famille=famille).delete()

    Demande.objects.filter(famille=famille).update(
        valeurs_actuelles={}, valeurs_demandees={}, commentaire=""
    )
    CreationDeCompte.objects.filter(Q(famille=famille) | Q(email__in=adresses)).delete()

    # L'adresse du reçu d'un paiement en ligne : le paiement reste, sans elle.
    TransactionEnLigne.objects.filter(facture__famille=famille).update(email="")

    famille.revenu_fiscal = famille.nombre_parts = famille.quotient_familial = None
    famille.numero_allocataire = ""
    famille.nom_banque = famille.titulaire_compte = famille.iban = famille.bic = ""
    famille.prelevement_automatique = False
    famille.etat = Famille.Etat.FERMEE
    famille.skip_history_when_saving = True
    famille.save()

    # L'historique des fiches garde les valeurs d'avant : effacé aussi.
    Famille.history.filter(id=famille.pk).delete()
    Responsable.history.filter(id__in=[r.pk for r in responsables]).delete()
    Enfant.history.filter(id__in=[e.pk for e in enfants]).delete()
    FicheSanitaire.history.filter(enfant_id__in=[e.pk for e in enfants]).delete()
    Vaccination.history.filter(enfant_id__in=[e.pk for e in enfants]).delete()
    PersonneAutorisee.history.filter(enfant_id__in=[e.pk for e in enfants]).delete()

    if prevenir:
        envoyer_courriel(
            adresses=adresses,
            sujet="Portail Familles : vos données ont été effacées",
            gabarit="donnees_effacees",
            contexte={
                "famille": famille,
                "annees_comptables": settings.CONSERVATION_COMPTABLE_ANNEES,
            },
        )
    transaction.on_commit(lambda: [_effacer_fichier(f) for f in fichiers])
    return famille
