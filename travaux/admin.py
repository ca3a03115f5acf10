"""L'administration des travaux de fond : la page « Travaux », en lecture seule pour tout le
personnel. Chaque travail montre qui l'a lancé et quand, son état, son avancement, son
rapport et ses erreurs ; on y relance les éléments en erreur et on y télécharge le fichier
produit (le PDF d'une impression). Tant qu'un travail est actif, ce qui avance se remplace sur
place (static/js/admin_travaux.js, un fichier : la politique de sécurité du contenu n'admet
aucun script en ligne) ; une balise <meta http-equiv="refresh"> aurait rechargé toute la
page, ce que les règles d'accessibilité (RGAA 13.1.2, WCAG 2.2.1) refusent."""

import os

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from travaux import services
from travaux.models import Travail

VIDE = "—"
RELANCABLES = (Travail.Etat.TERMINE_AVEC_ERREURS, Travail.Etat.ECHOUE)
ACTIFS = (Travail.Etat.EN_ATTENTE, Travail.Etat.EN_COURS)
ERREURS_MONTREES = 100


def message_travail_lance(travail):
    """« Facturation de novembre 2026 — Régie ALSH : lancée. Suivre le travail », avec le
    lien de sa page dans Travaux (le message de l'action qui lance un travail)."""
    return format_html(
        '{} : lancée en arrière-plan. <a href="{}">Suivre le travail</a>.',
        travail.titre,
        reverse("admin:travaux_travail_change", args=[travail.pk]),
    )


def _instant(valeur):
    """« 07/12/2026 14:03 », à l'heure de Paris."""
    return f"{timezone.localtime(valeur):%d/%m/%Y %H:%M}" if valeur else VIDE


class PersonnelEnLectureSeuleMixin:
    """Tout le personnel consulte, personne n'écrit à la main : les travaux s'écrivent par
    leurs tâches (travaux.services)."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Travail)
class TravailAdmin(PersonnelEnLectureSeuleMixin, admin.ModelAdmin):
    list_display = ("titre", "lance_quand_et_par_qui", "etat_du_travail", "avancement")
    list_display_links = ("titre",)
    list_filter = ("etat", "genre")
    list_select_related = ("lance_par",)
    search_fields = ("titre",)
    actions = ("relancer_en_erreur",)
    # Le titre est celui de la page ; le message (pourquoi un travail a échoué) s'il y en a un.
    fields = (
        "genre",
        "lance_par_qui",
        "lance",
        "etat_du_travail",
        "avancement",
        "commence",
        "fini",
        "tentatives",
        "message",
    )
    readonly_fields = fields

    def get_fields(self, request, obj=None):
        if obj is not None and not obj.message:
            return tuple(champ for champ in self.fields if champ != "message")
        return self.fields

    def get_urls(self):
        return [
            path(
                "<path:object_id>/fichier/",
                self.admin_site.admin_view(self.fichier_view),
                name="travaux_travail_fichier",
            ),
            path(
                "<path:object_id>/relancer/",
                self.admin_site.admin_view(self.relancer_view),
                name="travaux_travail_relancer",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        contexte = {"rafraichir": Travail.objects.filter(etat__in=ACTIFS).exists()}
        return super().changelist_view(request, {**contexte, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        travail = self.get_object(request, unquote(object_id))
        contexte = {}
        if travail is not None:
            erreurs = travail.erreurs.order_by("resolue", "pk")
            nombre = erreurs.count()
            contexte = {
                "travail": travail,
                "erreurs": erreurs[:ERREURS_MONTREES],
                "erreurs_non_montrees": max(nombre - ERREURS_MONTREES, 0),
                "rafraichir": travail.est_actif,
                "peut_relancer": travail.etat in RELANCABLES,
                "gabarits_du_rapport": [
                    f"admin/travaux/rapport/{travail.genre}.html",
                    "admin/travaux/rapport/_autre.html",
                ],
            }
        return super().change_view(
            request, object_id, form_url, {**contexte, **(extra_context or {})}
        )

    @admin.display(description="lancé par", ordering="lance_par__username")
    def lance_par_qui(self, obj):
        if obj.lance_par is None:
            return "Une commande"
        return obj.lance_par.get_full_name() or obj.lance_par.get_username()

    @admin.display(description="lancé le", ordering="lance_le")
    def lance(self, obj):
        return _instant(obj.lance_le)

    @admin.display(description="lancé", ordering="lance_le")
    def lance_quand_et_par_qui(self, obj):
        return format_html(
            '{}<br><span class="lance-par">par {}</span>',
            _instant(obj.lance_le),
            self.lance_par_qui(obj) if obj.lance_par else "une commande",
        )

    @admin.display(description="commencé le")
    def commence(self, obj):
        return _instant(obj.debut)

    @admin.display(description="fini le")
    def fini(self, obj):
        return _instant(obj.fin)

    @admin.display(description="état", ordering="etat")
    def etat_du_travail(self, obj):
        # La zone se remplace sur place tant que le travail avance (static/js/admin_travaux.js).
        return format_html(
            '<span id="travail-{}-etat" data-actualise>'
            '<span class="etat-travail etat-{}">{}</span></span>',
            obj.pk,
            obj.etat,
            obj.get_etat_display(),
        )

    @admin.display(description="avancement")
    def avancement(self, obj):
        return render_to_string("admin/travaux/_avancement.html", {"travail": obj})

    @admin.action(description="Relancer les éléments en erreur", permissions=["view"])
    def relancer_en_erreur(self, request, queryset):
        relances = [travail for travail in queryset if services.relancer(travail=travail)]
        if relances:
            self.message_user(
                request,
                f"{len(relances)} travail(s) relancé(s) : leurs éléments en erreur sont repris.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                "Rien à relancer : seuls les travaux terminés avec erreurs ou échoués se "
                "relancent.",
                messages.WARNING,
            )

    def relancer_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        travail = self._travail_ou_404(request, object_id)
        if services.relancer(travail=travail):
            self.message_user(
                request,
                "Le travail est relancé : ses éléments en erreur sont repris.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                "Rien à relancer : ce travail est actif ou terminé sans erreur.",
                messages.WARNING,
            )
        return redirect(reverse("admin:travaux_travail_change", args=[travail.pk]))

    def fichier_view(self, request, object_id):
        """Le fichier produit par le travail (le PDF d'une impression), au personnel seul :
        jamais servi par MEDIA_URL."""
        travail = self._travail_ou_404(request, object_id)
        if not travail.fichier:
            raise Http404("Ce travail n'a pas produit de fichier.")
        try:
            contenu = travail.fichier.open("rb")
        except FileNotFoundError:
            raise Http404("Le fichier de ce travail n'existe plus.") from None
        return FileResponse(
            contenu, as_attachment=True, filename=os.path.basename(travail.fichier.name)
        )

    def _travail_ou_404(self, request, object_id):
        travail = self.get_object(request, unquote(object_id))
        if travail is None:
            raise Http404("Travail introuvable.")
        if not self.has_view_permission(request, travail):
            raise PermissionDenied
        return travail
