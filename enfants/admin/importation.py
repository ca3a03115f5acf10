"""La page « Importer des familles » de la liste des familles : le fichier déposé est vérifié
et simulé (enfants/importation.py), le rapport montré ; l'agent confirme, l'import se fait
d'un seul tenant. Entre les deux étapes, le fichier attend dans MEDIA_ROOT/imports/ (jamais
servi), sous un nom tiré au hasard et lié à l'agent ; il est effacé après l'import."""

import re
import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from commun.exports import FORMATS
from enfants import importation, taches
from familles.admin.outils import reponse_fichier

PERMISSIONS_IMPORT = (
    "familles.add_famille",
    "familles.add_responsable",
    "familles.add_utilisateur",
    "enfants.add_enfant",
    "enfants.add_inscription",
)
OPERATIONS_MONTREES = 300


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier (CSV ou XLSX)",
        help_text="5 Mo au plus ; la première ligne porte les en-têtes du modèle.",
        error_messages={"required": "Choisissez le fichier à importer."},
    )


class ConfirmationForm(forms.Form):
    jeton = forms.RegexField(regex=r"^[0-9a-f]{32}\.(csv|xlsx)$", widget=forms.HiddenInput)


def _nom_du_depot(request, jeton):
    return f"{request.user.pk}-{jeton}"


def peut_importer(user):
    return user.is_active and user.is_staff and user.has_perms(PERMISSIONS_IMPORT)


def importer_view(model_admin, request):
    if not peut_importer(request.user):
        raise PermissionDenied
    contexte = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Importer des familles",
        "colonnes": importation.aide_des_colonnes(),
        "formats_du_modele": list(FORMATS),
    }
    if request.method == "POST" and "confirmer" in request.POST:
        return _confirmer(model_admin, request, contexte)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fichier = form.cleaned_data["fichier"]
        if fichier.size > importation.TAILLE_MAX:
            form.add_error("fichier", "Le fichier dépasse 5 Mo : découpez-le.")
        else:
            contenu, nom = fichier.read(), fichier.name
            try:
                rapport = importation.lire_et_importer(contenu, nom, simulation=True)
            except importation.FichierIllisible as erreur:
                form.add_error("fichier", str(erreur))
            else:
                jeton = None
                if rapport.importable and not rapport.rien_a_faire:
                    jeton = f"{secrets.token_hex(16)}.{nom.rsplit('.', 1)[-1].lower()}"
                    importation.depot().save(_nom_du_depot(request, jeton), ContentFile(contenu))
                contexte.update(_contexte_du_rapport(rapport, nom), jeton=jeton)
    contexte["form"] = form
    return TemplateResponse(request, "admin/familles/famille/importer.html", contexte)


def _confirmer(model_admin, request, contexte):
    confirmation = ConfirmationForm(request.POST)
    depot = importation.depot()
    if not confirmation.is_valid() or not depot.exists(
        _nom_du_depot(request, confirmation.cleaned_data["jeton"])
    ):
        messages.error(request, "Ce fichier n'attend plus d'import : déposez-le de nouveau.")
        return redirect("admin:familles_famille_importer")
    jeton = confirmation.cleaned_data["jeton"]
    nom_du_depot = _nom_du_depot(request, jeton)
    with depot.open(nom_du_depot, "rb") as fichier:
        contenu = fichier.read()
    try:
        donnees = importation.lire_fichier(contenu, jeton)
        if donnees.height > taches.SEUIL_IMPORT:
            travail = taches.lancer_import(
                fichier=nom_du_depot, nom=jeton, lignes=donnees.height, par=request.user
            )
            messages.success(
                request,
                f"L'import des {donnees.height} lignes part en travail de fond : suivez-le ici.",
            )
            return redirect("admin:travaux_travail_change", travail.pk)
        rapport = importation.importer_familles(donnees=donnees, simulation=False, par=request.user)
    except importation.FichierIllisible as erreur:
        messages.error(request, str(erreur))
        return redirect("admin:familles_famille_importer")
    if not rapport.importable:
        # Les fiches ont changé depuis la simulation : le rapport dit pourquoi.
        contexte.update(_contexte_du_rapport(rapport, "le fichier"), form=ImportForm())
        return TemplateResponse(request, "admin/familles/famille/importer.html", contexte)
    depot.delete(nom_du_depot)
    messages.success(request, f"Import terminé : {rapport.resume()}.")
    return redirect("admin:familles_famille_changelist")


def _contexte_du_rapport(rapport, nom):
    return {
        "rapport": rapport,
        "nom_du_fichier": nom,
        "operations": rapport.operations[:OPERATIONS_MONTREES],
        "operations_cachees": max(0, len(rapport.operations) - OPERATIONS_MONTREES),
    }


def modele_view(model_admin, request, format_):
    if not peut_importer(request.user):
        raise PermissionDenied
    classe = FORMATS.get(format_)
    if classe is None or not re.fullmatch(r"[a-z]+", format_):
        raise PermissionDenied
    return reponse_fichier(importation.modele(), classe(), "modele-import-familles")
