"""Sentry, le suivi des erreurs en option : rien sans SENTRY_DSN. Appelé par les réglages
(portail/settings.py), ce module n'importe rien de Django."""


def initialiser_sentry(dsn, *, environnement):
    """Sentry, seulement si un DSN est donné : ni données personnelles (send_default_pii), ni
    corps de requête, ni variables locales. Rend True s'il a été initialisé."""
    if not dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environnement,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=0,
    )
    return True
