"""Le stockage des fichiers statiques en production : celui de whitenoise (noms hachés d'après
le manifeste de `collectstatic`, fichiers compressés), dont l'adresse de chaque fichier n'est
calculée qu'une fois par processus.

Chaque page pose quatre ou cinq {% static %} ; pour chacun, le stockage relit le manifeste,
découpe et recompose l'adresse (50 µs environ, mesuré sur le banc). Le manifeste est lu une
fois au démarrage du processus et ne change plus tant qu'il vit : la même question a toujours
la même réponse.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StockageStatique(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._adresses = {}

    def url(self, name, force=False):
        if force:  # collectstatic : le calcul complet, sans mémoire
            return super().url(name, force=True)
        try:
            return self._adresses[name]
        except KeyError:
            # Un fichier absent du manifeste lève ValueError ici et n'est pas retenu.
            adresse = self._adresses[name] = super().url(name)
            return adresse
