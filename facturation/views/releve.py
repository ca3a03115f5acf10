"""Le « Relevé de compte » d'un parent connecté, et les PDF de ses factures."""

import datetime
import io
import logging

from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone

from facturation.acces import get_facture_for_famille
from facturation.comptes import Compte, annee_scolaire, raison_sans_paiement_en_ligne
from facturation.paiement import factures_payables
from facturation.pdf import PdfAltere, archiver_pdf, lire_pdf_archive, nom_du_pdf
from familles.acces import famille_requise

logger = logging.getLogger(__name__)

VUES = [
    ("factures", "Mes factures"),
    ("reglements", "Mes règlements"),
    ("tout", "Toutes les opérations"),
]


class ReleveForm(forms.Form):
    """L'année scolaire (l'année de la rentrée) et la vue du relevé, lues dans l'adresse."""

    annee = forms.TypedChoiceField(label="Année scolaire", coerce=int)
    vue = forms.ChoiceField(choices=VUES, required=False)

    def __init__(self, data, *, annees):
        super().__init__(data)
        self.fields["annee"].choices = [(annee, f"{annee}-{annee + 1}") for annee in annees]

    def valeur(self, nom, defaut):
        """La valeur du champ si elle est valide, `defaut` sinon (jamais d'erreur 500)."""
        self.is_valid()
        return self.cleaned_data.get(nom) or defaut


@famille_requise
def releve(request):
    """Les factures et les règlements d'une année scolaire, l'ancien solde et le solde."""
    aujourdhui = timezone.localdate()
    compte = Compte.de_la_famille(request.famille)
    form = ReleveForm(request.GET, annees=compte.annees(aujourdhui))
    annee = form.valeur("annee", annee_scolaire(aujourdhui)[0].year)
    vue = form.valeur("vue", "tout")
    releve = compte.releve(datetime.date(annee, 9, 1))
    operations = releve.operations_de(vue)
    # Le bouton « Payer en ligne » des factures affichées.
    affichees = {op.facture_id for op in operations if op.facture_id}
    maintenant = timezone.now()
    payables = factures_payables(
        famille=request.famille,
        factures=[f for f in releve.factures if f.pk in affichees],
        maintenant=maintenant,
    )
    # À la place du bouton absent d'une facture impayée : pourquoi (sans requête).
    raisons = {
        f.pk: raison_sans_paiement_en_ligne(f, famille=request.famille, maintenant=maintenant)
        for f in releve.factures
        if f.pk in affichees and f.pk not in payables
    }
    for operation in operations:
        operation.raison_sans_paiement = raisons.get(operation.facture_id, "")
    return render(
        request,
        "facturation/releve.html",
        {
            "releve": releve,
            "form": form,
            "annee": annee,
            "vue": vue,
            "vues": VUES,
            "operations": operations,
            "totaux": releve.totaux_de(vue),
            "payables": payables,
        },
    )


@famille_requise
def facture_pdf(request, pk):
    """Le PDF archivé d'une facture de la famille, affiché dans le navigateur."""
    facture = get_facture_for_famille(request, pk)
    archiver_pdf(facture=facture)  # sans effet quand le PDF est déjà archivé
    try:
        contenu = lire_pdf_archive(facture)
    except (FileNotFoundError, PdfAltere):
        logger.exception("PDF de la facture %s illisible", facture.numero)
        raise Http404("Ce document n'est pas disponible : contactez le service enfance.") from None
    return FileResponse(
        io.BytesIO(contenu),
        content_type="application/pdf",
        filename=nom_du_pdf(facture),
        as_attachment=False,
    )
