"""Le balisage d'un champ écrit d'un trait (commun.champs) est celui de crispy-forms."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.template import engines

from commun.champs import champ
from demandes.forms.dossier import DepotForm

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{{ champ|as_crispy_field }}")


class _Arbre(HTMLParser):
    """Les balises, leurs attributs (dans l'ordre alphabétique) et les textes non vides : ce
    que voient un navigateur et un lecteur d'écran, sans les blancs entre les balises."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append(("<", tag, tuple(sorted(attrs))))

    def handle_endtag(self, tag):
        self.elements.append((">", tag))

    def handle_data(self, data):
        if data.strip():
            self.elements.append(("texte", " ".join(data.split())))


def arbre(html):
    analyseur = _Arbre()
    analyseur.feed(str(html))
    return analyseur.elements


class Exigence:
    def __init__(self, cle, libelle):
        self.cle, self.libelle = cle, libelle


EXIGENCES = [
    Exigence("1-0", "Justificatif du quotient familial"),
    Exigence("2-19", "Attestation d'assurance — Léa <l'aînée>"),
]


class ToutesSortes(forms.Form):
    texte = forms.CharField(label="Nom & prénom", max_length=20, help_text="Comme <b>écrit</b>.")
    courriel = forms.EmailField(label="Courriel", required=False)
    nombre = forms.IntegerField(label="Nombre", min_value=1)
    choix = forms.ChoiceField(
        label="Choix",
        choices=[("", "—"), ("Groupe", [("a", "A"), ("b", "B")]), ("c", "C & D")],
    )
    plusieurs = forms.MultipleChoiceField(label="Plusieurs", choices=[("x", "X"), ("y", "Y")])


def formulaires():
    yield "vierge", DepotForm(exigences=EXIGENCES, initial={"document": "2-19"})
    invalide = DepotForm(
        {"document": "inconnu", "date_document": "31/02/2020"}, {}, exigences=EXIGENCES
    )
    invalide.is_valid()
    yield "en erreur", invalide
    presque = DepotForm(
        {"document": "2-19", "date_document": "2020-01-02"}, {}, exigences=EXIGENCES
    )
    presque.is_valid()
    yield "fichier manquant", presque
    yield "autres champs", ToutesSortes(initial={"choix": "a", "plusieurs": ["x", "y"]})
    erreurs = ToutesSortes({"texte": "x" * 30, "nombre": "0", "choix": "z", "plusieurs": ["q"]})
    erreurs.is_valid()
    yield "autres champs en erreur", erreurs


@pytest.mark.parametrize("rang", range(len(list(formulaires()))))
def test_le_balisage_est_celui_de_crispy(rang):
    # Deux exemplaires du même formulaire : crispy modifie la classe du widget en le rendant.
    nom, pour_crispy = list(formulaires())[rang]
    _, formulaire = list(formulaires())[rang]
    for bound_field in formulaire:
        attendu = arbre(CRISPY.render({"champ": pour_crispy[bound_field.name]}))
        assert arbre(champ(bound_field)) == attendu, (nom, bound_field.name)
        # Rendu une seconde fois, le balisage ne change pas.
        assert arbre(champ(bound_field)) == attendu, (nom, bound_field.name)


def test_les_erreurs_sont_liees_au_champ():
    formulaire = DepotForm({"document": "inconnu"}, {}, exigences=EXIGENCES)
    formulaire.is_valid()
    html = champ(formulaire["document"])
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_document_error"' in html
    assert '<div id="id_document_error" class="invalid-feedback">' in html
    assert "Choisissez un document de la liste." in html


def test_les_textes_sont_echappes():
    html = champ(DepotForm(exigences=EXIGENCES)["document"])
    assert "Léa &lt;l&#x27;aînée&gt;" in html
    assert "<l'aînée>" not in html


@pytest.mark.parametrize(
    "widget", [forms.CheckboxInput, forms.Textarea, forms.RadioSelect, forms.HiddenInput]
)
def test_les_autres_widgets_sont_refuses(widget):
    class Formulaire(forms.Form):
        valeur = forms.CharField(widget=widget)

    with pytest.raises(TypeError):
        champ(Formulaire()["valeur"])
