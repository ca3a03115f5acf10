"""« Mes enfants » : les enfants de la famille, la fiche de chacun et les demandes qui les
concernent (informations, personnes autorisées, données sanitaires, autorisations, nouvel
enfant).

Chaque page montre, à côté des valeurs actuelles, ce qui attend la décision du service : ces
vues déposent des demandes, la seule raison pour laquelle `enfants` utilise `demandes` (les
demandes, leurs lectures compilées et leur service ; voir « Organisation du code » dans le
README). Toute demande passe par `demandes.services` : `creer_demande` ne garde que les champs
changés, et `demander_modification` y ajoute qu'une fiche n'a jamais deux demandes en attente.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.text import capfirst

from demandes import lectures
from demandes.lectures import EN_ATTENTE
from demandes.models import Demande
from demandes.services import (
    SUPPRIMER,
    DemandeImpossible,
    creer_demande,
    demander_modification,
)
from enfants.acces import get_enfant_for_famille
from enfants.forms.enfants import (
    VACCINS_COURANTS,
    AutorisationsForm,
    FicheSanitaireForm,
    IdentiteForm,
    NouvelEnfantForm,
    PersonneAutoriseeForm,
    RetraitForm,
    VaccinationForm,
)
from enfants.models import Enfant, FicheSanitaire, PersonneAutorisee, Vaccination
from familles.acces import famille_requise

TRANSMISE = (
    "Votre demande a été transmise au service enfance. Vous serez informé(e) de sa décision "
    "dans votre Boîte de réception."
)
DEJA_EN_ATTENTE = (
    "Une demande sur ces informations est déjà en attente : le service enfance doit la traiter "
    "avant que vous puissiez en envoyer une autre."
)

# Le menu de la fiche d'un enfant, comme les « menus à gauche de l'écran » du guide.
SECTIONS = {
    "identite": ("Identité", "enfant_identite"),
    "personnes": ("Personnes autorisées", "enfant_personnes"),
    "sanitaire": ("Données sanitaires", "enfant_sanitaire"),
    "autorisations": ("Autorisations", "enfant_autorisations"),
    "planning": ("Planning", "enfant_planning"),
}
PERSONNES = Demande.Type.PERSONNES_AUTORISEES
SANITAIRES = Demande.Type.DONNEES_SANITAIRES


# --- L'accès : toujours à travers la famille connectée ----------------------------------------


def _get_personne_for_famille(request, pk, personne_pk):
    """La personne autorisée d'un enfant de la famille connectée (avec l'enfant), ou 404."""
    return get_object_or_404(
        PersonneAutorisee.objects.select_related("enfant__fiche_sanitaire"),
        pk=personne_pk,
        enfant_id=pk,
        enfant__famille=request.famille,
    )


def _get_vaccination_for_famille(request, pk, vaccin_pk):
    """Le vaccin d'un enfant de la famille connectée (avec l'enfant), ou 404."""
    return get_object_or_404(
        Vaccination.objects.select_related("enfant__fiche_sanitaire"),
        pk=vaccin_pk,
        enfant_id=pk,
        enfant__famille=request.famille,
    )


# --- Ce que montrent les pages : les valeurs et, à côté, ce qui est demandé ------------------


@dataclass
class Ligne:
    libelle: str
    actuelle: object
    demandee: object = None
    en_attente: bool = False


@dataclass
class Element:
    """Une personne autorisée ou un vaccin (ou sa création demandée, sans `objet`)."""

    objet: object
    lignes: list
    demande: Demande | None = None

    @property
    def retrait_demande(self):
        return self.demande is not None and bool(self.demande.valeurs_demandees.get(SUPPRIMER))


def affichage(champ, valeur):
    """Une valeur de champ (ou sa forme JSON dans une demande) telle que la famille la lit."""
    if valeur is None or valeur == "":
        return None
    if champ.choices:
        return dict(champ.flatchoices).get(valeur, valeur)
    if isinstance(champ, models.DateField):
        return date_format(champ.to_python(valeur), "d/m/Y")
    return champ.to_python(valeur)


def lignes(modele, fiche, champs, demande=None):
    """Les lignes « libellé : valeur actuelle (et valeur demandée) » d'une fiche."""
    demandees = demande.valeurs_demandees if demande else {}
    resultat = []
    for nom in champs:
        champ = modele._meta.get_field(nom)
        resultat.append(
            Ligne(
                libelle=capfirst(champ.verbose_name),
                actuelle=affichage(champ, getattr(fiche, nom)) if fiche is not None else None,
                demandee=affichage(champ, demandees.get(nom)),
                en_attente=nom in demandees,
            )
        )
    return resultat


class FicheEnfant:
    """La fiche d'un enfant telle que sa famille la voit, avec ses demandes en attente : une
    requête pour les demandes, une par liste affichée, quel que soit leur nombre."""

    def __init__(self, enfant):
        self.enfant = enfant
        self.fiche_sanitaire = getattr(enfant, "fiche_sanitaire", None)
        self.en_attente = list(
            Demande.objects.filter(
                famille_id=enfant.famille_id, enfant=enfant, statut=EN_ATTENTE
            ).order_by("date_demande")
        )

    def _demandes(self, type_demande, modele):
        type_fiche = ContentType.objects.get_for_model(modele).pk
        return [
            d for d in self.en_attente if d.type == type_demande and d.cible_type_id == type_fiche
        ]

    def demande(self, type_demande, modele, fiche):
        """La demande en attente sur cette fiche (`fiche=None` : la création de la fiche)."""
        cible_id = fiche.pk if fiche is not None else None
        for demande in self._demandes(type_demande, modele):
            if demande.cible_id == cible_id:
                return demande
        return None

    def elements(self, type_demande, form_class, fiches):
        """Les fiches d'une liste, chacune avec sa demande en attente, puis les créations."""
        modele, champs = form_class._meta.model, form_class._meta.fields
        demandes = self._demandes(type_demande, modele)
        par_cible = {d.cible_id: d for d in demandes if d.cible_id is not None}
        existants = [
            Element(
                fiche,
                lignes(modele, fiche, champs, par_cible.get(fiche.pk)),
                par_cible.get(fiche.pk),
            )
            for fiche in fiches
        ]
        nouveaux = [
            Element(None, lignes(modele, None, champs, d), d)
            for d in demandes
            if d.cible_id is None
        ]
        return existants, nouveaux


def _donnees(request):
    return request.POST if request.method == "POST" else None


def _demande_traitee(request, form, *, deja=None, valeurs=None, **demande):
    """Envoie la demande quand le formulaire est valable ; vrai quand la vue doit revenir à la
    section (demande transmise, ou `deja` une en attente : on le dit). Faux sinon : le
    formulaire porte ses erreurs, y compris celles du service (« aucune information modifiée »).

    Une modification (`cible`) envoie tous les champs, le service ne garde que les changés et
    refuse un doublon en attente, même sur un double clic. Une création (`modele`) n'envoie
    que ce qui diffère d'une fiche vierge ; plusieurs peuvent attendre ensemble (deux
    personnes, trois vaccins, des jumeaux)."""
    if request.method != "POST" or not form.is_valid():
        return False
    if deja is not None:
        messages.warning(request, DEJA_EN_ATTENTE)
        return True
    if valeurs is None:
        valeurs = form.valeurs_nouvelles() if "modele" in demande else form.valeurs()
    service = demander_modification if "cible" in demande else creer_demande
    try:
        service(
            famille=request.famille,
            par=request.user,
            valeurs=valeurs,
            commentaire=form.cleaned_data.get("commentaire", ""),
            **demande,
        )
    except DemandeImpossible as erreur:
        form.add_error(None, erreur.message)
        return False
    messages.success(request, TRANSMISE)
    return True


def _page(request, gabarit, fiche, section, **contexte):
    """Une page de la fiche d'un enfant : son menu, la section courante."""
    menu = [(libelle, nom_url, cle == section) for cle, (libelle, nom_url) in SECTIONS.items()]
    titre, url_section = SECTIONS[section]
    demande = contexte.get("demande")
    return render(
        request,
        f"enfants/{gabarit}.html",
        {
            "onglet": "mes_enfants",
            "enfant": fiche.enfant,
            "menu": menu,
            "titre_section": titre,
            "url_section": url_section,
            "retrait_en_attente": bool(demande and demande.valeurs_demandees.get(SUPPRIMER)),
            **contexte,
        },
    )


# --- Mes enfants et l'inscription d'un nouvel enfant -----------------------------------------


def _inscription(demande):
    """Une pré-inscription en attente, lisible : prénom, nom, date de naissance."""
    champs = ("prenom", "nom", "date_naissance")
    demandees = lignes(Enfant, None, champs, demande)
    return {nom: ligne.demandee for nom, ligne in zip(champs, demandees, strict=True)}


@famille_requise
def mes_enfants(request):
    famille_id = request.famille.pk
    inscriptions = lectures.inscriptions_en_attente(famille_id=famille_id)
    return render(
        request,
        "enfants/mes_enfants.html",
        {
            "enfants": lectures.enfants_de_la_famille(famille_id=famille_id),
            "inscriptions": [(d, _inscription(d)) for d in inscriptions],
        },
    )


@famille_requise
def nouvel_enfant(request):
    """« Ajouter un enfant » : une pré-inscription ; le service rappelle la famille."""
    form = NouvelEnfantForm(_donnees(request), initial={"nom": request.responsable.nom})
    if _demande_traitee(request, form, type=Demande.Type.NOUVEL_ENFANT, modele=Enfant):
        return redirect("mes_enfants")
    return render(request, "enfants/nouvel_enfant.html", {"form": form, "onglet": "mes_enfants"})


# --- La fiche d'un enfant : Identité, Autorisations ------------------------------------------


def _modifier_enfant(request, pk, section, form_class, type_demande):
    """Identité et Autorisations : des champs de l'enfant lui-même."""
    enfant = get_enfant_for_famille(request, pk)
    fiche = FicheEnfant(enfant)
    demande = fiche.demande(type_demande, Enfant, enfant)
    champs = form_class._meta.fields
    form = form_class(_donnees(request), initial=model_to_dict(enfant, fields=champs))
    if _demande_traitee(
        request, form, deja=demande, type=type_demande, cible=enfant, enfant=enfant
    ):
        return redirect(f"enfant_{section}", pk=enfant.pk)
    return _page(
        request,
        "section",
        fiche,
        section,
        form=form,
        demande=demande,
        lignes=lignes(Enfant, enfant, champs, demande),
    )


@famille_requise
def enfant_identite(request, pk):
    return _modifier_enfant(request, pk, "identite", IdentiteForm, Demande.Type.ENFANT)


@famille_requise
def enfant_autorisations(request, pk):
    return _modifier_enfant(
        request, pk, "autorisations", AutorisationsForm, Demande.Type.AUTORISATIONS
    )


# --- Personnes autorisées --------------------------------------------------------------------


@famille_requise
def enfant_personnes(request, pk):
    """Les personnes autorisées à venir chercher l'enfant ; en ajouter une."""
    enfant = get_enfant_for_famille(request, pk)
    form = PersonneAutoriseeForm(_donnees(request))
    if _demande_traitee(request, form, type=PERSONNES, modele=PersonneAutorisee, enfant=enfant):
        return redirect("enfant_personnes", pk=enfant.pk)
    fiche = FicheEnfant(enfant)
    personnes, nouvelles = fiche.elements(
        PERSONNES, PersonneAutoriseeForm, enfant.personnes_autorisees.all()
    )
    return _page(
        request,
        "personnes",
        fiche,
        "personnes",
        form=form,
        personnes=personnes,
        nouvelles=nouvelles,
    )


def _modifier_element(
    request, enfant, objet, form_class, type_demande, section, titre, form_kwargs=None
):
    """Modifier une personne autorisée ou un vaccin : la page de l'élément et son formulaire."""
    fiche = FicheEnfant(enfant)
    demande = fiche.demande(type_demande, type(objet), objet)
    champs = form_class._meta.fields
    initial = model_to_dict(objet, fields=champs)
    form = form_class(_donnees(request), initial=initial, **(form_kwargs or {}))
    if _demande_traitee(request, form, deja=demande, type=type_demande, cible=objet, enfant=enfant):
        return redirect(f"enfant_{section}", pk=enfant.pk)
    return _page(
        request,
        "element_modifier",
        fiche,
        section,
        titre=titre,
        form=form,
        demande=demande,
        lignes=lignes(type(objet), objet, champs, demande),
    )


def _retirer_element(request, enfant, objet, type_demande, section, titre):
    """Retirer une personne autorisée ou un vaccin : une confirmation, puis la demande."""
    fiche = FicheEnfant(enfant)
    demande = fiche.demande(type_demande, type(objet), objet)
    form = RetraitForm(_donnees(request))
    if _demande_traitee(
        request,
        form,
        deja=demande,
        valeurs={SUPPRIMER: True},
        type=type_demande,
        cible=objet,
        enfant=enfant,
    ):
        return redirect(f"enfant_{section}", pk=enfant.pk)
    return _page(
        request, "element_retirer", fiche, section, titre=titre, form=form, demande=demande
    )


@famille_requise
def enfant_personne_modifier(request, pk, personne_pk):
    personne = _get_personne_for_famille(request, pk, personne_pk)
    titre = f"Modifier {personne.prenom} {personne.nom}"
    return _modifier_element(
        request, personne.enfant, personne, PersonneAutoriseeForm, PERSONNES, "personnes", titre
    )


@famille_requise
def enfant_personne_retirer(request, pk, personne_pk):
    personne = _get_personne_for_famille(request, pk, personne_pk)
    titre = f"Retirer {personne.prenom} {personne.nom} des personnes autorisées"
    return _retirer_element(request, personne.enfant, personne, PERSONNES, "personnes", titre)


# --- Données sanitaires et vaccins -----------------------------------------------------------


def _form_fiche_sanitaire(enfant, donnees=None):
    """Le formulaire part de la fiche, ou d'une fiche vierge si l'enfant n'en a pas."""
    sanitaire = getattr(enfant, "fiche_sanitaire", None) or FicheSanitaire()
    champs = FicheSanitaireForm._meta.fields
    return FicheSanitaireForm(donnees, initial=model_to_dict(sanitaire, fields=champs))


def _page_sanitaire(request, fiche, *, form_fiche=None, form_vaccin=None):
    enfant = fiche.enfant
    demande = fiche.demande(SANITAIRES, FicheSanitaire, fiche.fiche_sanitaire)
    champs = FicheSanitaireForm._meta.fields
    vaccinations, nouvelles = fiche.elements(SANITAIRES, VaccinationForm, enfant.vaccinations.all())
    return _page(
        request,
        "sanitaire",
        fiche,
        "sanitaire",
        form=_form_fiche_sanitaire(enfant) if form_fiche is None else form_fiche,
        form_vaccin=VaccinationForm(enfant=enfant) if form_vaccin is None else form_vaccin,
        demande=demande,
        sans_fiche=fiche.fiche_sanitaire is None,
        lignes=lignes(FicheSanitaire, fiche.fiche_sanitaire, champs, demande),
        vaccinations=vaccinations,
        nouvelles=nouvelles,
        vaccins_courants=VACCINS_COURANTS,
        ouvrir_vaccin=form_vaccin is not None,
    )


@famille_requise
def enfant_sanitaire(request, pk):
    """Les données sanitaires ; sans fiche, la demande la crée (une seule en attente)."""
    enfant = get_enfant_for_famille(request, pk)
    sanitaire = getattr(enfant, "fiche_sanitaire", None)
    form = _form_fiche_sanitaire(enfant, _donnees(request))
    cible = {"cible": sanitaire} if sanitaire is not None else {"modele": FicheSanitaire}
    fiche = FicheEnfant(enfant)
    deja = fiche.demande(SANITAIRES, FicheSanitaire, sanitaire)
    if _demande_traitee(request, form, deja=deja, type=SANITAIRES, enfant=enfant, **cible):
        return redirect("enfant_sanitaire", pk=enfant.pk)
    return _page_sanitaire(request, fiche, form_fiche=form)


@famille_requise
def enfant_vaccin_ajouter(request, pk):
    enfant = get_enfant_for_famille(request, pk)
    form = VaccinationForm(_donnees(request), enfant=enfant)
    if _demande_traitee(request, form, type=SANITAIRES, modele=Vaccination, enfant=enfant):
        return redirect("enfant_sanitaire", pk=enfant.pk)
    return _page_sanitaire(request, FicheEnfant(enfant), form_vaccin=form)


@famille_requise
def enfant_vaccin_modifier(request, pk, vaccin_pk):
    vaccination = _get_vaccination_for_famille(request, pk, vaccin_pk)
    titre = f"Corriger le vaccin {vaccination}"
    return _modifier_element(
        request,
        vaccination.enfant,
        vaccination,
        VaccinationForm,
        SANITAIRES,
        "sanitaire",
        titre,
        form_kwargs={"enfant": vaccination.enfant, "vaccination": vaccination},
    )


@famille_requise
def enfant_vaccin_retirer(request, pk, vaccin_pk):
    vaccination = _get_vaccination_for_famille(request, pk, vaccin_pk)
    titre = f"Retirer le vaccin {vaccination}"
    return _retirer_element(
        request, vaccination.enfant, vaccination, SANITAIRES, "sanitaire", titre
    )
