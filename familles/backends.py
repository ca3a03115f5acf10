"""L'authentification des comptes : celle de Django, qui charge aussi le responsable et sa
famille avec l'utilisateur. Chaque page d'un parent en a besoin (le bandeau, l'accès à sa
famille) : une jointure dans la requête de l'utilisateur plutôt qu'une requête de plus.

Cette requête part à chaque page de chaque parent connecté : elle est écrite une fois (le
SELECT que ferait `select_related("responsable__famille")`, mêmes colonnes, mêmes
conversions de valeurs), plutôt que construite et compilée par l'ORM à chaque fois (1,2 →
0,2 ms par page, mesuré)."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router

from familles.models import Famille, Responsable


class _Table:
    """Les colonnes d'un modèle dans la jointure, et de quoi en refaire une instance."""

    def __init__(self, modele, alias, connexion):
        self.modele, self.alias = modele, alias
        self.champs = modele._meta.concrete_fields
        self.noms = [champ.attname for champ in self.champs]
        # [(la colonne, ses conversions)] : ce que le compilateur de l'ORM appliquerait.
        self.conversions = []
        for champ in self.champs:
            colonne = champ.get_col(alias)
            self.conversions.append(
                (
                    colonne,
                    [
                        *connexion.ops.get_db_converters(colonne),
                        *champ.get_db_converters(connexion),
                    ],
                )
            )

    def colonnes(self, qn):
        return ", ".join(f"{self.alias}.{qn(champ.column)}" for champ in self.champs)

    def instance(self, valeurs, connexion):
        if valeurs[0] is None:  # la jointure externe n'a rien trouvé (un compte sans famille)
            return None
        convertis = []
        for valeur, (colonne, conversions) in zip(valeurs, self.conversions, strict=True):
            for convertir in conversions:
                valeur = convertir(valeur, colonne, connexion)
            convertis.append(valeur)
        return self.modele.from_db(connexion.alias, self.noms, convertis)


@cache
def _requete(alias):
    """Le SELECT et les trois tables, une fois par base."""
    connexion = connections[alias]
    qn = connexion.ops.quote_name
    utilisateur = _Table(get_user_model(), "u", connexion)
    responsable = _Table(Responsable, "r", connexion)
    famille = _Table(Famille, "f", connexion)
    vers_compte = qn(Responsable._meta.get_field("utilisateur").column)
    vers_famille = qn(Responsable._meta.get_field("famille").column)
    sql = (
        f"SELECT {utilisateur.colonnes(qn)}, {responsable.colonnes(qn)}, {famille.colonnes(qn)} "
        f"FROM {qn(utilisateur.modele._meta.db_table)} u "
        f"LEFT JOIN {qn(Responsable._meta.db_table)} r ON r.{vers_compte} = u.{qn('id')} "
        f"LEFT JOIN {qn(Famille._meta.db_table)} f ON f.{qn('id')} = r.{vers_famille} "
        f"WHERE u.{qn('id')} = %s"
    )
    return sql, (utilisateur, responsable, famille)


def compte_avec_sa_famille(user_id):
    """L'utilisateur, avec `utilisateur.responsable` et `responsable.famille` déjà là (sans
    requête de plus), ou None."""
    alias = router.db_for_read(get_user_model())
    connexion = connections[alias]
    sql, (t_utilisateur, t_responsable, t_famille) = _requete(alias)
    with connexion.cursor() as curseur:
        curseur.execute(sql, [user_id])
        ligne = curseur.fetchone()
    if ligne is None:
        return None
    n_u, n_r = len(t_utilisateur.champs), len(t_responsable.champs)
    utilisateur = t_utilisateur.instance(ligne[:n_u], connexion)
    responsable = t_responsable.instance(ligne[n_u : n_u + n_r], connexion)
    utilisateur._meta.get_field("responsable").set_cached_value(utilisateur, responsable)
    if responsable is not None:
        Responsable._meta.get_field("utilisateur").set_cached_value(responsable, utilisateur)
        famille = t_famille.instance(ligne[n_u + n_r :], connexion)
        Responsable._meta.get_field("famille").set_cached_value(responsable, famille)
    return utilisateur


class ComptesBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:  # un identifiant de session illisible : pas de compte
            return None
        utilisateur = compte_avec_sa_famille(user_id)
        if utilisateur is None or not self.user_can_authenticate(utilisateur):
            return None
        return utilisateur
