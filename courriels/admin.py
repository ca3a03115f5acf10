"""La file d'envoi des courriels dans l'administration (Courriels › Courriels).

Chaque courriel du portail, à qui et sous quel objet, son état (en attente, envoyé, à
réessayer, en échec), ses essais d'envoi avec l'erreur du serveur SMTP, l'heure du prochain
essai ; l'action « Réessayer maintenant » remet en file ceux qui ont échoué. On n'y modifie
rien d'autre : un courriel se corrige en en envoyant un autre.

Le texte d'un courriel (un lien de réinitialisation de mot de passe, par exemple) n'est montré
qu'aux superutilisateurs : les agents voient à qui, quoi, quand et comment l'envoi s'est passé.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.text import Truncator
from post_office import admin as post_office_admin
from post_office.models import STATUS, Attachment, Email, EmailTemplate, Log

# Le portail n'emploie ni les modèles de courriels en base ni les pièces jointes seules : ses
# courriels viennent de ses gabarits (templates/courriels/). Restent les courriels eux-mêmes.
for modele in (Email, Log, EmailTemplate, Attachment):
    if admin.site.is_registered(modele):
        admin.site.unregister(modele)


@admin.register(Email)
class CourrielAdmin(post_office_admin.EmailAdmin):
    list_display = ("destinataires", "objet", "etat", "ecrit_le", "derniere_erreur")
    list_display_links = ("destinataires", "objet")
    list_filter = ("status",)
    search_fields = ("to", "subject")
    ordering = ("-created", "-pk")
    inlines = []  # les essais : le champ « essais d'envoi », rendu par son gabarit
    actions = ["reessayer"]
    # Le formulaire de Django, sans le bouton « Resend » de post_office (qui passe outre la
    # file) : le renvoi se fait par l'action « Réessayer maintenant ».
    change_form_template = "admin/change_form.html"
    list_per_page = 50
    readonly_fields = (
        "destinataires",
        "objet",
        "etat",
        "ecrit_le",
        "mis_a_jour_le",
        "nouveaux_essais",
        "prochain_essai",
        "pieces_jointes",
        "essais",
        "texte",
    )

    def get_queryset(self, request):
        erreurs = Log.objects.filter(email=OuterRef("pk"), status=STATUS.failed).order_by(
            "-date", "-pk"
        )
        return (
            super()
            .get_queryset(request)
            .annotate(erreur_annotee=Subquery(erreurs.values("message")[:1]))
            .prefetch_related("attachments")
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": "La file d'envoi des courriels", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_fieldsets(self, request, obj=None):
        champs = [
            "destinataires",
            "objet",
            "etat",
            "ecrit_le",
            "mis_a_jour_le",
            "nouveaux_essais",
            "prochain_essai",
            "pieces_jointes",
            "essais",
        ]
        if request.user.is_superuser:
            champs.append("texte")
        return [(None, {"fields": champs})]

    # Rien ne se modifie à la main ; « modifier » ne sert qu'à l'action « Réessayer ».
    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    # La prévisualisation, les images et le renvoi de post_office montrent ou renvoient le
    # contenu : aux superutilisateurs seulement (le renvoi passe outre la file).
    def preview_html(self, request, pk):
        self._superutilisateur_seulement(request)
        return super().preview_html(request, pk)

    def fetch_email_image(self, request, pk, content_id):
        self._superutilisateur_seulement(request)
        return super().fetch_email_image(request, pk, content_id)

    def resend(self, request, pk):
        self._superutilisateur_seulement(request)
        return super().resend(request, pk)

    @staticmethod
    def _superutilisateur_seulement(request):
        if not request.user.is_superuser:
            raise PermissionDenied

    @admin.display(description="destinataires", ordering="to")
    def destinataires(self, obj):
        return ", ".join(obj.to)

    @admin.display(description="objet", ordering="subject")
    def objet(self, obj):
        return Truncator(obj.subject).chars(90)

    @admin.display(description="état", ordering="status")
    def etat(self, obj):
        """« à réessayer le 07/12/2026 à 21:29 », « en échec après 13 essais »…"""
        etat = obj.get_status_display() or "—"
        if obj.status == STATUS.requeued and obj.scheduled_time:
            return f"{etat} le {_instant(obj.scheduled_time)}"
        if obj.status == STATUS.failed:
            return f"{etat} après {(obj.number_of_retries or 0) + 1} essai(s)"
        return etat

    @admin.display(description="écrit le", ordering="created")
    def ecrit_le(self, obj):
        return _instant(obj.created)

    @admin.display(description="mis à jour le", ordering="last_updated")
    def mis_a_jour_le(self, obj):
        return _instant(obj.last_updated)

    @admin.display(description="nouveaux essais", ordering="number_of_retries")
    def nouveaux_essais(self, obj):
        return obj.number_of_retries or 0

    @admin.display(description="prochain essai", ordering="scheduled_time")
    def prochain_essai(self, obj):
        if obj.status in (STATUS.queued, STATUS.requeued):
            return _instant(obj.scheduled_time) if obj.scheduled_time else "au prochain envoi"
        return "—"

    @admin.display(description="essais d'envoi")
    def essais(self, obj):
        return render_to_string(
            "admin/courriels/_essais.html", {"essais": obj.logs.order_by("-date", "-pk")}
        )

    @admin.display(description="dernière erreur")
    def derniere_erreur(self, obj):
        erreur = getattr(obj, "erreur_annotee", None)
        if erreur is None:
            erreur = (
                obj.logs.filter(status=STATUS.failed)
                .order_by("-date", "-pk")
                .values_list("message", flat=True)
                .first()
            )
        return Truncator(erreur).chars(120) if erreur else "—"

    @admin.display(description="pièces jointes")
    def pieces_jointes(self, obj):
        return ", ".join(piece.name for piece in obj.attachments.all()) or "—"

    @admin.display(description="texte du courriel")
    def texte(self, obj):
        return obj.message

    @admin.action(
        description="Réessayer maintenant les courriels en échec ou à réessayer",
        permissions=["change"],
    )
    def reessayer(self, request, queryset):
        nombre = queryset.filter(status__in=[STATUS.failed, STATUS.requeued]).update(
            status=STATUS.queued, scheduled_time=None, number_of_retries=0
        )
        self.message_user(
            request,
            f"{nombre} courriel(s) remis en file : ils partiront au prochain envoi "
            "(chaque minute). Les courriels déjà envoyés ne repartent pas.",
            messages.SUCCESS,
        )


def _instant(moment):
    """« 07/12/2026 à 21:29 », à l'heure de Paris."""
    return formats.date_format(timezone.localtime(moment), "d/m/Y à H:i")
