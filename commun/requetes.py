"""Des requêtes de l'ORM compilées une fois par processus, puis exécutées avec d'autres valeurs.

Sur les pages des parents, l'ORM passe plus de temps à construire et compiler le SQL d'une
requête qu'à l'exécuter : 2,0 ms pour construire et compiler les factures impayées d'une
famille (trois sous-requêtes annotées), 0,16 ms pour les lire (mesuré sur la base des
benchmarks). Le SQL ne change pourtant pas d'une famille à l'autre : seules les valeurs changent.

    @compilee
    def _factures_impayees(*, famille_id, au):
        return Facture.objects.impayees().filter(famille_id=famille_id, date_facture__lte=au)

    factures = _factures_impayees(famille_id=famille.pk, au=aujourdhui)  # une liste

La fonction décorée construit un queryset ordinaire à partir de ses arguments (nommés). Au
premier appel, elle est construite deux fois avec des valeurs témoins, compilée, et l'on
retient le SQL et la place de chaque argument parmi ses paramètres ; les appels suivants
exécutent ce SQL avec leurs valeurs et rendent ce que rendrait `list(queryset)` : instances
(annotations et `select_related` compris), tuples de `values_list`, dictionnaires de
`values`, avec les conversions de valeurs de l'ORM.

Les arguments entiers, textes, dates et instants deviennent des paramètres du SQL ; les
booléens, None et les valeurs enveloppées dans `Forme(…)` (un jour de la semaine, un état :
un petit nombre de valeurs) font partie de la forme de la requête : une compilation par
valeur. Tout autre argument (une liste, une instance) est refusé.

Chaque application garde ses lectures compilées dans un seul module (`<app>/lectures.py`) ;
les vues et les services appellent ses fonctions, jamais ce décorateur. Le réglage
REQUETES_COMPILEES (variable d'environnement, `on` par défaut) le coupe : chaque appel
construit alors son queryset et l'ORM l'exécute (la CI passe les tests des lectures ainsi,
pour qu'une version de Django qui changerait ses rouages internes ne passe pas inaperçue).

La fonction ne doit dépendre que de ses arguments (pas de `timezone.now()` à l'intérieur) :
la double construction le vérifie pour les instants, et refuse un argument que le SQL
transforme (`__contains`, `__year`…) au lieu de le passer tel quel.
"""

import copy
import datetime
import functools
import weakref

from django.conf import settings
from django.db import connections

_TEMOINS = {
    # Dans les bornes de tous les champs entiers, même PositiveSmallIntegerField : hors de
    # ses bornes, l'ORM remplacerait la comparaison par un résultat vide.
    int: lambda rang, tour: 32_000 + 100 * tour + rang,
    str: lambda rang, tour: f"⁂témoin {tour}.{rang}⁂",
    datetime.date: lambda rang, tour: datetime.date(1901 + tour, 1, 1 + rang),
    datetime.datetime: lambda rang, tour: datetime.datetime(
        1901 + tour, 1, 1, 0, 0, rang, tzinfo=datetime.UTC
    ),
}


class Forme:
    """Une valeur qui fait partie de la forme de la requête (une compilation par valeur)."""

    __slots__ = ("valeur",)

    def __init__(self, valeur):
        self.valeur = valeur

    def __eq__(self, autre):
        return isinstance(autre, Forme) and autre.valeur == self.valeur

    def __hash__(self):
        return hash(self.valeur)


def _deballer(valeur):
    return valeur.valeur if isinstance(valeur, Forme) else valeur


def _genre(nom, valeur):
    """Le genre de paramètre d'une valeur, ou None si elle fait partie de la forme."""
    if valeur is None or isinstance(valeur, bool | Forme):
        return None
    # Les choix d'un modèle (TextChoices, IntegerChoices) sont des textes et des entiers.
    for genre in (datetime.datetime, datetime.date, int, str):
        if isinstance(valeur, genre):
            return genre
    raise TypeError(
        f"« {nom} » : un entier, un texte, une date, un instant, un booléen, None ou "
        f"Forme(…) (reçu {type(valeur).__name__})."
    )


def _meme_parametre(valeur, attendu):
    """Le paramètre est-il le témoin ? Sur PostgreSQL, l'ORM enveloppe les entiers des champs
    entiers (pas des clés) dans Int2, Int4 ou Int8 de psycopg : des sous-classes de int."""
    if isinstance(attendu, int):
        return isinstance(valeur, int) and not isinstance(valeur, bool) and valeur == attendu
    return type(valeur) is type(attendu) and valeur == attendu


def _adapter(valeur, connexion):
    """La valeur telle que l'ORM la passe à la base pour un champ de son type."""
    if isinstance(valeur, datetime.datetime):
        return connexion.ops.adapt_datetimefield_value(valeur)
    if isinstance(valeur, datetime.date):
        return connexion.ops.adapt_datefield_value(valeur)
    if isinstance(valeur, int):
        return int(valeur)
    return str(valeur)


# Les bornes d'une colonne `integer` : au-delà, la requête passe par l'ORM (voir `compilee`).
ENTIER_MIN, ENTIER_MAX = -(2**31), 2**31 - 1


class RequeteNonCompilable(Exception):
    """La fonction ne se compile pas une fois pour toutes (voir le message)."""


class _Compilation:
    """Le SQL d'une forme de requête, la place des arguments et le compilateur de l'ORM."""

    def __init__(self, construire, valeurs, parametres):
        self.conversions = weakref.WeakKeyDictionary()  # {connexion: conversions des colonnes}
        premiere = self._compiler(construire, valeurs, parametres, tour=0)
        seconde = self._compiler(construire, valeurs, parametres, tour=1)
        (self.queryset, self.compilateur, self.sql, self.parametres, self.places) = premiere
        if seconde[2] != self.sql or seconde[4] != self.places:
            raise RequeteNonCompilable(
                f"{construire.__qualname__} : le SQL change avec les valeurs des arguments."
            )
        fixes = [p for rang, p in enumerate(self.parametres) if rang not in self._rangs()]
        autres = [p for rang, p in enumerate(seconde[3]) if rang not in self._rangs()]
        if fixes != autres:
            raise RequeteNonCompilable(
                f"{construire.__qualname__} : des paramètres du SQL ne viennent pas des "
                "arguments (une date ou une heure calculée dans la fonction ?)."
            )

    def _rangs(self):
        return {rang for rangs in self.places.values() for rang in rangs}

    @staticmethod
    def _compiler(construire, valeurs, parametres, tour):
        temoins = {nom: _TEMOINS[genre](rang, tour) for rang, (nom, genre) in enumerate(parametres)}
        try:
            queryset = construire(**valeurs, **temoins)
            compilateur = queryset.query.get_compiler(using=queryset.db)
            sql, params = compilateur.as_sql()
        except (ValueError, TypeError) as erreur:  # une valeur témoin qu'un lookup refuse
            raise RequeteNonCompilable(
                f"{construire.__qualname__} : un argument ne se remplace pas par une valeur "
                f"témoin ({erreur}) : passez-le sous une autre forme."
            ) from erreur
        connexion = connections[queryset.db]
        places = {}
        for nom, temoin in temoins.items():
            attendu = _adapter(temoin, connexion)
            places[nom] = [
                rang for rang, valeur in enumerate(params) if _meme_parametre(valeur, attendu)
            ]
            transforme = any(
                isinstance(valeur, str) and str(temoin) in valeur and valeur != attendu
                for valeur in params
            )
            if not places[nom] or transforme:
                raise RequeteNonCompilable(
                    f"{construire.__qualname__} : l'argument « {nom} » n'arrive pas tel quel "
                    "dans le SQL (transformé par un lookup ?) : passez-le sous une autre forme."
                )
        return queryset, compilateur, sql, list(params), places

    def executer(self, valeurs):
        connexion = connections[self.queryset.db]
        params = list(self.parametres)
        for nom, rangs in self.places.items():
            adaptee = _adapter(valeurs[nom], connexion)
            for rang in rangs:
                # Le même type que le témoin à cette place (Int4 de psycopg, par exemple).
                params[rang] = type(params[rang])(adaptee) if isinstance(adaptee, int) else adaptee
        compilateur = copy.copy(self.compilateur)
        compilateur.connection = connexion  # celle du fil qui exécute
        sql = self.sql
        compilateur.as_sql = lambda *args, **kwargs: (sql, params)
        # Les conversions des colonnes lues (dates, décimaux…) : les mêmes à chaque fois,
        # établies une fois par connexion (chaque fil a la sienne).
        conversions = self.conversions.get(connexion)
        if conversions is None:
            colonnes = [choisie[0] for choisie in compilateur.select[: compilateur.col_count]]
            conversions = self.conversions[connexion] = compilateur.get_converters(colonnes)
        compilateur.get_converters = lambda expressions: conversions
        queryset = self.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compilateur
        return list(queryset)


# Les formes compilées gardées par fonction décorée, les plus récemment servies : au-delà, la
# plus ancienne est oubliée (et recompilée si elle revient).
COMPILATIONS_MAX = 64


def compilee(construire):
    """Décorateur : voir la documentation du module. Avec REQUETES_COMPILEES=off (réglage),
    la fonction construit son queryset et l'ORM l'exécute, sans rien compiler ni garder."""

    @functools.lru_cache(maxsize=COMPILATIONS_MAX)
    def compilation(cle):
        parametres, forme = cle
        fixes = {nom: _deballer(valeur) for nom, valeur in forme}
        return _Compilation(construire, fixes, parametres)

    def par_l_orm(valeurs):
        return list(construire(**{nom: _deballer(v) for nom, v in valeurs.items()}))

    @functools.wraps(construire)
    def executer(**valeurs):
        if not settings.REQUETES_COMPILEES:
            return par_l_orm(valeurs)
        genres = {nom: _genre(nom, valeur) for nom, valeur in valeurs.items()}
        parametres = tuple(sorted((nom, genre) for nom, genre in genres.items() if genre))
        forme = tuple(sorted((nom, valeurs[nom]) for nom, genre in genres.items() if not genre))
        if any(
            genre is int and not ENTIER_MIN <= valeurs[nom] <= ENTIER_MAX
            for nom, genre in parametres
        ):
            # Un identifiant hors des bornes d'une colonne entière (lu dans une adresse) :
            # l'ORM sait que rien ne lui correspond ; le SQL compilé ferait une erreur.
            return par_l_orm(valeurs)
        return compilation((parametres, forme)).executer(valeurs)

    executer.construire = construire  # la fonction d'origine, pour les tests
    executer.compilations = compilation  # son cache borné (cache_info(), cache_clear())
    return executer
