"""Ce que la facturation dit aux familles, par courriel : une nouvelle facture (ou un avoir).

Les courriels passent par `familles.notifications` : seuls les responsables qui les acceptent
(« Autorisation courriel ») les reçoivent, et rien ne part d'une transaction annulée.

La facturation en travail de fond (facturation/taches.py) passe par la boîte d'envoi
(django-post-office) : `mettre_en_attente_l_annonce` marque la facture annoncée et y range ses
courriels dans la même transaction, `envoyer_courriels_en_attente` les envoie ensuite. Un
worker tué puis relancé n'annonce ainsi jamais une facture deux fois, ni ne l'oublie.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from facturation.models import Facture
from familles.notifications import destinataires, envoyer_courriel, lien_portail


def _annonce(facture):
    """Le sujet et le contexte du courriel qui annonce la facture (gabarit « facture »)."""
    avoir = facture.genre == Facture.Genre.AVOIR
    sujet = f"Portail Familles : {'avoir' if avoir else 'facture'} {facture.numero}"
    contexte = {
        "facture": facture,
        "avoir": avoir,
        "famille": facture.famille,
        "lien": lien_portail(reverse("releve")),
    }
    return sujet, contexte


def annoncer_facture(*, facture):
    """Annonce une facture émise (ou un avoir) aux responsables de sa famille. La facture est
    déjà dans l'Accueil et le relevé de compte : ce courriel ne crée pas de message."""
    sujet, contexte = _annonce(facture)
    envoyer_courriel(
        adresses=destinataires(facture.famille),
        sujet=sujet,
        gabarit="facture",
        contexte=contexte,
    )


@transaction.atomic
def mettre_en_attente_l_annonce(*, facture):
    """Marque la facture annoncée et range dans la boîte d'envoi un courriel par responsable
    qui les accepte (le même que `annoncer_facture`), dans une seule transaction. Rend False
    si la facture était déjà annoncée (rien n'est rangé)."""
    from post_office import mail

    marquee = Facture.objects.filter(pk=facture.pk, annoncee_le__isnull=True).update(
        annoncee_le=timezone.now()
    )
    if not marquee:
        return False
    sujet, contexte = _annonce(facture)
    contexte = {
        "collectivite": settings.COLLECTIVITE,
        "portail_url": lien_portail("/"),
        "sujet": sujet,
        **contexte,
    }
    texte = render_to_string("courriels/facture.txt", contexte)
    html = render_to_string("courriels/facture.html", contexte)
    for adresse in destinataires(facture.famille):
        mail.send(
            recipients=[adresse],
            sender=settings.DEFAULT_FROM_EMAIL,
            subject=sujet,
            message=texte,
            html_message=html,
            priority="medium",
        )
    return True


def envoyer_courriels_en_attente(*, par_lot=100):
    """Envoie les courriels de la boîte d'envoi (par le backend d'EMAIL_URL), lot par lot.
    Chaque lot est verrouillé le temps de son envoi (SKIP LOCKED sur PostgreSQL) : deux
    travaux qui vident la boîte en même temps n'envoient pas deux fois le même courriel. Un
    envoi qui échoue reste dans la boîte, marqué en échec (administration : Post Office).
    Rend le nombre de courriels envoyés."""
    from post_office.connections import connections
    from post_office.models import STATUS, Email

    envoyes = 0
    while True:
        with transaction.atomic():
            lot = list(
                Email.objects.select_for_update(skip_locked=True)
                .filter(status__in=[STATUS.queued, STATUS.requeued])
                .filter(Q(scheduled_time__isnull=True) | Q(scheduled_time__lte=timezone.now()))
                .order_by("pk")[:par_lot]
            )
            if not lot:
                return envoyes
            try:
                for courriel in lot:
                    if courriel.dispatch(disconnect_after_delivery=False) == STATUS.sent:
                        envoyes += 1
            finally:
                connections.close()
