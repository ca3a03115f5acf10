"""L'administration des journées (et la feuille de présence) et des fermetures."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from commun.exports import FORMATS
from enfants import presences, regles
from enfants.admin.outils import (
    PERMISSION_PRESENCES,
    PrestationChoixMixin,
    PrestationListFilter,
    lien_feuille_de_presence,
)
from enfants.models import (
    Fermeture,
    Journee,
    Prestation,
)
from enfants.ressources import FeuilleDePresenceRessource, JourneeRessource
from familles.admin.outils import ExporterMixin, HistoriqueAdmin, reponse_fichier


class ChoixFeuilleForm(forms.Form):
    prestation = forms.ModelChoiceField(
        Prestation.objects.select_related("structure"),
        label="Prestation",
        error_messages={
            "required": "Choisissez la prestation.",
            "invalid_choice": "Choisissez la prestation.",
        },
    )
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date.", "invalid": "Indiquez une date valide."},
    )


class FeuilleDePresenceForm(forms.Form):
    """Un groupe de boutons Présent / Absent excusé / Absent facturé par enfant attendu."""

    def __init__(self, *args, lignes, **kwargs):
        super().__init__(*args, **kwargs)
        self.lignes = lignes
        choix = [(etat.value, etat.label) for etat in presences.ETATS_DE_PRESENCE]
        for ligne in lignes:
            self.fields[self.nom(ligne)] = forms.ChoiceField(
                label=f"{ligne.enfant.prenom} {ligne.enfant.nom}",
                choices=choix,
                required=False,
                initial=ligne.etat if ligne.etat in presences.ETATS_DE_PRESENCE else None,
                widget=forms.RadioSelect(attrs={"class": "radiolist inline"}),
            )

    @staticmethod
    def nom(ligne):
        return f"enfant_{ligne.enfant.pk}"

    def lignes_et_champs(self):
        return [(ligne, self[self.nom(ligne)]) for ligne in self.lignes]

    def etats(self):
        return {
            ligne.enfant.pk: self.cleaned_data[self.nom(ligne)]
            for ligne in self.lignes
            if self.cleaned_data.get(self.nom(ligne))
        }


def resume_des_presences(decompte, total):
    """« 12 présents, 1 absent excusé, 0 absent facturé » (et les enfants non pointés)."""
    morceaux = []
    for etat, singulier, pluriel in (
        (Journee.Etat.PRESENT, "présent", "présents"),
        (Journee.Etat.ABSENT_EXCUSE, "absent excusé", "absents excusés"),
        (Journee.Etat.ABSENT_FACTURE, "absent facturé", "absents facturés"),
    ):
        nombre = decompte.get(etat, 0)
        morceaux.append(f"{nombre} {pluriel if nombre > 1 else singulier}")
    resume = ", ".join(morceaux)
    sans_etat = total - sum(decompte.values())
    if sans_etat:
        resume += f" ; {sans_etat} enfant{'s' if sans_etat > 1 else ''} sans présence notée"
    return resume


@admin.register(Journee)
class JourneeAdmin(ExporterMixin, PrestationChoixMixin, HistoriqueAdmin):
    resource_classes = (JourneeRessource,)
    list_display = (
        "date",
        "enfant",
        "famille_numero",
        "prestation",
        "etat",
        "reservee",
        "demandee_le",
        "modifiee_par",
    )
    list_filter = ("etat", ("prestation", PrestationListFilter), "date", "reservee")
    list_select_related = ("enfant__famille", "prestation__structure", "modifiee_par")
    search_fields = ("enfant__nom", "enfant__prenom", "enfant__famille__numero")
    date_hierarchy = "date"
    # À jour et prestation égaux, l'ordre des demandes : celui de la liste d'attente.
    ordering = (
        "-date",
        "prestation__structure__ordre",
        "prestation__ordre",
        "demandee_le",
        "enfant__nom",
    )
    autocomplete_fields = ("enfant",)
    readonly_fields = ("demandee_le", "modifiee_par", "modifiee_le")
    fields = ("enfant", "prestation", "date", "etat", "reservee", "motif", *readonly_fields)
    change_list_template = "admin/enfants/journee/change_list.html"

    @admin.display(description="N° famille", ordering="enfant__famille__numero")
    def famille_numero(self, obj):
        return obj.enfant.famille.numero

    def save_model(self, request, obj, form, change):
        obj.modifiee_par = request.user
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "peut_pointer": request.user.has_perm(PERMISSION_PRESENCES),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "feuille-de-presence/",
                self.admin_site.admin_view(self.feuille_de_presence_view),
                name="enfants_journee_feuille_de_presence",
            ),
            path(
                "feuille-de-presence/exporter/",
                self.admin_site.admin_view(self.feuille_de_presence_export_view),
                name="enfants_journee_feuille_de_presence_export",
            ),
            *super().get_urls(),
        ]

    def feuille_de_presence_export_view(self, request):
        """La feuille de présence d'un jour en CSV ou en XLSX (?prestation=…&date=…&format=…),
        à imprimer ou à remplir hors ligne."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        choix = ChoixFeuilleForm(request.GET)
        format_ = FORMATS.get(request.GET.get("format", ""))
        if not choix.is_valid() or format_ is None:
            self.message_user(
                request, "Choisissez la prestation, le jour et le format.", messages.ERROR
            )
            return redirect("admin:enfants_journee_feuille_de_presence")
        prestation, jour = choix.cleaned_data["prestation"], choix.cleaned_data["date"]
        lignes = presences.feuille_de_presence(prestation=prestation, jour=jour)
        donnees = FeuilleDePresenceRessource().export(
            queryset=lignes, force_native_type=format_().is_binary()
        )
        donnees.title = f"Présences {jour:%d-%m-%Y}"
        return reponse_fichier(donnees, format_(), f"presences-{prestation.pk}-{jour:%Y-%m-%d}")

    def feuille_de_presence_view(self, request):
        """« Feuille de présence » : les enfants attendus d'une prestation un jour donné
        (aujourd'hui par défaut), pointés Présent / Absent excusé / Absent facturé d'un coup."""
        if not request.user.has_perm(PERMISSION_PRESENCES):
            raise PermissionDenied
        aujourd_hui = timezone.localdate()
        choix = ChoixFeuilleForm(
            {
                "prestation": request.GET.get("prestation", ""),
                "date": request.GET.get("date") or f"{aujourd_hui:%Y-%m-%d}",
            }
            if "prestation" in request.GET
            else None,
            initial={"date": aujourd_hui},
        )
        contexte = {
            **self.admin_site.each_context(request),
            "title": "Feuille de présence",
            "opts": self.opts,
            "choix": choix,
        }
        if choix.is_bound and choix.is_valid():
            prestation, jour = choix.cleaned_data["prestation"], choix.cleaned_data["date"]
            lignes = presences.feuille_de_presence(prestation=prestation, jour=jour)
            feuille = FeuilleDePresenceForm(
                request.POST if request.method == "POST" else None, lignes=lignes
            )
            if request.method == "POST" and feuille.is_valid():
                decompte = presences.enregistrer_presences(
                    prestation=prestation, jour=jour, etats=feuille.etats(), par=request.user
                )
                self.message_user(
                    request,
                    f"Feuille de présence du {regles.jour_en_clair(jour)} {jour.year} "
                    f"enregistrée : {resume_des_presences(decompte, len(lignes))}.",
                    messages.SUCCESS,
                )
                return redirect(lien_feuille_de_presence(prestation, jour))
            un_jour = datetime.timedelta(days=1)
            contexte.update(
                title=f"Feuille de présence — {prestation}",
                prestation=prestation,
                jour=jour,
                jour_en_clair=f"{regles.jour_en_clair(jour).capitalize()} {jour.year}",
                fermeture=regles.raison_de_fermeture(
                    prestation,
                    jour,
                    Fermeture.objects.filter(date_debut__lte=jour, date_fin__gte=jour),
                ),
                feuille=feuille,
                export=reverse("admin:enfants_journee_feuille_de_presence_export")
                + f"?prestation={prestation.pk}&date={jour:%Y-%m-%d}",
                veille=lien_feuille_de_presence(prestation, jour - un_jour),
                lendemain=lien_feuille_de_presence(prestation, jour + un_jour),
            )
        return TemplateResponse(request, "admin/enfants/feuille_de_presence.html", contexte)


@admin.register(Fermeture)
class FermetureAdmin(PrestationChoixMixin, admin.ModelAdmin):
    list_display = ("date_debut", "date_fin", "concerne", "motif")
    list_filter = ("structure", ("prestation", PrestationListFilter))
    list_select_related = ("structure", "prestation__structure")
    search_fields = ("motif", "structure__nom", "prestation__nom")
    date_hierarchy = "date_debut"
    ordering = ("-date_debut",)
    fields = ("structure", "prestation", "date_debut", "date_fin", "motif")

    @admin.display(description="fermé")
    def concerne(self, obj):
        return str(obj.prestation or obj.structure or "Tout le service")
