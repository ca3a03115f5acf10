"""Compter des demandes dans une fenêtre de temps, avec le cache de Django (celui de CACHE_URL :
partagé entre les processus du serveur en production)."""

import hashlib

from django.core.cache import cache


def limite_depassee(cle, limite, fenetre):
    """Compte une demande de plus pour `cle` ; vrai quand il y en a eu plus de `limite` depuis
    la première de la fenêtre de `fenetre` secondes."""
    cle = "limite:" + hashlib.sha256(cle.encode()).hexdigest()  # ni espace ni caractère hostile
    cache.add(cle, 0, fenetre)
    try:
        nombre = cache.incr(cle)
    except ValueError:  # la fenêtre vient de se fermer
        cache.set(cle, 1, fenetre)
        nombre = 1
    return nombre > limite
