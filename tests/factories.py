"""Fabriques factory-boy des objets du domaine, pour les tests (et les benchmarks)."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password

from enfants.models import Enfant, Inscription, Journee, Prestation, Structure
from facturation.models import Affectation, Facture, LigneFacture, Regie, Reglement
from familles.models import Famille, Message, Responsable, Utilisateur

MOT_DE_PASSE = "Secret2026"
# Hacher une fois pour toutes : le hachage lent de Django coûterait cher à chaque fabrique.
MOT_DE_PASSE_HACHE = make_password(MOT_DE_PASSE)


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Utilisateur
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"parent{n}")
    password = MOT_DE_PASSE_HACHE
    email = factory.LazyAttribute(lambda u: f"{u.username}@exemple.fr")


class FamilleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Famille

    numero = factory.Sequence(lambda n: f"{1001001800000 + n:013d}")


class ResponsableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsable

    famille = factory.SubFactory(FamilleFactory)
    role = Responsable.Role.TITULAIRE
    civilite = Responsable.Civilite.MADAME
    nom = "MARTIN"
    prenom = "MARIE"
    qualite = Responsable.Qualite.MERE
    situation = Responsable.Situation.MARIE
    adresse = "3 PLACE DE L'ÉGLISE"
    code_postal = "73350"
    ville = "BOZEL"
    email = factory.LazyAttribute(lambda r: f"{r.prenom.lower()}.{r.nom.lower()}@exemple.fr")
    utilisateur = factory.SubFactory(UtilisateurFactory)


class EnfantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enfant

    famille = factory.SubFactory(FamilleFactory)
    nom = "MARTIN"
    prenom = "Emma"
    sexe = Enfant.Sexe.FILLE
    date_naissance = datetime.date(2018, 5, 14)


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure
        django_get_or_create = ("nom",)

    nom = "Accueil de Loisirs"


class PrestationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prestation
        django_get_or_create = ("structure", "nom")

    structure = factory.SubFactory(StructureFactory)
    nom = factory.Sequence(lambda n: f"ALSH Prestation {n}")


class InscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inscription

    enfant = factory.SubFactory(EnfantFactory)
    prestation = factory.SubFactory(PrestationFactory)
    responsable = factory.LazyAttribute(lambda i: i.enfant.famille.titulaire)
    date_debut = datetime.date(2026, 9, 1)


class JourneeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Journee

    enfant = factory.SubFactory(EnfantFactory)
    prestation = factory.SubFactory(PrestationFactory)
    date = datetime.date(2026, 11, 4)
    etat = Journee.Etat.RESERVE


class RegieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regie
        django_get_or_create = ("prefixe",)

    nom = "Régie garderie ALSH"
    prefixe = "AL"


class FactureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facture

    regie = factory.SubFactory(RegieFactory)
    famille = factory.SubFactory(FamilleFactory)
    rang = factory.Sequence(lambda n: 1000 + n)
    numero = factory.LazyAttribute(lambda f: f"{f.regie.prefixe}-{f.rang}")
    date_facture = datetime.date(2026, 11, 8)
    date_echeance = datetime.date(2026, 11, 30)
    periode_debut = datetime.date(2026, 11, 1)
    periode_fin = datetime.date(2026, 11, 30)
    montant = Decimal("100.00")


class LigneFactureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LigneFacture

    facture = factory.SubFactory(FactureFactory)
    libelle = "ALSH Mercredi après-midi"
    quantite = Decimal("4")
    prix_unitaire = Decimal("25.00")
    montant = Decimal("100.00")


class ReglementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reglement

    regie = factory.SubFactory(RegieFactory)
    famille = factory.SubFactory(FamilleFactory)
    numero = factory.Sequence(lambda n: f"AL-R{n}")
    date = datetime.date(2026, 11, 10)
    mode = Reglement.Mode.CHEQUE
    montant = Decimal("100.00")


class AffectationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affectation

    reglement = factory.SubFactory(ReglementFactory)
    facture = factory.SubFactory(FactureFactory)
    montant = Decimal("100.00")


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    famille = factory.SubFactory(FamilleFactory)
    sujet = "Inscriptions aux vacances d'hiver"
    corps = "Les inscriptions aux vacances d'hiver sont ouvertes."


# --- Fabriques ajoutées pour l'administration -----------------------------------------------


class FicheSanitaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enfants.FicheSanitaire"

    enfant = factory.SubFactory(EnfantFactory)
    medecin_nom = "Dr Claire FAVRE"
    allergies = "Arachides"


class VaccinationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enfants.Vaccination"

    enfant = factory.SubFactory(EnfantFactory)
    vaccin = "DTPolio"
    date = datetime.date(2019, 5, 12)


class PersonneAutoriseeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enfants.PersonneAutorisee"

    enfant = factory.SubFactory(EnfantFactory)
    nom = "DURAND"
    prenom = "Monique"
    lien = "Grand-mère"
    telephone_mobile = "06 12 34 56 78"


class FermetureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enfants.Fermeture"

    date_debut = datetime.date(2026, 12, 24)
    date_fin = datetime.date(2026, 12, 31)
    motif = "Fermeture de fin d'année"


class TarifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "facturation.Tarif"

    prestation = factory.SubFactory(PrestationFactory)
    regie = factory.SubFactory(RegieFactory)
    prix_unitaire = Decimal("8.50")
    date_debut = datetime.date(2026, 9, 1)


class TrancheQuotientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "facturation.TrancheQuotient"

    tarif = factory.SubFactory(TarifFactory, mode="quotient")
    qf_min = 0
    qf_max = 700
    prix_unitaire = Decimal("10.00")


class DemandeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "demandes.Demande"

    famille = factory.SubFactory(FamilleFactory)
    type = "responsable"
    valeurs_actuelles = factory.LazyFunction(lambda: {"telephone_mobile": ""})
    valeurs_demandees = factory.LazyFunction(lambda: {"telephone_mobile": "06 11 22 33 44"})


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "familles.Document"

    titre = factory.Sequence(lambda n: f"Information {n}")
    texte = "Le service enfance vous informe."
    publie = True
