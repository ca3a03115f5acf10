"""Des entrées hostiles pour les formulaires et les adresses du portail (hypothesis).

Chaque champ d'un formulaire reçoit soit une valeur plausible (pour que le formulaire passe
parfois et que l'on atteigne la base de données), soit une valeur hostile : texte unicode,
caractère NUL, chaîne très longue, nombre hors bornes, date impossible, liste de valeurs,
fichier qui n'en est pas un. Les valeurs plausibles se déduisent du champ lui-même (ses choix,
son type), si bien qu'un champ ajouté à un formulaire est essayé sans rien changer ici.
"""

import datetime
from contextlib import contextmanager
from pathlib import Path

from django import forms
from django.conf import settings as reglages_django
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Reproductible en CI : les mêmes exemples à chaque passage, aucune base d'exemples sur disque.
REGLAGES = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Un test par formulaire (plus de trente) : moins d'exemples chacun, pour que l'ensemble tienne
# en une minute ; un test qui tire la route parmi toutes en essaie davantage.
REGLAGES_FORMULAIRES = settings(REGLAGES, max_examples=20)
REGLAGES_ROUTES = settings(REGLAGES, max_examples=60)

# Des textes qui ont déjà cassé des applications Django : NUL (refusé par PostgreSQL), retours
# à la ligne dans un en-tête, formats de nombres et de dates limites, injections.
TEXTES_PIEGES = (
    "",
    " ",
    "\x00",
    "DUPONT\x00",
    "\x00\x00\x00",
    "\r\n",
    "\u202eDUPONT",
    "\ufeff",
    "😀👨‍👩‍👧",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "-1",
    "0",
    "-0",
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "9" * 30,
    "0x10",
    "1,5",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "31/02/2026",
    "99/99/9999",
    "2026-12",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "0612345678" * 3,
    "FR76" + "0" * 40,
)

caractere = st.characters(exclude_categories=("Cs",))  # pas de demi-paire : rien ne l'envoie
texte_libre = st.text(caractere, max_size=40)
texte_long = st.builds(lambda c, n: c * n, caractere, st.integers(min_value=200, max_value=6000))
nombre = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
)
une_date = st.dates(min_value=datetime.date(1, 1, 1))
date_texte = st.one_of(une_date.map(datetime.date.isoformat), une_date.map("{:%d/%m/%Y}".format))

# Un texte qui porte un NUL : PostgreSQL le refuse dans toute colonne et tout paramètre texte.
texte_nul = st.builds(lambda avant, apres: f"{avant}\x00{apres}", texte_libre, texte_libre)

valeur_hostile = st.one_of(
    st.sampled_from(TEXTES_PIEGES),
    texte_nul,
    texte_libre,
    texte_long,
    nombre,
    date_texte,
)

# Des contenus de fichier : un vrai PDF, une PNG, un texte déguisé, rien, du binaire.
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
NOMS_DE_FICHIER = (
    "attestation.pdf",
    "",
    ".",
    "..",
    "../../../etc/passwd",
    "a\x00b.pdf",
    "pièce jointe très longue " * 20 + ".pdf",
    "image.PNG",
    "😀.pdf",
    "CON",
    "sans_extension",
)


@st.composite
def fichiers(draw):
    nom = draw(st.one_of(st.sampled_from(NOMS_DE_FICHIER), texte_libre))
    contenu = draw(
        st.one_of(
            st.sampled_from([PDF, PNG, b"", b"Ceci est un texte, pas un PDF.", b"%PDF-"]),
            st.binary(max_size=200),
            st.binary(max_size=100).map(lambda octets: PDF + octets),
        )
    )
    type_mime = draw(st.sampled_from(["application/pdf", "image/png", "text/plain", ""]))
    # Le client de test n'écrit pas de nom vide : il envoie alors le champ comme un texte.
    return SimpleUploadedFile(nom or "x", contenu, content_type=type_mime or "text/plain")


def _choix(champ):
    valeurs = []
    for cle, libelle in champ.choices:
        if isinstance(libelle, (list, tuple)):  # un groupe de choix
            valeurs.extend(str(c) for c, _ in libelle)
        else:
            valeurs.append(str(cle))
    return valeurs


def valeur_plausible(champ):
    """Une valeur qu'un parent honnête pourrait saisir dans ce champ."""
    aujourdhui = timezone.localdate()
    nom_classe = type(champ).__name__
    if isinstance(champ, forms.FileField):
        return st.builds(lambda: SimpleUploadedFile("attestation.pdf", PDF, "application/pdf"))
    if isinstance(champ, forms.BooleanField):
        return st.sampled_from(["on", "true", "", "false"])
    if isinstance(champ, forms.ChoiceField) and _choix(champ):
        return st.sampled_from(_choix(champ))
    if isinstance(champ, forms.DateField):
        proche = st.dates(
            min_value=aujourdhui - datetime.timedelta(days=3 * 365),
            max_value=aujourdhui + datetime.timedelta(days=120),
        )
        return st.one_of(proche.map(datetime.date.isoformat), proche.map("{:%d/%m/%Y}".format))
    if isinstance(champ, forms.EmailField):
        return st.sampled_from(["jean.dupont@wanadoo.fr", "marie@exemple.fr"])
    if nom_classe == "TelephoneField":
        return st.sampled_from(["06 12 34 56 78", "+33 1 02 03 04 05", "0479000000"])
    if nom_classe == "IbanField":
        return st.sampled_from(["FR7630006000011234567890189", "FR76 3000 6000 0112 3456 7890 189"])
    if nom_classe == "BicField":
        return st.sampled_from(["AGRIFRPP881", "AGRIFRPP", ""])
    if nom_classe == "CodePostalField":
        return st.sampled_from(["73350", "73 350"])
    if isinstance(champ, (forms.DecimalField, forms.IntegerField)):
        return st.one_of(
            st.integers(min_value=0, max_value=99999).map(str),
            st.sampled_from(["1", "2,5", "31 250,50", "1.75"]),
        )
    return st.one_of(
        st.sampled_from(["DUPONT", "Lucas", "Grand-mère", "Malade", "Rendez-vous médical"]),
        texte_libre.filter(lambda t: t.strip()),
    )


def valeur_de_champ(champ):
    """Une valeur plausible ou hostile, seule ou répétée (un champ envoyé plusieurs fois)."""
    hostile = (
        st.one_of(fichiers(), valeur_hostile)
        if isinstance(champ, forms.FileField)
        else valeur_hostile
    )
    une = st.one_of(valeur_plausible(champ), hostile)
    return st.one_of(une, st.lists(une, min_size=2, max_size=3))


@st.composite
def donnees_de_formulaire(draw, champs, extras=(), plausibles=None):
    """Les données postées pour un formulaire aux `champs` (nom → champ de formulaire) : une
    base plausible, quelques champs remplacés par des valeurs hostiles, d'autres retirés, et
    parfois des clés inattendues (`extras` : des noms que la vue lit hors formulaire).
    `plausibles` : nom → valeurs honnêtes propres à la page (l'ancien mot de passe…)."""
    plausibles = plausibles or {}
    donnees = {
        nom: draw(
            st.sampled_from(plausibles[nom]) if nom in plausibles else valeur_plausible(champ)
        )
        for nom, champ in champs.items()
    }
    noms = sorted(champs)
    # Un tiers des envois restent honnêtes (la page écrit, et l'on vérifie ce qu'elle écrit) ;
    # les autres remplacent des champs par des valeurs hostiles, ou en retirent.
    hostilite = draw(st.sampled_from(["aucune", "valeurs", "valeurs et champs manquants"]))
    if noms and hostilite != "aucune":
        for nom in draw(st.lists(st.sampled_from(noms), unique=True, max_size=len(noms))):
            donnees[nom] = draw(valeur_de_champ(champs[nom]))
    if noms and hostilite == "valeurs et champs manquants":
        for nom in draw(st.lists(st.sampled_from(noms), unique=True, max_size=2)):
            donnees.pop(nom, None)
    for nom in extras:
        if draw(st.booleans()):
            donnees[nom] = draw(st.one_of(valeur_hostile, st.lists(valeur_hostile, max_size=2)))
    if draw(st.booleans()):
        donnees[draw(st.sampled_from(["csrfmiddlewaretoken", "x", "\x00", "pk", "famille"]))] = (
            draw(valeur_hostile)
        )
    return donnees


def parametres_hostiles(noms):
    """Les paramètres d'une adresse (?nom=…) : chacun absent, hostile, ou répété."""
    return st.fixed_dictionaries(
        {},
        optional={
            nom: st.one_of(valeur_hostile, st.lists(valeur_hostile, min_size=2, max_size=3))
            for nom in noms
        },
    )


# --- Le banc d'essai : un exemple, une requête, et ce que la base en garde --------------------

# Les messages de Django restés en anglais : un formulaire du portail parle français.
ANGLAIS = (
    "This field is required",
    "Enter a valid",
    "Ensure this value",
    "Null characters are not allowed",
    "Select a valid choice",
    "No file was submitted",
    "The submitted file",
    "The two password fields",
    "Please enter a correct",
    "This password is too",
    "Your old password",
)
STATUTS_ADMIS = {200, 302, 400, 403, 404, 405, 429}


@contextmanager
def exemple_isole():
    """Chaque exemple de hypothesis part de la même base : ce qu'il écrit est annulé à la fin
    (un point de sauvegarde dans la transaction du test)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def photographie(modeles):
    """Le contenu complet des tables surveillées (de petites tables de test), en SQL brut : la
    photographie se prend deux fois par exemple, elle doit coûter peu."""
    qn = connection.ops.quote_name
    contenu = {}
    with connection.cursor() as curseur:
        for modele in modeles:
            table, cle = qn(modele._meta.db_table), qn(modele._meta.pk.column)
            curseur.execute(f"SELECT * FROM {table} ORDER BY {cle}")  # noqa: S608
            contenu[modele._meta.label] = curseur.fetchall()
    return contenu


def tables_changees(avant, apres):
    return {label for label in avant if avant[label] != apres[label]}


def fichiers_deposes():
    racine = Path(reglages_django.MEDIA_ROOT)
    return {p for p in racine.rglob("*") if p.is_file()} if racine.exists() else set()


def erreurs_des_formulaires(reponse):
    """Les erreurs des formulaires liés que la page réaffiche."""
    erreurs = []
    for contexte in reponse.context or []:
        for valeur in contexte.flatten().values() if hasattr(contexte, "flatten") else []:
            if isinstance(valeur, forms.BaseForm) and valeur.is_bound:
                for liste in valeur.errors.values():
                    erreurs.extend(str(message) for message in liste)
    return erreurs


def verifier_reponse(reponse, entree):
    """Jamais d'erreur 500 ; un statut attendu ; des erreurs de formulaire en français."""
    assert reponse.status_code in STATUTS_ADMIS, (
        f"statut {reponse.status_code} pour l'entrée {entree!r}"
    )
    anglais = [m for m in erreurs_des_formulaires(reponse) if any(a in m for a in ANGLAIS)]
    assert not anglais, f"erreurs en anglais {anglais} pour l'entrée {entree!r}"
