"""Une famille crée son compte sur le portail ; le service le valide ou le refuse.

1. `demander_compte` : la famille donne l'identité du titulaire, son adresse électronique et
   un mot de passe ; un courriel lui envoie un lien signé, valable 48 heures. Si l'adresse a
   déjà un compte, le courriel le dit (avec l'identifiant et « Mot de passe oublié ? ») au
   lieu d'envoyer un lien : la page affichée est la même, rien ne dit si l'adresse existe.
2. `confirmer_compte` : le lien, une seule fois, crée la famille « en attente de validation »,
   son titulaire et son compte de connexion (identifiant : l'adresse électronique).
3. `valider_compte` / `refuser_compte` : le service décide dans l'administration ; la famille
   est prévenue. Jusque-là, le compte ne voit que la page « dossier en cours de validation »
   (familles.acces.famille_requise).

Les doublons possibles (même adresse électronique, ou même nom et date de naissance qu'un
responsable d'une autre famille) sont montrés aux agents (`avec_doublons`), jamais fusionnés.
"""

import datetime
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from familles.models import CreationDeCompte, Famille, Responsable, Utilisateur
from familles.notifications import envoyer_courriel, lien_portail, notifier_famille

VALIDITE_DU_LIEN = datetime.timedelta(hours=48)
_SEL = "familles.creation-de-compte"


class LienInvalide(Exception):
    """Un lien de confirmation expiré, déjà utilisé ou altéré ; `message` le dit en français."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def adresse_a_un_compte(email):
    return Utilisateur.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists()


@transaction.atomic
def demander_compte(*, nom, prenom, date_naissance, email, empreinte_mot_de_passe):
    """Enregistre la demande et écrit le courriel de confirmation dans la file d'envoi (ou,
    si l'adresse a déjà un compte, le courriel qui le dit). Ne renvoie rien : l'appelant
    répond pareil dans les deux cas."""
    email = email.strip()
    if adresse_a_un_compte(email):
        envoyer_courriel(
            adresses=[email],
            sujet="Portail Familles : vous avez déjà un compte",
            gabarit="compte_existant",
            contexte={
                "lien_connexion": lien_portail(reverse("connexion")),
                "lien_oubli": lien_portail(reverse("mot_de_passe_oublie")),
            },
        )
        return
    creation = CreationDeCompte.objects.create(
        email=email,
        nom=nom.strip().upper(),
        prenom=prenom.strip(),
        date_naissance=date_naissance,
        mot_de_passe=empreinte_mot_de_passe,
    )
    jeton = signing.dumps(creation.pk, salt=_SEL)
    envoyer_courriel(
        adresses=[email],
        sujet="Portail Familles : confirmez votre adresse électronique",
        gabarit="creation_compte",
        contexte={
            "creation": creation,
            "lien": lien_portail(reverse("confirmer_compte", args=[jeton])),
            "heures": int(VALIDITE_DU_LIEN.total_seconds() // 3600),
        },
    )


def creation_du_lien(jeton):
    """La création de compte que désigne le lien, encore à confirmer ; LienInvalide sinon."""
    try:
        pk = signing.loads(jeton, salt=_SEL, max_age=VALIDITE_DU_LIEN)
    except signing.SignatureExpired:
        raise LienInvalide(
            "Ce lien a expiré : il était valable 48 heures. Recommencez la création de votre "
            "compte, un nouveau lien vous sera envoyé."
        ) from None
    except signing.BadSignature:
        raise LienInvalide(
            "Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier depuis le courriel."
        ) from None
    creation = CreationDeCompte.objects.filter(pk=pk).first()
    if creation is None:
        raise LienInvalide("Ce lien n'est plus valable. Recommencez la création de votre compte.")
    if creation.confirmee_le is not None:
        raise LienInvalide(
            "Ce lien a déjà servi : votre adresse est confirmée. Connectez-vous avec votre "
            "adresse électronique et votre mot de passe."
        )
    return creation


def _numero_libre():
    """Un N° famille de 13 chiffres commençant par 9 (créé sur le portail), tiré au hasard."""
    return f"9{secrets.randbelow(10**12):012d}"


@transaction.atomic
def confirmer_compte(*, jeton):
    """Crée, une seule fois, la famille en attente de validation, son titulaire et son compte
    de connexion. Renvoie l'utilisateur créé ; LienInvalide si le lien ne vaut pas (ou plus)."""
    creation = creation_du_lien(jeton)
    # Une seule confirmation, même quand le lien est ouvert deux fois au même instant.
    pris = CreationDeCompte.objects.filter(pk=creation.pk, confirmee_le__isnull=True).update(
        confirmee_le=timezone.now()
    )
    if not pris or adresse_a_un_compte(creation.email):
        raise LienInvalide(
            "Ce lien a déjà servi : un compte existe pour cette adresse. Connectez-vous, ou "
            "utilisez « Mot de passe oublié ? »."
        )
    try:
        utilisateur = Utilisateur.objects.create(
            username=creation.email.lower(),
            email=creation.email,
            first_name=creation.prenom,
            last_name=creation.nom,
            password=creation.mot_de_passe,
        )
    except IntegrityError:
        raise LienInvalide("Ce lien a déjà servi : un compte existe pour cette adresse.") from None
    for _essai in range(10):
        try:
            with transaction.atomic():
                famille = Famille.objects.create(
                    numero=_numero_libre(), etat=Famille.Etat.EN_VALIDATION
                )
            break
        except IntegrityError:  # un numéro déjà pris : un autre tirage
            continue
    else:
        raise RuntimeError("Aucun numéro de famille libre après dix tirages.")
    Responsable.objects.create(
        famille=famille,
        role=Responsable.Role.TITULAIRE,
        utilisateur=utilisateur,
        nom=creation.nom,
        prenom=creation.prenom,
        date_naissance=creation.date_naissance,
        email=creation.email,
    )
    creation.famille = famille
    creation.save(update_fields=["famille"])
    return utilisateur


def avec_doublons(familles):
    """Annote chaque famille en attente de validation de `doublon_possible` : un de ses
    responsables a la même adresse électronique, ou le même nom et la même date de naissance,
    qu'un responsable d'une autre famille (faux pour les autres familles)."""
    autres = Responsable.objects.exclude(famille=OuterRef(OuterRef("pk"))).filter(
        (Q(email__iexact=OuterRef("email")) & ~Q(email=""))
        | Q(nom__iexact=OuterRef("nom"), date_naissance=OuterRef("date_naissance"))
    )
    # Calculé pour les seules familles en attente de validation : sur la liste entière des
    # familles (des milliers), la comparaison de chaque responsable à tous les autres coûterait.
    return familles.annotate(
        doublon_possible=Case(
            When(
                etat=Famille.Etat.EN_VALIDATION,
                then=Exists(
                    Responsable.objects.filter(famille=OuterRef("pk")).filter(Exists(autres))
                ),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def doublons_de(famille):
    """Les autres familles qui ont peut-être les mêmes responsables que `famille`."""
    conditions = Q(pk__in=[])
    for responsable in famille.responsables.all():
        if responsable.email:
            conditions |= Q(responsables__email__iexact=responsable.email)
        if responsable.date_naissance:
            conditions |= Q(
                responsables__nom__iexact=responsable.nom,
                responsables__date_naissance=responsable.date_naissance,
            )
    return Famille.objects.filter(conditions).exclude(pk=famille.pk).distinct()


class DecisionImpossible(Exception):
    pass


@transaction.atomic
def valider_compte(*, famille, agent):
    """Le service valide une famille créée sur le portail : elle accède à ses pages, et en est
    prévenue (message et courriel)."""
    pris = Famille.objects.filter(pk=famille.pk, etat=Famille.Etat.EN_VALIDATION).update(
        etat=Famille.Etat.ACTIVE
    )
    if not pris:
        raise DecisionImpossible(f"La famille {famille} n'attend pas de validation.")
    famille.etat = Famille.Etat.ACTIVE
    notifier_famille(
        famille=famille,
        sujet="Votre compte famille est validé",
        gabarit="compte_valide",
        contexte={"lien": lien_portail(reverse("accueil"))},
        auteur=agent,
    )


@transaction.atomic
def refuser_compte(*, famille, agent, motif):
    """Le service refuse une famille créée sur le portail : la famille est fermée, son compte
    ne se connecte plus ; le titulaire reçoit le motif par courriel."""
    pris = Famille.objects.filter(pk=famille.pk, etat=Famille.Etat.EN_VALIDATION).update(
        etat=Famille.Etat.FERMEE
    )
    if not pris:
        raise DecisionImpossible(f"La famille {famille} n'attend pas de validation.")
    famille.etat = Famille.Etat.FERMEE
    comptes = Utilisateur.objects.filter(responsable__famille=famille)
    adresses = [u.email for u in comptes if u.email]
    comptes.update(is_active=False)
    envoyer_courriel(
        adresses=adresses,
        sujet="Portail Familles : votre demande de compte",
        gabarit="compte_refuse",
        contexte={"motif": motif},
    )
