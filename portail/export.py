"""« Télécharger mes données » (RGPD, articles 15 et 20) : tout ce que le portail garde sur une
famille, en fichiers JSON dans une archive ZIP, avec les fichiers qu'elle a déposés ou reçus ;
et son résumé lisible en PDF (`resume_pdf`), téléchargé à part : WeasyPrint y met une demi-
seconde, que l'archive n'attend pas.

Chaque lecture part de la famille (`famille=…`, `enfant__famille=…`) : rien d'une autre famille
n'y entre. Une vingtaine de requêtes ; l'archive se construit dans la requête (quelques
dixièmes de seconde pour une famille, même avec des années de planning)."""

import json
import tempfile
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation

from demandes.models import Demande
from dossiers.models import CertificationAnnuelle, PieceDossier
from enfants.models import (
    Enfant,
    FicheSanitaire,
    Inscription,
    Journee,
    PersonneAutorisee,
    Vaccination,
)
from facturation.models import Affectation, Facture, LigneFacture, Reglement
from familles.models import Famille, Message, Responsable

LISEZMOI = """Vos données sur le Portail Familles — famille N° {numero}
Archive produite le {le}.

Chaque fichier JSON est une liste de fiches (un objet par fiche, les noms des champs en
français sans accents) :

  famille.json              le compte famille : informations fiscales, CAF, bancaires
  responsables.json         les responsables (titulaire, conjoint) et leurs coordonnées
  enfants.json              les enfants, leurs autorisations
  fiches_sanitaires.json    les données de santé des enfants
  vaccinations.json         les vaccins
  personnes_autorisees.json les personnes autorisées à venir chercher les enfants
  inscriptions.json         les inscriptions aux prestations
  journees.json             le planning : réservations, présences, absences
  demandes.json             les demandes faites au service et ses décisions
  messages.json             les messages échangés avec le service
  factures.json             les factures et avoirs, avec leurs lignes
  reglements.json           les règlements et leur affectation aux factures
  documents.json            les documents déposés au dossier (leurs fichiers dans fichiers/)
  certifications.json       les certifications annuelles de la fiche

Le dossier fichiers/ contient les documents déposés, les pièces jointes des messages et les
factures en PDF. Le résumé lisible de ces données, en PDF, se télécharge à côté de cette
archive (Mon compte, « Mes données personnelles »).
"""


def _valeur(objet, champ):
    if isinstance(champ, models.FileField):
        fichier = getattr(objet, champ.attname)
        return PurePosixPath(fichier.name).name if fichier else ""
    valeur = getattr(objet, champ.attname)
    if champ.choices and valeur not in (None, ""):
        return {"code": valeur, "libelle": str(dict(champ.flatchoices).get(valeur, valeur))}
    return valeur


def _fiche(objet, exclus=()):
    return {
        champ.attname: _valeur(objet, champ)
        for champ in objet._meta.concrete_fields
        if champ.name not in exclus
    }


def _fiches(requete, exclus=()):
    return [_fiche(objet, exclus) for objet in requete]


def donnees_de_la_famille(famille):
    """{nom du fichier JSON: liste de fiches} : ce que le portail garde sur la famille."""
    enfants = Enfant.objects.filter(famille=famille)
    lignes = {}
    for ligne in LigneFacture.objects.filter(facture__famille=famille).order_by("pk"):
        lignes.setdefault(ligne.facture_id, []).append(_fiche(ligne, exclus=("facture",)))
    factures = []
    for facture in Facture.objects.filter(famille=famille).order_by("date_facture", "pk"):
        fiche = _fiche(facture, exclus=("travail", "pdf_sha256"))
        fiche["lignes"] = lignes.get(facture.pk, [])
        factures.append(fiche)
    affectations = {}
    for affectation in Affectation.objects.filter(reglement__famille=famille).select_related(
        "facture"
    ):
        affectations.setdefault(affectation.reglement_id, []).append(
            {"facture": affectation.facture.numero, "montant": affectation.montant}
        )
    reglements = []
    for reglement in Reglement.objects.filter(famille=famille).order_by("date", "pk"):
        fiche = _fiche(reglement, exclus=("saisi_par",))
        fiche["affectations"] = affectations.get(reglement.pk, [])
        reglements.append(fiche)
    return {
        "famille": _fiches(Famille.objects.filter(pk=famille.pk)),
        "responsables": _fiches(Responsable.objects.filter(famille=famille)),
        "enfants": _fiches(enfants, exclus=("jeton_calendrier",)),
        "fiches_sanitaires": _fiches(FicheSanitaire.objects.filter(enfant__famille=famille)),
        "vaccinations": _fiches(Vaccination.objects.filter(enfant__famille=famille)),
        "personnes_autorisees": _fiches(PersonneAutorisee.objects.filter(enfant__famille=famille)),
        "inscriptions": _fiches(Inscription.objects.filter(enfant__famille=famille)),
        "journees": _fiches(
            Journee.objects.filter(enfant__famille=famille).order_by("date", "pk"),
            exclus=("modifiee_par",),
        ),
        "demandes": _fiches(
            Demande.objects.filter(famille=famille).order_by("date_demande"),
            exclus=("demandeur", "decidee_par", "cible_type"),
        ),
        "messages": _fiches(
            Message.objects.filter(famille=famille).order_by("date_envoi"), exclus=("auteur",)
        ),
        "factures": factures,
        "reglements": reglements,
        "documents": _fiches(
            PieceDossier.objects.filter(famille=famille).select_related("type_document"),
            exclus=("deposee_par", "decidee_par"),
        ),
        "certifications": _fiches(
            CertificationAnnuelle.objects.filter(famille=famille), exclus=("certifiee_par",)
        ),
    }


def _fichiers_de_la_famille(famille):
    """(chemin dans l'archive, FieldFile) des fichiers de la famille."""
    for piece in PieceDossier.objects.filter(famille=famille).exclude(fichier=""):
        yield f"fichiers/dossier/{piece.pk}-{PurePosixPath(piece.fichier.name).name}", piece.fichier
    for message in Message.objects.filter(famille=famille).exclude(piece_jointe=""):
        nom = PurePosixPath(message.piece_jointe.name).name
        yield f"fichiers/messages/{message.pk}-{nom}", message.piece_jointe
    for facture in Facture.objects.filter(famille=famille).exclude(pdf=""):
        yield f"fichiers/factures/{facture.numero}.pdf", facture.pdf


def resume_pdf(famille, le):
    """Le résumé lisible des données de la famille, en PDF (WeasyPrint, comme les factures)."""
    from weasyprint import HTML  # lourd à importer : seulement quand on rend un PDF

    enfants = list(
        Enfant.objects.filter(famille=famille)
        .annotate(nombre_journees=Count("journees"))
        .prefetch_related("vaccinations", "personnes_autorisees", "inscriptions__prestation")
    )
    fiches = {f.enfant_id: f for f in FicheSanitaire.objects.filter(enfant__famille=famille)}
    for enfant in enfants:
        enfant.fiche = fiches.get(enfant.pk)
    contexte = {
        "collectivite": settings.COLLECTIVITE,
        "famille": famille,
        "le": le,
        "responsables": sorted(
            Responsable.objects.filter(famille=famille),
            key=lambda r: r.role != Responsable.Role.TITULAIRE,
        ),
        "enfants": enfants,
        "factures": Facture.objects.filter(famille=famille).order_by("date_facture", "pk"),
        "reglements": Reglement.objects.filter(famille=famille).order_by("date", "pk"),
        "demandes": Demande.objects.filter(famille=famille).order_by("date_demande"),
        "messages_famille": Message.objects.filter(famille=famille).order_by("date_envoi"),
        "documents": PieceDossier.objects.filter(famille=famille).select_related("type_document"),
    }
    with translation.override("fr"):
        page = render_to_string("portail/pdf/mes_donnees.html", contexte)
    return HTML(string=page, base_url=str(settings.BASE_DIR)).write_pdf()


def archive_de_la_famille(famille):
    """L'archive ZIP des données de la famille, dans un fichier temporaire ouvert en lecture
    (en mémoire jusqu'à 10 Mo, sur le disque au-delà)."""
    # Ouvert ici, fermé par la réponse (FileResponse) qui le lit.
    sortie = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(sortie, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        maintenant = timezone.localtime()
        archive.writestr(
            "LISEZMOI.txt",
            LISEZMOI.format(numero=famille.numero, le=f"{maintenant:%d/%m/%Y à %H:%M}"),
        )
        for nom, fiches in donnees_de_la_famille(famille).items():
            texte = json.dumps(fiches, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            archive.writestr(f"{nom}.json", texte)
        for chemin, fichier in _fichiers_de_la_famille(famille):
            try:
                with fichier.open("rb") as contenu:
                    archive.writestr(chemin, contenu.read())
            except FileNotFoundError:  # un fichier perdu n'empêche pas le reste
                continue
    sortie.seek(0)
    return sortie
