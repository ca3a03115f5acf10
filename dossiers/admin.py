"""L'administration du dossier annuel : les types de documents demandés, ce que chaque
prestation exige avant une réservation, les certifications des familles, et la liste des
dossiers encore incomplets (par famille, par prestation).

Les documents déposés se vérifient depuis leur demande (demandes/admin/dossier.py) : accepter
ou refuser un document, c'est décider la demande « Document du dossier ».
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from dossiers.etat import documents_manquants, exigences_des_familles
from dossiers.models import CertificationAnnuelle, ExigenceDossier, TypeDocument
from enfants.models import Prestation
from familles.admin.outils import LectureSeuleMixin, lien_admin
from familles.models import Famille

# Au-delà, la liste des dossiers incomplets invite à choisir une prestation ou une famille.
FAMILLES_PAR_LISTE = 200


@admin.register(TypeDocument)
class TypeDocumentAdmin(admin.ModelAdmin):
    list_display = (
        "nom",
        "obligatoire",
        "pour",
        "condition",
        "validite_affichee",
        "donnees_sanitaires",
        "actif",
        "ordre",
    )
    list_filter = ("actif", "obligatoire", "pour", "condition")
    search_fields = ("nom",)
    fieldsets = (
        (None, {"fields": ("nom", "aide", ("obligatoire", "actif"), "ordre")}),
        ("Pour qui", {"fields": ("pour", "condition")}),
        ("Validité", {"fields": ("validite", "duree_mois")}),
        ("Confidentialité", {"fields": ("donnees_sanitaires",)}),
    )

    def get_urls(self):
        vue = self.admin_site.admin_view
        return [
            path("incomplets/", vue(self.incomplets_view), name="dossiers_incomplets"),
            *super().get_urls(),
        ]

    @admin.display(description="valable")
    def validite_affichee(self, obj):
        return obj.validite_en_clair()

    def incomplets_view(self, request):
        """Les familles dont le dossier est incomplet aujourd'hui : toutes, celles dont un
        enfant est inscrit à une prestation (`?prestation=`), ou une famille (`?q=`)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        aujourdhui = timezone.localdate()
        prestations = list(Prestation.objects.select_related("structure"))
        choix = request.GET.get("prestation", "")
        prestation = next((p for p in prestations if str(p.pk) == choix), None)
        recherche = (request.GET.get("q") or "").strip()
        familles = Famille.objects.prefetch_related("responsables").order_by("numero")
        if prestation is not None:
            familles = familles.filter(
                Q(enfants__inscriptions__date_fin__isnull=True)
                | Q(enfants__inscriptions__date_fin__gte=aujourdhui),
                enfants__inscriptions__prestation=prestation,
                enfants__inscriptions__date_debut__lte=aujourdhui,
            ).distinct()
        if recherche:
            familles = familles.filter(
                Q(numero__icontains=recherche) | Q(responsables__nom__icontains=recherche)
            ).distinct()
        familles = list(familles[: FAMILLES_PAR_LISTE + 1])
        tronquee = len(familles) > FAMILLES_PAR_LISTE
        familles = familles[:FAMILLES_PAR_LISTE]
        exigences = exigences_des_familles(familles, au=aujourdhui)
        lignes = []
        for famille in familles:
            incompletes = [e for e in exigences[famille.pk] if e.obligatoire and not e.complete]
            if incompletes:
                lignes.append(
                    {
                        "famille": famille,
                        "lien": lien_admin(famille),
                        "manquants": documents_manquants(incompletes),
                        "en_attente": [e for e in incompletes if e.en_attente is not None],
                    }
                )
        contexte = {
            **self.admin_site.each_context(request),
            "title": "Dossiers incomplets" + (f" — {prestation}" if prestation is not None else ""),
            "opts": self.opts,
            "lignes": lignes,
            "prestations": prestations,
            "prestation": prestation,
            "recherche": recherche,
            "tronquee": tronquee,
            "limite": FAMILLES_PAR_LISTE,
            "aujourdhui": aujourdhui,
        }
        return TemplateResponse(request, "admin/dossiers/incomplets.html", contexte)


@admin.register(ExigenceDossier)
class ExigenceDossierAdmin(admin.ModelAdmin):
    list_display = ("prestation", "dossier_complet_requis", "certification_requise", "incomplets")
    list_editable = ("dossier_complet_requis", "certification_requise")
    list_select_related = ("prestation__structure",)
    fields = ("prestation", "dossier_complet_requis", "certification_requise")

    @admin.display(description="dossiers incomplets")
    def incomplets(self, obj):
        url = reverse("admin:dossiers_incomplets") + f"?prestation={obj.prestation_id}"
        return format_html('<a href="{}">Voir les familles</a>', url)


@admin.register(CertificationAnnuelle)
class CertificationAnnuelleAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ("famille", "annee_affichee", "certifiee_le", "certifiee_par", "avancement")
    list_filter = ("annee", ("certifiee_le", admin.EmptyFieldListFilter))
    list_select_related = ("famille", "certifiee_par")
    search_fields = ("famille__numero", "famille__responsables__nom")
    fields = (
        "famille",
        "annee_affichee",
        "pages_confirmees",
        "commencee_le",
        "certifiee_le",
        "certifiee_par",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("famille__responsables")

    @admin.display(description="année scolaire", ordering="annee")
    def annee_affichee(self, obj):
        return obj.libelle_annee

    @admin.display(description="pages confirmées")
    def avancement(self, obj):
        return len(obj.pages_confirmees)
