"""L'administration des messages (Boîte de réception) et la page « Écrire aux familles »."""

from pathlib import PurePosixPath

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, When
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from familles import services, taches
from familles.admin.outils import lien_admin
from familles.fichiers import PieceJointeField
from familles.forms.messages import ReponseForm
from familles.models import Famille, Message


class LuFilter(admin.SimpleListFilter):
    title = "lu"
    parameter_name = "lu"

    def lookups(self, request, model_admin):
        return (("oui", "Lu"), ("non", "Non lu"))

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(lu_le__isnull=False)
        if self.value() == "non":
            return queryset.filter(lu_le__isnull=True)
        return queryset


class ATraiterFilter(admin.SimpleListFilter):
    title = "à traiter"
    parameter_name = "a_traiter"

    def lookups(self, request, model_admin):
        return (("oui", "Messages des familles non lus"),)

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(sens=Message.Sens.VERS_SERVICE, lu_le__isnull=True)
        return queryset


class FichierProtegeWidget(forms.ClearableFileInput):
    """Le fichier déjà déposé, lié à la vue qui vérifie les droits (`url_name`) et non à une
    adresse publique : les fichiers déposés ne sont jamais servis directement."""

    def __init__(self, url_name, attrs=None):
        self.url_name = url_name
        super().__init__(attrs)

    def format_value(self, value):
        if not self.is_initial(value) or value.instance.pk is None:
            return None
        return _FichierProtege(value, reverse(self.url_name, args=[value.instance.pk]))


class _FichierProtege:
    def __init__(self, fichier, url):
        self.url = url
        self.nom = PurePosixPath(fichier.name).name

    def __str__(self):
        return self.nom


class MessageAjoutForm(forms.ModelForm):
    """Écrire à une famille depuis « Ajouter message » : le message part par le service,
    courriel compris."""

    piece_jointe = PieceJointeField()

    class Meta:
        model = Message
        fields = ("famille", "sujet", "corps", "piece_jointe")


class ReponseAdminForm(ReponseForm):
    corps = forms.CharField(
        label="Réponse",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80, "class": "vLargeTextField"}),
        error_messages={"required": "Écrivez la réponse."},
    )


class EcrireAuxFamillesForm(forms.Form):
    """« Écrire aux familles » : ici à une famille ; enfants/admin/messages.py y ajoute les familles
    d'une structure ou d'une prestation (les familles ne connaissent pas les inscriptions)."""

    CHOIX = (("famille", "Une famille"),)

    destinataires = forms.ChoiceField(
        label="Destinataires", choices=CHOIX, initial="famille", widget=forms.RadioSelect
    )
    famille = forms.ModelChoiceField(
        Famille.objects.all(),
        label="Famille",
        required=False,
        widget=AutocompleteSelect(Message._meta.get_field("famille"), admin.site),
        error_messages={"required": "Choisissez la famille."},
    )
    sujet = forms.CharField(
        label="Sujet",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        error_messages={"required": "Indiquez le sujet du message."},
    )
    corps = forms.CharField(
        label="Message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80, "class": "vLargeTextField"}),
        error_messages={"required": "Écrivez le message."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destinataires"].choices = self.CHOIX

    def clean(self):
        donnees = super().clean()
        choix = donnees.get("destinataires")
        if choix and not donnees.get(choix):
            self.add_error(choix, self.fields[choix].error_messages["required"])
        return donnees

    @property
    def choix(self):
        """Le champ qui désigne les destinataires (« famille », « structure »…) et sa valeur."""
        choix = self.cleaned_data["destinataires"]
        return choix, self.cleaned_data[choix]

    def familles(self, *, au):
        """Les familles à qui écrire, à la date `au`."""
        choix, valeur = self.choix
        return [valeur] if choix == "famille" else []


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Les messages, ceux des familles encore non lus en tête ; les ouvrir les marque lus
    pour le service. Écrire et répondre passent par familles/services.py : la famille reçoit
    aussi le courriel."""

    form = MessageAjoutForm
    ecrire_form = EcrireAuxFamillesForm
    change_form_template = "admin/familles/message/change_form.html"
    change_list_template = "admin/familles/message/change_list.html"
    list_display = (
        "sujet",
        "famille_lien",
        "sens",
        "date_envoi",
        "est_lu",
        "a_une_piece_jointe",
        "auteur",
    )
    list_filter = (ATraiterFilter, "sens", LuFilter, "date_envoi")
    list_select_related = ("famille", "auteur")
    search_fields = ("sujet", "corps", "famille__numero", "famille__responsables__nom")
    date_hierarchy = "date_envoi"
    autocomplete_fields = ("famille",)
    fields_ajout = ("famille", "sujet", "corps", "piece_jointe")
    fields_lecture = (
        "famille_lien",
        "sens",
        "sujet",
        "conversation",
        "date_envoi",
        "auteur",
        "lu_le",
    )
    actions = ("marquer_lus", "marquer_non_lus")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("famille__responsables")

    def get_ordering(self, request):
        # Les messages des familles que le service n'a pas encore lus, puis les plus récents.
        a_traiter = Case(
            When(sens=Message.Sens.VERS_SERVICE, lu_le__isnull=True, then=0),
            default=1,
            output_field=models.IntegerField(),
        )
        return (a_traiter.asc(), "-date_envoi")

    def get_fields(self, request, obj=None):
        return self.fields_lecture if obj is not None else self.fields_ajout

    def get_readonly_fields(self, request, obj=None):
        # Un message envoyé ne se réécrit pas : on y répond.
        return self.fields_lecture if obj is not None else ()

    def get_urls(self):
        vue = self.admin_site.admin_view
        return [
            path("ecrire/", vue(self.ecrire_view), name="familles_message_ecrire"),
            path(
                "<path:object_id>/repondre/",
                vue(self.repondre_view),
                name="familles_message_repondre",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="famille", ordering="famille__numero")
    def famille_lien(self, obj):
        return lien_admin(obj.famille)

    @admin.display(description="lu", boolean=True, ordering="lu_le")
    def est_lu(self, obj):
        return obj.est_lu

    @admin.display(description="pièce jointe", boolean=True)
    def a_une_piece_jointe(self, obj):
        return bool(obj.piece_jointe)

    @admin.display(description="conversation")
    def conversation(self, obj):
        return render_to_string(
            "admin/familles/message/_conversation.html", {"fil": services.fil(obj), "courant": obj}
        )

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        envoye = services.ecrire_a_la_famille(
            famille=obj.famille,
            par=request.user,
            sujet=obj.sujet,
            corps=obj.corps,
            piece_jointe=form.cleaned_data.get("piece_jointe"),
        )
        # L'administration journalise l'ajout et redirige d'après `obj` : c'est le message
        # que le service vient d'envoyer.
        obj.pk = envoye.pk
        obj._state.adding = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        message = self.get_object(request, unquote(object_id))
        if message is not None and request.method == "GET":
            services.marquer_fil_lu(racine=services.racine(message), sens=Message.Sens.VERS_SERVICE)
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "peut_repondre": self.has_add_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def repondre_view(self, request, object_id):
        """« Répondre » : la réponse du service à la famille, dans le fil du message."""
        message = self.get_object(request, unquote(object_id))
        if message is None:
            raise Http404("Ce message n'existe pas.")
        if not self.has_add_permission(request):
            raise PermissionDenied
        formulaire = (
            ReponseAdminForm(request.POST, request.FILES)
            if request.method == "POST"
            else ReponseAdminForm()
        )
        if request.method == "POST" and formulaire.is_valid():
            reponse = services.repondre_a_la_famille(
                message=message, par=request.user, **formulaire.cleaned_data
            )
            self.message_user(
                request, f"Réponse envoyée à la famille {reponse.famille}.", messages.SUCCESS
            )
            return redirect("admin:familles_message_change", reponse.en_reponse_a_id)
        contexte = {
            **self.admin_site.each_context(request),
            "title": f"Répondre à la famille {message.famille}",
            "opts": self.opts,
            "original": message,
            "form": formulaire,
            "fil": services.fil(message),
            "courant": message,
            "media": self.media + formulaire.media,
        }
        return TemplateResponse(request, "admin/familles/message/repondre.html", contexte)

    def ecrire_view(self, request):
        """« Écrire aux familles » : à une famille, ou à toutes celles d'une structure ou d'une
        prestation ; on vérifie les destinataires, puis on envoie (un message par famille)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            formulaire = self.ecrire_form(request.POST)
        else:  # ?famille=<id> préremplit la famille (depuis sa fiche, par exemple)
            famille = request.GET.get("famille", "")
            formulaire = self.ecrire_form(initial={"famille": famille} if famille.isdigit() else {})
        familles = []
        if request.method == "POST" and formulaire.is_valid():
            familles = list(formulaire.familles(au=timezone.localdate()))
            if not familles:
                formulaire.add_error(
                    None,
                    f"Aucune famille n'a d'enfant inscrit à « {formulaire.choix[1]} » "
                    "aujourd'hui ou après : aucun message n'a été envoyé.",
                )
            elif "envoyer" in request.POST and len(familles) > taches.SEUIL_ENVOI:
                travail = taches.lancer_ecriture(
                    familles=familles,
                    par=request.user,
                    sujet=formulaire.cleaned_data["sujet"],
                    corps=formulaire.cleaned_data["corps"],
                )
                lien = reverse("admin:travaux_travail_change", args=[travail.pk])
                self.message_user(
                    request,
                    format_html(
                        '{} : envoi lancé en arrière-plan. <a href="{}">Suivre le travail</a>.',
                        travail.titre,
                        lien,
                    ),
                    messages.SUCCESS,
                )
                return redirect(lien)
            elif "envoyer" in request.POST:
                envoyes = services.ecrire_aux_familles(
                    familles=familles,
                    par=request.user,
                    sujet=formulaire.cleaned_data["sujet"],
                    corps=formulaire.cleaned_data["corps"],
                )
                nombre = len(envoyes)
                if nombre:
                    self.message_user(
                        request,
                        f"Message envoyé à {nombre} famille{'s' if nombre > 1 else ''}.",
                        messages.SUCCESS,
                    )
                else:
                    self.message_user(
                        request,
                        "Ces familles ont déjà reçu ce message il y a quelques minutes : "
                        "rien n'a été renvoyé.",
                        messages.WARNING,
                    )
                return redirect("admin:familles_message_changelist")
        contexte = {
            **self.admin_site.each_context(request),
            "title": "Écrire aux familles",
            "opts": self.opts,
            "form": formulaire,
            "familles": familles,
            "a_confirmer": bool(familles) and "modifier" not in request.POST,
            "media": self.media + formulaire.media,
        }
        return TemplateResponse(
            request, "admin/familles/message/ecrire_aux_familles.html", contexte
        )

    @admin.action(description="Marquer comme lus", permissions=["change"])
    def marquer_lus(self, request, queryset):
        nombre = queryset.filter(lu_le__isnull=True).update(lu_le=timezone.now())
        self.message_user(request, f"{nombre} message(s) marqué(s) comme lu(s).")

    @admin.action(description="Marquer comme non lus", permissions=["change"])
    def marquer_non_lus(self, request, queryset):
        nombre = queryset.filter(lu_le__isnull=False).update(lu_le=None)
        self.message_user(request, f"{nombre} message(s) marqué(s) comme non lu(s).")
