"""Des entrées hostiles dans chaque formulaire et chaque paramètre d'adresse du portail des
familles : jamais d'erreur 500, jamais un enregistrement à moitié écrit.

hypothesis remplit chaque champ d'une valeur plausible ou hostile (texte unicode, caractère
NUL, chaîne très longue, nombre hors bornes, date impossible, liste, fichier qui n'en est pas
un). Chaque exemple tourne dans un point de sauvegarde annulé ensuite ; on y compare le contenu
des tables avant et après la requête : soit rien n'a changé (et la page réaffiche le formulaire
avec une erreur en français, ou redirige, ou répond 400/403/404), soit l'enregistrement attendu
est là, complet.

Chaque route du portail est classée : essayée ici (FORMULAIRES, PARAMETRES, CHEMINS), dans
test_entrees_hostiles_paiement.py, ou sans saisie (SANS_SAISIE). Une route nouvelle qui n'est
nulle part fait échouer test_chaque_route_du_portail_est_classee.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django import forms
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from demandes.models import Demande
from demandes.services import SUPPRIMER, creer_demande
from dossiers.etat import resume_du_dossier
from dossiers.forms import DepotForm
from dossiers.models import CertificationAnnuelle, PieceDossier
from enfants.forms import enfants as fe
from enfants.forms.planning import MotifAbsenceForm, ReservationPeriodeForm
from enfants.lectures import prestations_reservables
from enfants.models import (
    Enfant,
    FicheSanitaire,
    Journee,
    PersonneAutorisee,
    Vaccination,
)
from facturation.models import Affectation, Reglement, TransactionEnLigne
from facturation.views.paiement import PaiementForm
from familles import blocs
from familles.forms.compte import CreerCompteForm, EffacementForm
from familles.forms.messages import MessageForm, ReponseForm
from familles.forms.mon_compte import FORMULAIRES as FORMULAIRES_MON_COMPTE
from familles.forms.mon_compte import NouveauConjointForm
from familles.models import Famille, Message, Responsable, Utilisateur
from portail.forms import (
    ChangerMotDePasseForm,
    ConnexionForm,
    MotDePasseOublieForm,
    NouveauMotDePasseForm,
)
from tests.dossiers.fabriques import semer_types
from tests.factories import (
    MOT_DE_PASSE,
    FactureFactory,
    FicheSanitaireFactory,
    InscriptionFactory,
    JourneeFactory,
    MessageFactory,
    PersonneAutoriseeFactory,
    PrestationFactory,
    RegieFactory,
    StructureFactory,
    VaccinationFactory,
)
from tests.strategies import (
    REGLAGES,
    REGLAGES_FORMULAIRES,
    REGLAGES_ROUTES,
    donnees_de_formulaire,
    erreurs_des_formulaires,
    exemple_isole,
    fichiers_deposes,
    parametres_hostiles,
    photographie,
    tables_changees,
    valeur_hostile,
    verifier_reponse,
)

# Le mardi 1er décembre 2026 à 10:00 : le mercredi 9 se réserve encore, le 16 est réservé.
MAINTENANT = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 0))
MERCREDI = datetime.date(2026, 12, 9)
MERCREDI_RESERVE = datetime.date(2026, 12, 16)

SURVEILLEES = (
    Demande,
    Message,
    Journee,
    PieceDossier,
    CertificationAnnuelle,
    Reglement,
    Affectation,
    TransactionEnLigne,
    Famille,
    Responsable,
    Enfant,
    PersonneAutorisee,
    Vaccination,
    FicheSanitaire,
    Utilisateur,
)


@dataclass
class Monde:
    """La famille Dupont et ce que ses pages désignent."""

    famille: Famille
    titulaire: Responsable
    conjoint: Responsable
    lucas: Enfant
    prestation: object
    personne: PersonneAutorisee
    vaccin: Vaccination
    message: Message
    facture: object
    demande: Demande


@pytest.fixture
def monde(dupont, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Un hachage rapide : des centaines de connexions et de changements de mot de passe.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    utilisateur = dupont.titulaire.utilisateur
    utilisateur.set_password(MOT_DE_PASSE)
    utilisateur.save(update_fields=["password"])
    monkeypatch.setattr(timezone, "now", lambda: MAINTENANT)
    semer_types()
    lucas = dupont.enfants.get()
    prestation = PrestationFactory(
        structure=StructureFactory(nom="Accueil de Loisirs"),
        nom="ALSH Mercredi après-midi",
        jours_ouverture="3",
    )
    InscriptionFactory(enfant=lucas, prestation=prestation)
    JourneeFactory(enfant=lucas, prestation=prestation, date=MERCREDI_RESERVE)
    FicheSanitaireFactory(enfant=lucas)
    titulaire = dupont.titulaire
    return Monde(
        famille=dupont,
        titulaire=titulaire,
        conjoint=dupont.responsables.get(role=Responsable.Role.CONJOINT),
        lucas=lucas,
        prestation=prestation,
        personne=PersonneAutoriseeFactory(enfant=lucas),
        vaccin=VaccinationFactory(enfant=lucas),
        message=MessageFactory(famille=dupont),
        facture=FactureFactory(
            famille=dupont,
            regie=RegieFactory(payfip_numcli="123456"),
            date_facture=datetime.date(2026, 11, 25),
            date_echeance=datetime.date(2026, 12, 20),
        ),
        # Une demande en attente à retirer ; sur le conjoint, pour que les blocs du titulaire
        # restent libres.
        demande=creer_demande(
            famille=dupont,
            type=Demande.Type.CONJOINT,
            par=titulaire.utilisateur,
            cible=dupont.responsables.get(role=Responsable.Role.CONJOINT),
            valeurs={"telephone_mobile": "06 11 22 33 44"},
        ),
    )


# --- Ce qu'une page a le droit d'écrire ------------------------------------------------------


def _nouvelles(modele, avant):
    anciennes = {ligne[0] for ligne in avant[modele._meta.label]}
    return list(modele.objects.exclude(pk__in=anciennes))


def _envoye(donnees, nom):
    """La valeur que lit la vue : la dernière d'un champ envoyé plusieurs fois."""
    valeur = donnees.get(nom)
    if isinstance(valeur, list):
        return valeur[-1] if valeur else None
    return valeur


def demande_complete(*types):
    """Une seule demande nouvelle, entière : la famille, son type, en attente, des valeurs qui
    sont des champs du formulaire, et chaque texte libre tel que le parent l'a écrit."""

    def verifier(monde, avant, donnees, champs):
        nouvelles = _nouvelles(Demande, avant)
        assert len(nouvelles) <= 1, nouvelles
        for demande in nouvelles:
            assert demande.famille_id == monde.famille.pk
            assert demande.type in types, demande.type
            assert demande.statut == Demande.Statut.EN_ATTENTE
            assert demande.demandeur_id is not None
            assert isinstance(demande.valeurs_demandees, dict) and demande.valeurs_demandees
            assert set(demande.valeurs_demandees) <= set(champs) | {SUPPRIMER, "role"}
            for nom, valeur in demande.valeurs_demandees.items():
                envoye = _envoye(donnees, nom)
                if type(champs.get(nom)) is forms.CharField and isinstance(envoye, str):
                    propre = envoye.strip()
                    assert valeur in (propre, propre.replace("\r\n", "\n")), (nom, valeur)

    return verifier


def message_complet(monde, avant, donnees, champs):
    nouveaux = _nouvelles(Message, avant)
    assert len(nouveaux) <= 1, nouveaux
    for message in nouveaux:
        assert message.famille_id == monde.famille.pk
        assert message.sens == Message.Sens.VERS_SERVICE
        assert message.sujet.strip() and message.corps.strip()
        assert message.corps == _envoye(donnees, "corps").strip()
        assert not message.piece_jointe or message.piece_jointe.storage.exists(
            message.piece_jointe.name
        )


def piece_et_demande(monde, avant, donnees, champs):
    pieces, demandes = _nouvelles(PieceDossier, avant), _nouvelles(Demande, avant)
    assert len(pieces) == len(demandes) <= 1, "une pièce sans sa demande, ou l'inverse"
    for piece, demande in zip(pieces, demandes, strict=True):
        assert demande.type == Demande.Type.DOCUMENT and demande.cible_id == piece.pk
        assert piece.fichier.storage.exists(piece.fichier.name)


def journees_coherentes(monde, avant, donnees, champs):
    """Une absence a son motif ; une demande du planning vise une journée qui existe."""
    for journee in Journee.objects.filter(enfant=monde.lucas):
        if journee.etat in (Journee.Etat.ABSENT_EXCUSE, Journee.Etat.ABSENT_FACTURE):
            assert journee.motif.strip()
    for demande in _nouvelles(Demande, avant):
        assert demande.famille_id == monde.famille.pk
        if demande.cible_id is not None and demande.cible_type.model == "journee":
            assert Journee.objects.filter(pk=demande.cible_id).exists()


def transaction_complete(monde, avant, donnees, champs):
    for transaction in _nouvelles(TransactionEnLigne, avant):
        assert transaction.facture_id == monde.facture.pk
        assert transaction.idop and transaction.email and transaction.montant > 0
        assert transaction.statut == TransactionEnLigne.Statut.EN_COURS


def mot_de_passe_enregistre(monde, avant, donnees, champs):
    """Un mot de passe changé est celui que le parent a tapé, et l'obligation est levée."""
    utilisateur = Utilisateur.objects.get(pk=monde.titulaire.utilisateur_id)
    if not utilisateur.check_password(MOT_DE_PASSE):
        assert utilisateur.check_password(_envoye(donnees, "new_password1"))
        assert not utilisateur.doit_changer_mot_de_passe


def effacement_demande(monde, avant, donnees, champs):
    """Au plus une demande d'effacement, en attente, de la famille, avec son commentaire."""
    nouvelles = _nouvelles(Demande, avant)
    assert len(nouvelles) <= 1, nouvelles
    for demande in nouvelles:
        assert demande.famille_id == monde.famille.pk
        assert demande.type == Demande.Type.EFFACEMENT
        assert demande.statut == Demande.Statut.EN_ATTENTE
        envoye = _envoye(donnees, "commentaire")
        if isinstance(envoye, str):
            assert demande.commentaire in (envoye.strip(), envoye.strip().replace("\r\n", "\n"))


def rien_de_plus(monde, avant, donnees, champs):
    return None


@dataclass
class Cas:
    """Un formulaire du portail : son adresse, ses champs, ce qu'il a le droit d'écrire."""

    route: str
    url: object  # monde → adresse
    champs: object  # monde → {nom: champ de formulaire}
    ecrit: tuple = ()  # les tables qu'une saisie valable modifie
    verifier: object = rien_de_plus
    extras: tuple = ()  # des clés lues par la vue hors du formulaire
    plausibles: dict = field(default_factory=dict)
    anonyme: bool = False
    preparer: object = None  # monde → None : l'état que la page demande (dans l'exemple)
    sans_erreur: object = None  # donnees → vrai si une page 200 sans erreur est normale
    identifiant: str = ""

    def __str__(self):
        return self.identifiant or self.route


def _champs(form):
    return dict(form.fields)


def _enfant(nom, *autres):
    return lambda m: reverse(nom, args=[m.lucas.pk, *[a(m) for a in autres]])


def _jour(action):
    return lambda m: reverse(
        f"enfant_planning_{action}", args=[m.lucas.pk, m.prestation.pk, MERCREDI_RESERVE]
    )


def _exigences(m):
    return resume_du_dossier(famille=m.famille, au=timezone.localdate()).exigences


def _sans_conjoint(m):
    Responsable.objects.filter(pk=m.conjoint.pk).delete()


def _doit_changer(m):
    Utilisateur.objects.filter(pk=m.titulaire.utilisateur_id).update(doit_changer_mot_de_passe=True)


MOTS_DE_PASSE = ["Nouveau2027x", "Bonbons2015", "azerty", MOT_DE_PASSE]
DEMANDES_ENFANT = demande_complete(
    Demande.Type.ENFANT,
    Demande.Type.AUTORISATIONS,
    Demande.Type.PERSONNES_AUTORISEES,
    Demande.Type.DONNEES_SANITAIRES,
    Demande.Type.NOUVEL_ENFANT,
)

FORMULAIRES = [
    Cas(
        "connexion",
        lambda m: reverse("connexion"),
        lambda m: _champs(ConnexionForm()),
        ecrit=("familles.Utilisateur",),  # last_login
        extras=("next",),
        plausibles={"username": ["jean.dupont", "JEAN.DUPONT"], "password": [MOT_DE_PASSE]},
        anonyme=True,
    ),
    Cas(
        "mot_de_passe_changer",
        lambda m: reverse("mot_de_passe_changer"),
        lambda m: _champs(ChangerMotDePasseForm(m.titulaire.utilisateur)),
        ecrit=("familles.Utilisateur",),
        verifier=mot_de_passe_enregistre,
        plausibles={
            "old_password": [MOT_DE_PASSE],
            "new_password1": MOTS_DE_PASSE,
            "new_password2": MOTS_DE_PASSE,
        },
    ),
    Cas(
        "mot_de_passe_obligatoire",
        lambda m: reverse("mot_de_passe_obligatoire"),
        lambda m: _champs(NouveauMotDePasseForm(m.titulaire.utilisateur)),
        ecrit=("familles.Utilisateur",),
        verifier=mot_de_passe_enregistre,
        plausibles={"new_password1": MOTS_DE_PASSE, "new_password2": MOTS_DE_PASSE},
        preparer=_doit_changer,
    ),
    Cas(
        "mot_de_passe_oublie",
        lambda m: reverse("mot_de_passe_oublie"),
        lambda m: _champs(MotDePasseOublieForm()),
        anonyme=True,
    ),
    Cas(
        "ecrire_au_service",
        lambda m: reverse("ecrire_au_service"),
        lambda m: _champs(MessageForm()),
        ecrit=("familles.Message",),
        verifier=message_complet,
    ),
    Cas(
        "repondre",
        lambda m: reverse("repondre", args=[m.message.pk]),
        lambda m: _champs(ReponseForm()),
        ecrit=("familles.Message",),
        verifier=message_complet,
    ),
    Cas(
        "payer_facture",
        lambda m: reverse("payer_facture", args=[m.facture.pk]),
        lambda m: _champs(PaiementForm()),
        ecrit=("facturation.TransactionEnLigne",),
        verifier=transaction_complete,
    ),
    Cas(
        "declarer_conjoint",
        lambda m: reverse("declarer_conjoint"),
        lambda m: _champs(NouveauConjointForm(fiche=None)),
        ecrit=("demandes.Demande",),
        verifier=demande_complete(Demande.Type.CONJOINT),
        preparer=_sans_conjoint,
    ),
    *[
        Cas(
            "demande_bloc_famille",
            lambda m, bloc=bloc: reverse("demande_bloc_famille", args=[bloc.nom]),
            lambda m, bloc=bloc: _champs(FORMULAIRES_MON_COMPTE[bloc.nom](fiche=m.famille)),
            ecrit=("demandes.Demande",),
            verifier=demande_complete(bloc.type),
            identifiant=f"demande_bloc_famille-{bloc.nom}",
        )
        for bloc in blocs.BLOCS_FAMILLE
    ],
    *[
        Cas(
            "demande_bloc",
            lambda m, bloc=bloc, role=role: reverse("demande_bloc", args=[bloc.nom, role]),
            lambda m, bloc=bloc: _champs(FORMULAIRES_MON_COMPTE[bloc.nom](fiche=m.titulaire)),
            ecrit=("demandes.Demande",),
            verifier=demande_complete(Demande.Type.RESPONSABLE, Demande.Type.CONJOINT),
            identifiant=f"demande_bloc-{bloc.nom}-{role}",
        )
        for bloc in blocs.BLOCS_RESPONSABLE
        for role in (Responsable.Role.TITULAIRE, Responsable.Role.CONJOINT)
        if role == Responsable.Role.TITULAIRE or bloc.nom == "adresse"
    ],
    Cas(
        "retirer_demande",
        lambda m: reverse("retirer_demande", args=[m.demande.pk]),
        lambda m: {},
        ecrit=("demandes.Demande",),
        extras=("suivant",),
    ),
    Cas(
        "nouvel_enfant",
        lambda m: reverse("nouvel_enfant"),
        lambda m: _champs(fe.NouvelEnfantForm()),
        ecrit=("demandes.Demande",),
        verifier=DEMANDES_ENFANT,
    ),
    Cas(
        "enfant_identite",
        _enfant("enfant_identite"),
        lambda m: _champs(fe.IdentiteForm()),
        ecrit=("demandes.Demande",),
        verifier=DEMANDES_ENFANT,
    ),
    Cas(
        "enfant_autorisations",
        _enfant("enfant_autorisations"),
        lambda m: _champs(fe.AutorisationsForm()),
        ecrit=("demandes.Demande",),
        verifier=DEMANDES_ENFANT,
    ),
    Cas(
        "enfant_personnes",
        _enfant("enfant_personnes"),
        lambda m: _champs(fe.PersonneAutoriseeForm()),
        ecrit=("demandes.Demande",),
        verifier=DEMANDES_ENFANT,
    ),
    Cas(
        "enfant_personne_modifier",
        _enfant("enfant_personne_modifier", lambda m: m.personne.pk),
        lambda m: _champs(fe.PersonneAutoriseeForm()),
        ecrit=("demandes.Demande",),
        verifier=DEMANDES_ENFANT,
    ),
    Cas(
        "enfant_personne_retirer",
        _enfant("enfant_personne_retirer", lambda m: m.personne.pk),
        lambda m: _champs(fe.RetraitForm()),
        ecrit=("demandes.Demande",),
        verifier=DEMANDES_ENFANT,
    ),
    Cas(
        "enfant_sanitaire",
        _enfant("enfant_sanitaire"),
        lambda m: _champs(fe.FicheSanitaireForm()),
        ecrit=("demandes.Demande",),
        verifier=DEMANDES_ENFANT,
    ),
    Cas(
        "enfant_vaccin_ajouter",
        _enfant("enfant_vaccin_ajouter"),
        lambda m: _champs(fe.VaccinationForm(enfant=m.lucas)),
        ecrit=("demandes.Demande",),
        verifier=DEMANDES_ENFANT,
    ),
    Cas(
        "enfant_vaccin_modifier",
        _enfant("enfant_vaccin_modifier", lambda m: m.vaccin.pk),
        lambda m: _champs(fe.VaccinationForm(enfant=m.lucas)),
        ecrit=("demandes.Demande",),
        verifier=DEMANDES_ENFANT,
    ),
    Cas(
        "enfant_vaccin_retirer",
        _enfant("enfant_vaccin_retirer", lambda m: m.vaccin.pk),
        lambda m: _champs(fe.RetraitForm()),
        ecrit=("demandes.Demande",),
        verifier=DEMANDES_ENFANT,
    ),
    Cas(
        "enfant_planning_periode",
        _enfant("enfant_planning_periode"),
        lambda m: _champs(
            ReservationPeriodeForm(
                prestations=prestations_reservables(
                    enfant=m.lucas, aujourdhui=timezone.localdate()
                ),
                aujourdhui=timezone.localdate(),
            )
        ),
        ecrit=("enfants.Journee", "demandes.Demande"),
        verifier=journees_coherentes,
        extras=("mois",),
        plausibles={
            "debut": ["2026-12-01", "02/12/2026", "2026-12-09"],
            "fin": ["2026-12-31", "2027-01-20", "16/12/2026"],
        },
        sans_erreur=lambda donnees: True,  # le récapitulatif : réservés, en attente, refusés
    ),
    Cas(
        "enfant_planning_reserver",
        lambda m: reverse("enfant_planning_reserver", args=[m.lucas.pk, m.prestation.pk, MERCREDI]),
        lambda m: {},
        ecrit=("enfants.Journee", "demandes.Demande"),
        verifier=journees_coherentes,
    ),
    Cas(
        "enfant_planning_annuler",
        _jour("annuler"),
        lambda m: {},
        ecrit=("enfants.Journee", "demandes.Demande"),
        verifier=journees_coherentes,
    ),
    Cas(
        "enfant_planning_absence",
        _jour("absence"),
        lambda m: _champs(MotifAbsenceForm()),
        ecrit=("enfants.Journee", "demandes.Demande"),
        verifier=journees_coherentes,
        extras=("confirmer",),
        sans_erreur=lambda donnees: "confirmer" not in donnees,  # la page de confirmation
    ),
    Cas(
        "enfant_agenda_creer",
        _enfant("enfant_agenda_creer"),
        lambda m: {},
        ecrit=("enfants.Enfant",),
    ),
    Cas(
        "enfant_agenda_revoquer",
        _enfant("enfant_agenda_revoquer"),
        lambda m: {},
        ecrit=("enfants.Enfant",),
    ),
    Cas(
        "mon_dossier",
        lambda m: reverse("mon_dossier"),
        lambda m: _champs(DepotForm(exigences=_exigences(m))),
        ecrit=("dossiers.PieceDossier", "demandes.Demande"),
        verifier=piece_et_demande,
        plausibles={"date_document": ["2026-11-20", "15/11/2026", "2026-09-01"]},
    ),
    Cas(
        "certification_confirmer",
        lambda m: reverse("certification_confirmer", args=["famille"]),
        lambda m: {},
        ecrit=("dossiers.CertificationAnnuelle",),
    ),
    Cas("deconnexion", lambda m: reverse("deconnexion"), lambda m: {}),
    Cas(
        "creer_compte",
        lambda m: reverse("creer_compte"),
        lambda m: _champs(CreerCompteForm()),
        plausibles={
            "email": ["lea.bernard@exemple.fr", "jean.dupont@wanadoo.fr"],
            "date_naissance": ["1988-04-12", "12/04/1988", "2020-01-01"],
            "mot_de_passe1": MOTS_DE_PASSE,
            "mot_de_passe2": MOTS_DE_PASSE,
            "site_web": [""],
        },
        anonyme=True,
    ),
    Cas(
        "demander_effacement",
        lambda m: reverse("demander_effacement"),
        lambda m: _champs(EffacementForm()),
        ecrit=("demandes.Demande",),
        verifier=effacement_demande,
        plausibles={"confirmation": ["on"]},
    ),
]


def _poster(client, monde, cas, donnees):
    """Une requête POST de l'exemple, et ce qu'elle a écrit ; rien ne survit à l'exemple."""
    with exemple_isole():
        if cas.anonyme:
            client.logout()
        else:
            client.force_login(monde.titulaire.utilisateur)
        if cas.preparer is not None:
            cas.preparer(monde)
        avant, fichiers_avant = photographie(SURVEILLEES), fichiers_deposes()
        reponse = client.post(cas.url(monde), donnees)
        apres = photographie(SURVEILLEES)
        verifier_reponse(reponse, donnees)
        changees = tables_changees(avant, apres)
        assert changees <= set(cas.ecrit), f"{changees} modifiées par {donnees!r}"
        cas.verifier(monde, avant, donnees, cas.champs(monde))
        # Un fichier rangé est celui d'un enregistrement : jamais un fichier orphelin.
        for chemin in fichiers_deposes() - fichiers_avant:
            assert any(chemin.name in str(ligne) for table in apres.values() for ligne in table), (
                f"fichier orphelin {chemin.name} après {donnees!r}"
            )
        if reponse.status_code == 200 and not changees and cas.champs(monde):
            sans_erreur = cas.sans_erreur is not None and cas.sans_erreur(donnees)
            assert sans_erreur or erreurs_des_formulaires(reponse), (
                f"page 200 sans erreur ni écriture pour {donnees!r}"
            )
    return reponse


@pytest.mark.parametrize("cas", FORMULAIRES, ids=str)
@REGLAGES_FORMULAIRES
@given(tirage=st.data())
def test_un_formulaire_hostile_ne_fait_ni_500_ni_demi_ecriture(client, monde, cas, tirage):
    champs = cas.champs(monde)
    donnees = tirage.draw(
        donnees_de_formulaire(champs, extras=cas.extras, plausibles=cas.plausibles),
        label="donnees",
    )
    _poster(client, monde, cas, donnees)


# Les erreurs 500 que ces essais ont trouvées, gardées en exemples.


@pytest.mark.parametrize(
    ("suivant", "adresse"),
    [
        ("abc", "/demandes/"),
        ("😀", "/demandes/"),
        ("mon_compte", "/demandes/"),
        ("\x00", "/demandes/"),
        ("https://exemple.com/", "/demandes/"),
        ("//exemple.com/", "/demandes/"),
        ("/demandes/?onglet=enfants", "/demandes/?onglet=enfants"),
    ],
)
def test_retirer_une_demande_revient_a_une_adresse_du_portail(client, monde, suivant, adresse):
    """`suivant` quelconque (un texte pris pour un nom de vue) faisait une erreur 500."""
    client.force_login(monde.titulaire.utilisateur)
    url = reverse("retirer_demande", args=[monde.demande.pk])
    reponse = client.post(url, {"suivant": suivant})
    assert reponse.status_code == 302
    assert reponse.url == adresse
    assert Demande.objects.get(pk=monde.demande.pk).statut == Demande.Statut.RETIREE


def test_payer_sans_aucun_champ_dit_l_adresse_manquante(client, monde):
    """Un envoi vide réaffichait la page sans rien dire ; il dit l'adresse qui manque."""
    client.force_login(monde.titulaire.utilisateur)
    reponse = client.post(reverse("payer_facture", args=[monde.facture.pk]), {})
    assert reponse.status_code == 200
    assert "Saisissez l'adresse e-mail qui recevra le reçu." in erreurs_des_formulaires(reponse)
    assert not TransactionEnLigne.objects.exists()


# --- Les paramètres d'adresse ----------------------------------------------------------------

PARAMETRES = {
    "boite": (lambda m: reverse("boite"), ("page",)),
    "releve": (lambda m: reverse("releve"), ("annee", "vue")),
    "attestation_fiscale": (lambda m: reverse("attestation_fiscale"), ("annee",)),
    "attestation_presence": (lambda m: reverse("attestation_presence"), ("debut", "fin")),
    "demandes": (lambda m: reverse("demandes"), ("onglet", "type")),
    "enfant_planning": (_enfant("enfant_planning"), ("mois",)),
    "enfant_planning_periode": (_enfant("enfant_planning_periode"), ("mois",)),
    "mon_dossier": (lambda m: reverse("mon_dossier"), ("document",)),
    "connexion": (lambda m: reverse("connexion"), ("next",)),
    "accueil": (lambda m: reverse("accueil"), ("next", "page")),
}


@REGLAGES_ROUTES
@given(route=st.sampled_from(sorted(PARAMETRES)), tirage=st.data())
def test_un_parametre_d_adresse_hostile_ne_fait_jamais_500(client, monde, route, tirage):
    url, noms = PARAMETRES[route]
    parametres = tirage.draw(parametres_hostiles(noms), label="parametres")
    with exemple_isole():
        client.force_login(monde.titulaire.utilisateur)
        avant = photographie(SURVEILLEES)
        reponse = client.get(url(monde), parametres)
        verifier_reponse(reponse, parametres)
        assert not tables_changees(avant, photographie(SURVEILLEES))


# Les pages du personnel qui lisent des paramètres d'adresse, essayées par un agent.
PARAMETRES_AGENT = {
    "tableau_de_bord": (lambda m: reverse("tableau_de_bord"), ("semaine", "mois")),
}


@REGLAGES
@given(route=st.sampled_from(sorted(PARAMETRES_AGENT)), tirage=st.data())
def test_un_parametre_hostile_d_une_page_du_personnel_ne_fait_jamais_500(
    client, monde, route, tirage
):
    url, noms = PARAMETRES_AGENT[route]
    parametres = tirage.draw(parametres_hostiles(noms), label="parametres")
    with exemple_isole():
        agent, _ = Utilisateur.objects.get_or_create(
            username="agent-hostile", defaults={"is_staff": True, "is_superuser": True}
        )
        client.force_login(agent)
        avant = photographie(SURVEILLEES)
        reponse = client.get(url(monde), parametres)
        verifier_reponse(reponse, parametres)
        assert not tables_changees(avant, photographie(SURVEILLEES))


# Les routes dont un paramètre du chemin est un texte libre (les identifiants entiers sont
# essayés par test_un_identifiant_hostile_ne_fait_jamais_500).
CHEMINS = {
    "demande_bloc": lambda v: f"/mon-compte/demande/adresse/{v}/",
    "demande_bloc_famille": lambda v: f"/mon-compte/demande/{v}/",
    "certification_etape": lambda v: f"/mon-dossier/fiche/{v}/",
    "certification_confirmer": lambda v: f"/mon-dossier/fiche/{v}/confirmer/",
    "mot_de_passe_reinitialiser": lambda v: f"/mot-de-passe/reinitialiser/{v}/{v}/",
    "enfant_planning_jour": lambda v: f"/mes-enfants/1/planning/1/{v}/",
    "agenda": lambda v: f"/agenda/{v}.ics",
    "confirmer_compte": lambda v: f"/creer-mon-compte/confirmer/{v}/",
}


def _segment(valeur):
    """Un segment d'adresse : sans « / », qui changerait de route."""
    return quote(valeur.replace("/", "") or "x", safe="")


@REGLAGES_ROUTES
@given(
    route=st.sampled_from(sorted(CHEMINS)),
    valeur=valeur_hostile,
    methode=st.sampled_from(["get", "post"]),
)
def test_un_chemin_hostile_ne_fait_jamais_500(client, monde, route, valeur, methode):
    url = CHEMINS[route](_segment(valeur))
    with exemple_isole():
        client.force_login(monde.titulaire.utilisateur)
        avant = photographie(SURVEILLEES)
        reponse = getattr(client, methode)(url)
        verifier_reponse(reponse, url)
        changees = tables_changees(avant, photographie(SURVEILLEES))
        assert changees <= {"dossiers.CertificationAnnuelle"}, changees


def routes_du_portail():
    """(nom, motif) de chaque route du portail des familles, hors administration."""

    def parcourir(motifs, prefixe=""):
        for motif in motifs:
            if isinstance(motif, URLResolver):
                if str(motif.pattern).startswith("admin/"):
                    continue
                yield from parcourir(motif.url_patterns, prefixe + str(motif.pattern))
            else:
                yield motif.name, prefixe + str(motif.pattern)

    return sorted(parcourir(get_resolver().url_patterns))


ROUTES_A_IDENTIFIANT = sorted(
    {(nom, motif) for nom, motif in routes_du_portail() if "<id:" in motif}
)


@REGLAGES_ROUTES
@given(
    route=st.sampled_from(ROUTES_A_IDENTIFIANT),
    identifiant=st.one_of(
        st.integers(min_value=0, max_value=10**30),
        st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64]),
    ),
    methode=st.sampled_from(["get", "post"]),
)
def test_un_identifiant_hostile_ne_fait_jamais_500(client, monde, route, identifiant, methode):
    """Un identifiant hors des bornes des entiers de la base : une page 404, pas une 500."""
    url = "/" + route[1]
    for nom in ("pk", "personne_pk", "vaccin_pk", "prestation_pk"):
        url = url.replace(f"<id:{nom}>", str(identifiant))
    url = url.replace("<jour:jour>", "2026-12-09")
    with exemple_isole():
        client.force_login(monde.titulaire.utilisateur)
        avant = photographie(SURVEILLEES)
        reponse = getattr(client, methode)(url, {"motif": "Malade", "confirmer": "1"})
        verifier_reponse(reponse, url)
        assert not tables_changees(avant, photographie(SURVEILLEES))


# --- Chaque route est classée ----------------------------------------------------------------

# Les routes sans saisie à essayer : ni formulaire, ni paramètre libre, et pourquoi.
SANS_SAISIE = {
    "mot_de_passe_oublie_envoye": "une page de confirmation, sans formulaire",
    "mot_de_passe_reinitialise": "une page de confirmation, sans formulaire",
    "message": "une page en lecture (identifiant essayé à part)",
    "piece_jointe": "un fichier servi (identifiant essayé à part)",
    "infos": "une page en lecture",
    "favicon": "une redirection vers l'icône des fichiers statiques",
    "sante": "l'état des composants pour la surveillance, sans paramètre (test_sante.py)",
    "formulaire": "un fichier servi (identifiant essayé à part)",
    "facture_pdf": "un PDF servi (identifiant essayé à part)",
    "facture_pdf_agent": "réservée au personnel",
    "mes_attestations": "une page en lecture ; ses formulaires sont des routes à part",
    "attestation_fiscale_pdf": "un PDF servi (identifiant essayé à part)",
    "mon_compte": "une page en lecture",
    "mes_enfants": "une page en lecture",
    "certification": "une page en lecture",
    "fichier_piece": "un fichier servi (identifiant essayé à part)",
    "enfant_planning_jour": "une page en lecture ; ses actions sont des routes à part",
    "mentions_legales": "une page légale en lecture",
    "donnees_personnelles": "une page légale en lecture",
    "accessibilite": "une page légale en lecture",
    "plan_du_site": "une page légale en lecture",
    "creer_compte_envoye": "une page de confirmation, sans formulaire",
    "compte_en_validation": "une page en lecture",
    "mes_donnees": "une archive produite, sans saisie",
    "mes_donnees_pdf": "un PDF produit, sans saisie",
}
# Essayées par test_entrees_hostiles_paiement.py.
PAIEMENT = {"paiement_notification", "paiement_retour", "payfip_simulateur"}


def test_chaque_route_du_portail_est_classee():
    essayees = (
        {cas.route for cas in FORMULAIRES}
        | set(PARAMETRES)
        | set(PARAMETRES_AGENT)
        | set(CHEMINS)
        | PAIEMENT
    )
    oubliees = [
        f"{nom} ({motif})"
        for nom, motif in routes_du_portail()
        if nom not in essayees and nom not in SANS_SAISIE
    ]
    assert not oubliees, (
        "Ces routes ne sont pas essayées avec des entrées hostiles : ajoutez-les à FORMULAIRES, "
        f"PARAMETRES ou CHEMINS, ou à SANS_SAISIE avec la raison : {oubliees}"
    )


# --- La réinitialisation du mot de passe, par un lien valable --------------------------------


@REGLAGES
@given(tirage=st.data())
def test_la_reinitialisation_hostile_ne_fait_ni_500_ni_demi_ecriture(client, monde, tirage):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    utilisateur = Utilisateur.objects.get(pk=monde.titulaire.utilisateur_id)
    champs = _champs(NouveauMotDePasseForm(utilisateur))
    donnees = tirage.draw(
        donnees_de_formulaire(
            champs, plausibles={"new_password1": MOTS_DE_PASSE, "new_password2": MOTS_DE_PASSE}
        ),
        label="donnees",
    )
    with exemple_isole():
        client.logout()
        uid = urlsafe_base64_encode(force_bytes(utilisateur.pk))
        jeton = default_token_generator.make_token(utilisateur)
        lien = client.get(reverse("mot_de_passe_reinitialiser", args=[uid, jeton]))
        assert lien.status_code == 302
        avant = photographie(SURVEILLEES)
        reponse = client.post(lien.url, donnees)
        verifier_reponse(reponse, donnees)
        changees = tables_changees(avant, photographie(SURVEILLEES))
        assert changees <= {"familles.Utilisateur"}
        if reponse.status_code == 200:
            assert erreurs_des_formulaires(reponse), donnees
        if changees:
            utilisateur.refresh_from_db()
            assert utilisateur.check_password(donnees["new_password1"])
