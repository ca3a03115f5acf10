from django.apps import AppConfig


class DemandesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "demandes"

    def ready(self):
        # Les réservations et les absences enregistrent leurs applications auprès du service
        # des demandes (APPLICATIONS, APPLICATIONS_REFUS, APPLICATIONS_RETRAIT).
        # Les documents du dossier annuel aussi (demandes/dossier.py).
        from django.db.models.signals import post_save

        from demandes import (
            dossier,  # noqa: F401
            reservations,  # noqa: F401
        )
        from enfants.models import Prestation

        # Des places en plus sur une prestation : ses listes d'attente avancent aussitôt.
        post_save.connect(
            _listes_d_attente_apres_changement,
            sender=Prestation,
            dispatch_uid="demandes_listes_apres_changement_de_prestation",
        )


def _listes_d_attente_apres_changement(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    from demandes.reservations import faire_avancer_les_listes

    faire_avancer_les_listes(instance)
