"""« Mes enfants » → un enfant → « Planning » : la grille du mois, la page d'un jour et ses
actions (réserver, annuler, déclarer une absence), la réservation de plusieurs jours et le
lien privé de l'agenda (iCalendar).

La grille est construite par `enfants.planning` en un nombre fixe de requêtes ; chaque action
appelle le service des réservations (`enfants.reservations`), qui décide et dit pourquoi en
français. Tout marche sans JavaScript ; static/js/planning.js n'ajoute qu'un menu au clic droit.
"""

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from enfants import ical, lectures
from enfants.acces import get_enfant_for_famille
from enfants.forms.planning import MotifAbsenceForm, ReservationPeriodeForm
from enfants.lectures import prestations_reservables
from enfants.models import Enfant
from enfants.planning import (
    construire_jour,
    construire_planning,
    jour_et_annee,
    lire_mois,
    titre_du_mois,
)
from enfants.regles import instant_en_clair, peut_encore_annuler
from enfants.reservations import (
    annuler_reservation,
    declarer_absence,
    reserver,
    reserver_periode,
)
from enfants.views.enfants import SECTIONS
from familles.acces import famille_requise

# --- L'accès : toujours à travers la famille connectée ----------------------------------------


def _get_jour_for_famille(request, pk, prestation_pk, jour):
    """La case d'une prestation à laquelle l'enfant de la famille est inscrit ce jour-là."""
    enfant = get_enfant_for_famille(request, pk)
    detail = construire_jour(enfant=enfant, prestation_id=prestation_pk, jour=jour)
    if detail is None:
        raise Http404("Cet enfant n'est pas inscrit à cette prestation ce jour-là.")
    return enfant, detail


def _get_prestation_for_famille(request, pk, prestation_pk, jour):
    """L'enfant de la famille, la prestation à laquelle il est inscrit ce jour-là (404 sinon)
    et ses inscriptions à la prestation, en une requête, sans construire la case : une action
    laisse le service des réservations tout vérifier avec ces inscriptions, et une réservation
    un matin d'ouverture ne fait pas deux fois le travail."""
    inscriptions = lectures.inscriptions_de_l_enfant(
        pk=pk, famille_id=request.famille.pk, prestation_id=prestation_pk
    )
    inscription = next((i for i in inscriptions if i.couvre(jour)), None)
    if inscription is None:
        raise Http404("Aucun enfant de la famille n'est inscrit à cette prestation ce jour-là.")
    enfant = inscription.enfant
    enfant.famille = request.famille  # déjà chargée avec le compte : pas de requête de plus
    return enfant, inscription.prestation, inscriptions


# --- Les pages -------------------------------------------------------------------------------


def _url_planning(enfant, jour):
    return f"{reverse('enfant_planning', args=[enfant.pk])}?mois={jour:%Y-%m}"


def _page(request, gabarit, enfant, **contexte):
    """Une page de la section « Planning » de la fiche de l'enfant, avec son menu."""
    menu = [(libelle, nom_url, cle == "planning") for cle, (libelle, nom_url) in SECTIONS.items()]
    return render(
        request,
        f"enfants/{gabarit}.html",
        {
            "onglet": "mes_enfants",
            "enfant": enfant,
            "menu": menu,
            "titre_section": "Planning",
            "url_section": "enfant_planning",
            "pleine_largeur": True,
            **contexte,
        },
    )


def _page_planning(request, enfant, mois):
    maintenant = timezone.now()
    base = reverse("enfant_planning", args=[enfant.pk])
    planning = construire_planning(
        enfant=enfant, mois=mois, maintenant=maintenant, lien_des_cases=base
    )
    agenda = None
    if enfant.jeton_calendrier:
        agenda = request.build_absolute_uri(reverse("agenda", args=[enfant.jeton_calendrier]))
    return _page(
        request,
        "planning",
        enfant,
        planning=planning,
        agenda=agenda,
        agenda_webcal="webcal://" + agenda.partition("://")[2] if agenda else None,
    )


@famille_requise
def planning(request, pk):
    enfant = get_enfant_for_famille(request, pk)
    mois = lire_mois(request.GET.get("mois"), timezone.localdate())
    return _page_planning(request, enfant, mois)


@famille_requise
def jour_planning(request, pk, prestation_pk, jour):
    """La page d'une case : le jour, son état, et les actions permises en formulaires."""
    enfant, detail = _get_jour_for_famille(request, pk, prestation_pk, jour)
    return _page_jour(request, enfant, detail)


def _page_jour(request, enfant, detail, form_absence=None):
    return _page(
        request,
        "planning_jour",
        enfant,
        titre=f"{detail.colonne.en_clair} {detail.jour.year} — {detail.prestation.nom}",
        detail=detail,
        case=detail.case,
        form_absence=form_absence or MotifAbsenceForm(),
        retour=_url_planning(enfant, detail.jour),
        mois=titre_du_mois(detail.jour),
        limite_reservation=instant_en_clair(detail.limite_reservation),
        limite_annulation=instant_en_clair(detail.limite_annulation),
    )


def _annoncer(request, resultat):
    """Le message du service, de la couleur de son issue."""
    if resultat.accepte:
        messages.success(request, resultat.message)
    elif resultat.en_attente:
        messages.info(request, resultat.message)
    else:
        messages.error(request, resultat.message)


@famille_requise
def reserver_jour(request, pk, prestation_pk, jour):
    enfant, prestation, inscriptions = _get_prestation_for_famille(request, pk, prestation_pk, jour)
    if request.method != "POST":
        return redirect("enfant_planning_jour", pk, prestation_pk, jour)
    resultat = reserver(
        enfant=enfant,
        prestation=prestation,
        jour=jour,
        par=request.user,
        inscriptions=inscriptions,
    )
    _annoncer(request, resultat)
    return redirect(_url_planning(enfant, jour))


@famille_requise
def annuler_jour(request, pk, prestation_pk, jour):
    enfant, prestation, inscriptions = _get_prestation_for_famille(request, pk, prestation_pk, jour)
    if request.method != "POST":
        return redirect("enfant_planning_jour", pk, prestation_pk, jour)
    resultat = annuler_reservation(
        enfant=enfant,
        prestation=prestation,
        jour=jour,
        par=request.user,
        inscriptions=inscriptions,
    )
    _annoncer(request, resultat)
    return redirect(_url_planning(enfant, jour))


@famille_requise
def absence_jour(request, pk, prestation_pk, jour):
    """« Déclarer une absence » : la raison (page du jour), la confirmation, puis le service."""
    enfant, detail = _get_jour_for_famille(request, pk, prestation_pk, jour)
    if request.method != "POST":
        return redirect("enfant_planning_jour", pk, prestation_pk, jour)
    form = MotifAbsenceForm(request.POST)
    if not form.is_valid():
        return _page_jour(request, enfant, detail, form_absence=form)
    if "confirmer" not in request.POST:
        return _page(
            request,
            "planning_absence",
            enfant,
            titre="Confirmer l'absence",
            detail=detail,
            case=detail.case,
            form=form,
            excusee=peut_encore_annuler(detail.prestation, jour),
            limite_annulation=instant_en_clair(detail.limite_annulation),
            retour=_url_planning(enfant, jour),
            le_jour=jour_et_annee(jour),
        )
    resultat = declarer_absence(
        enfant=enfant,
        prestation=detail.prestation,
        jour=jour,
        par=request.user,
        motif=form.cleaned_data["motif"],
    )
    _annoncer(request, resultat)
    return redirect(_url_planning(enfant, jour))


@famille_requise
def reserver_plusieurs_jours(request, pk):
    """« Réserver plusieurs jours » : une prestation, des jours de la semaine, une période
    (une page à part, pour ne pas alourdir la grille) ; puis le récapitulatif de ce qui est
    réservé, de ce qui attend et de ce qui est refusé."""
    enfant = get_enfant_for_famille(request, pk)
    aujourdhui = timezone.localdate()
    mois = lire_mois(request.POST.get("mois") or request.GET.get("mois"), aujourdhui)
    form = ReservationPeriodeForm(
        request.POST if request.method == "POST" else None,
        prestations=prestations_reservables(enfant=enfant, aujourdhui=aujourdhui),
        aujourdhui=aujourdhui,
    )
    if not form.is_valid():  # un formulaire non lié n'est jamais valide : la page, vierge
        return _page(
            request,
            "planning_periode",
            enfant,
            titre="Réserver plusieurs jours",
            form=form,
            mois=mois,
            retour=_url_planning(enfant, mois),
        )
    donnees = form.cleaned_data
    resultats = reserver_periode(
        enfant=enfant,
        prestation=donnees["prestation"],
        debut=donnees["debut"],
        fin=donnees["fin"],
        jours_semaine=donnees["jours_semaine"],
        par=request.user,
    )
    return _page(
        request,
        "planning_resume",
        enfant,
        titre="Réservation de plusieurs jours",
        prestation=donnees["prestation"],
        debut=donnees["debut"],
        fin=donnees["fin"],
        acceptes=[jour_et_annee(r.jour) for r in resultats if r.accepte],
        en_attente=_par_message([r for r in resultats if r.en_attente]),
        refuses=_par_message([r for r in resultats if r.refuse]),
        nombre_en_attente=sum(r.en_attente for r in resultats),
        nombre_refuses=sum(r.refuse for r in resultats),
        retour=_url_planning(enfant, donnees["debut"]),
    )


def _par_message(resultats):
    """[(message, [jours en clair])] : les jours refusés pour la même raison vont ensemble
    (« n'a lieu qu'en période scolaire » : toutes les vacances d'un coup)."""
    groupes = {}
    for resultat in resultats:
        groupes.setdefault(resultat.message, []).append(jour_et_annee(resultat.jour))
    return list(groupes.items())


# --- L'agenda sur le téléphone : un lien privé, révocable -------------------------------------


def _url_agenda(enfant):
    return f"{reverse('enfant_planning', args=[enfant.pk])}#agenda"


@famille_requise
def creer_agenda(request, pk):
    """Crée (ou remplace) le lien privé de l'agenda : l'ancien cesse aussitôt de marcher."""
    enfant = get_enfant_for_famille(request, pk)
    if request.method != "POST":
        return redirect(_url_agenda(enfant))
    remplace = enfant.jeton_calendrier is not None
    enfant.jeton_calendrier = uuid.uuid4()
    enfant.save(update_fields=["jeton_calendrier"])
    messages.success(
        request,
        "Un nouveau lien d'agenda est prêt ; l'ancien ne fonctionne plus."
        if remplace
        else "Le lien de l'agenda est prêt : ajoutez-le à l'agenda de votre téléphone.",
    )
    return redirect(_url_agenda(enfant))


@famille_requise
def revoquer_agenda(request, pk):
    enfant = get_enfant_for_famille(request, pk)
    if request.method != "POST":
        return redirect(_url_agenda(enfant))
    if enfant.jeton_calendrier is not None:
        enfant.jeton_calendrier = None
        enfant.save(update_fields=["jeton_calendrier"])
    messages.success(request, "Le lien de l'agenda est révoqué : il ne fonctionne plus.")
    return redirect(_url_agenda(enfant))


def agenda(request, jeton):
    """Le flux iCalendar d'un enfant : sans connexion, le jeton est le secret."""
    enfant = get_object_or_404(Enfant, jeton_calendrier=jeton)
    contenu = ical.agenda_de(enfant=enfant, aujourdhui=timezone.localdate())
    reponse = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = f'inline; filename="planning-{slugify(enfant.prenom)}.ics"'
    reponse["Cache-Control"] = "private, max-age=900"
    reponse["X-Robots-Tag"] = "noindex, nofollow"
    return reponse
