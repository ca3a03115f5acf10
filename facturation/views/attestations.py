"""« Mes attestations », dans le relevé de compte : l'attestation fiscale d'une année civile et
l'attestation de présence d'une période, en PDF (facturation/attestations.py)."""

import io
import logging

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import ExtractYear
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from facturation import attestations
from facturation.attestation_presence import (
    calculer_presences,
    nom_attestation_presence,
    rendre_attestation_presence,
    verifier_periode,
)
from facturation.models import AttestationFiscale, Reglement
from facturation.pdf import PdfAltere
from facturation.views.releve import VUES
from familles.acces import famille_requise

logger = logging.getLogger(__name__)


class ChampJour(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
    default_error_messages = {
        "required": "Indiquez cette date.",
        "invalid": "Saisissez une date valable (jj/mm/aaaa).",
    }


class AttestationFiscaleForm(forms.Form):
    annee = forms.IntegerField(
        label="Année civile",
        min_value=attestations.PREMIERE_ANNEE,
        max_value=9999,
        error_messages={
            "required": "Choisissez l'année de l'attestation.",
            "invalid": "Indiquez une année, par exemple 2025.",
            "min_value": f"Choisissez une année à partir de {attestations.PREMIERE_ANNEE}.",
            "max_value": "Cette année n'a pas commencé : il n'y a pas encore d'attestation.",
        },
    )


class AttestationPresenceForm(forms.Form):
    debut = ChampJour(label="Du")
    fin = ChampJour(label="Au")


def _page(request, *, fiscale=None, presence=None, status=200):
    """La page « Mes attestations », avec les formulaires (et leurs erreurs). Deux requêtes
    de plus que l'accès à la famille : les années payées, les attestations archivées."""
    aujourdhui = timezone.localdate()
    annees = sorted(
        {
            annee
            for annee in Reglement.objects.filter(famille=request.famille)
            .annotate(annee=ExtractYear("date"))
            .values_list("annee", flat=True)
            .distinct()
            if annee < aujourdhui.year
        },
        reverse=True,
    )
    archivees = AttestationFiscale.objects.filter(famille=request.famille).order_by(
        "-annee", "-version"
    )
    return render(
        request,
        "facturation/attestations.html",
        {
            "annees": annees,
            "fiscale": fiscale
            or AttestationFiscaleForm(initial={"annee": annees[0] if annees else None}),
            "presence": presence or AttestationPresenceForm(),
            "archivees": archivees,
            "vues": VUES,  # les onglets du relevé, « Mes attestations » en plus
        },
        status=status,
    )


def _pdf(contenu, nom):
    return FileResponse(
        io.BytesIO(contenu), content_type="application/pdf", filename=nom, as_attachment=True
    )


@famille_requise
def mes_attestations(request):
    return _page(request)


@famille_requise
def attestation_fiscale(request):
    """L'attestation fiscale de l'année choisie : émise (archivée) la première fois, puis la
    même, tant que les règlements de l'année ne changent pas."""
    form = AttestationFiscaleForm(request.GET)
    if form.is_valid():
        try:
            attestation = attestations.emettre_attestation_fiscale(
                famille=request.famille, annee=form.cleaned_data["annee"]
            )
        except ValidationError as erreur:
            form.add_error("annee", erreur)
        else:
            return _servir(attestation)
    return _page(request, fiscale=form, status=400)


@famille_requise
def attestation_fiscale_pdf(request, pk):
    """Une attestation archivée de la famille (une version précédente aussi) ; 404 sinon."""
    attestation = get_object_or_404(
        AttestationFiscale.objects.select_related("famille"), pk=pk, famille=request.famille
    )
    return _servir(attestation)


def _servir(attestation):
    try:
        contenu = attestations.lire_attestation(attestation)
    except (FileNotFoundError, ValueError, PdfAltere):
        logger.exception("PDF de l'attestation %s illisible", attestation.numero)
        raise Http404("Ce document n'est pas disponible : contactez le service enfance.") from None
    return _pdf(contenu, attestations.nom_attestation_fiscale(attestation))


@famille_requise
def attestation_presence(request):
    """L'attestation de présence de la période choisie (rien n'est enregistré)."""
    form = AttestationPresenceForm(request.GET)
    if form.is_valid():
        debut, fin = form.cleaned_data["debut"], form.cleaned_data["fin"]
        try:
            verifier_periode(request.famille, debut, fin, aujourdhui=timezone.localdate())
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            presences = calculer_presences(famille=request.famille, debut=debut, fin=fin)
            if presences.enfants:
                contenu = rendre_attestation_presence(presences)
                return _pdf(contenu, nom_attestation_presence(presences))
            form.add_error(
                None,
                f"Aucune présence notée du {debut:%d/%m/%Y} au {fin:%d/%m/%Y} : il n'y a rien "
                "à attester sur cette période.",
            )
    return _page(request, presence=form, status=400)
