"""Les lectures d'enfants/ que les pages des parents et le service des réservations font à
chaque fois : des requêtes de l'ORM compilées une fois par processus (commun.requetes), ici et
nulle part ailleurs dans l'application. Les vues et les services appellent ces fonctions ; une
seule garde son résultat, pour l'affichage de la grille (`calendrier_affiche`, une minute) : le
service des réservations lit les fermetures et les campagnes à jour, dans sa transaction."""

from django.core.cache import caches
from django.db.models import Count, FilteredRelation, Q, Subquery
from django.db.models.functions import Coalesce

from commun.requetes import compilee
from enfants.models import Campagne, Enfant, Fermeture, Inscription, Journee, Prestation
from familles.models import Responsable


# Lu à chaque page de la fiche et du planning, et à chaque réservation (enfants/acces.py) :
# compilée une fois ; l'ORM ordinaire coûtait ~1 ms de processeur de plus par page (banc).
@compilee
def enfant_de_la_famille(*, pk, famille_id):
    return Enfant.objects.filter(pk=pk, famille_id=famille_id).select_related("fiche_sanitaire")


@compilee
def _inscriptions_entre(*, enfant_id, debut, fin, prestation_id):
    inscriptions = Inscription.objects.filter(enfant_id=enfant_id, date_debut__lte=fin)
    if prestation_id is not None:
        inscriptions = inscriptions.filter(prestation_id=prestation_id)
    return (
        inscriptions.filter(Q(date_fin__isnull=True) | Q(date_fin__gte=debut))
        .select_related("prestation__structure", "responsable")
        .order_by(
            "prestation__structure__ordre",
            "prestation__structure__nom",
            "prestation__ordre",
            "prestation__nom",
            "date_debut",
        )
    )


def inscriptions_entre(enfant, debut, fin, prestation_id=None):
    """Les inscriptions de l'enfant actives entre deux dates, avec prestation, structure et
    responsable : une requête."""
    return _inscriptions_entre(
        enfant_id=enfant.pk, debut=debut, fin=fin, prestation_id=prestation_id
    )


@compilee
def inscriptions_de_l_enfant(*, pk, famille_id, prestation_id):
    # `enfant__pk`, `prestation__pk` (même SQL que `enfant_id`, `prestation_id`) : un
    # identifiant hostile hors des bornes d'un entier donne une liste vide, pas une erreur.
    return Inscription.objects.filter(
        enfant__pk=pk, enfant__famille_id=famille_id, prestation__pk=prestation_id
    ).select_related("enfant", "prestation")


@compilee
def _inscriptions_a_la_prestation(*, enfant_id, prestation_id):
    return Inscription.objects.filter(
        enfant_id=enfant_id, prestation_id=prestation_id
    ).select_related("prestation")


def inscriptions_a_la_prestation(*, enfant_id, prestation_id):
    """Toutes les inscriptions de l'enfant à cette prestation, avec la prestation : une requête
    (la page d'une case, le service des réservations)."""
    return _inscriptions_a_la_prestation(enfant_id=enfant_id, prestation_id=prestation_id)


@compilee
def _prestations_reservables(*, enfant_id, aujourdhui):
    return (
        Prestation.objects.filter(
            Q(inscriptions__date_fin__isnull=True) | Q(inscriptions__date_fin__gte=aujourdhui),
            inscriptions__enfant_id=enfant_id,
        )
        .select_related("structure")
        .distinct()
        .order_by("structure__ordre", "structure__nom", "ordre", "nom")
    )


def prestations_reservables(*, enfant, aujourdhui):
    """Les prestations auxquelles l'enfant est inscrit aujourd'hui ou plus tard, une fois
    chacune, dans l'ordre de la grille : une requête."""
    return _prestations_reservables(enfant_id=enfant.pk, aujourdhui=aujourdhui)


@compilee
def _fermetures_entre(*, debut, fin):
    return Fermeture.objects.filter(date_debut__lte=fin, date_fin__gte=debut)


def fermetures_entre(debut, fin):
    """Les fermetures qui touchent un jour entre deux dates : une requête, à chaque fois
    (la grille, la page d'un jour et le service des réservations les voient à jour)."""
    return _fermetures_entre(debut=debut, fin=fin)


@compilee
def _liens_de_campagnes_entre(*, debut, fin):
    return (
        Campagne.prestations.through.objects.filter(
            campagne__date_debut__lte=fin, campagne__date_fin__gte=debut
        )
        .select_related("campagne")
        .order_by("campagne__date_debut", "campagne_id")
    )


def campagnes_entre(debut, fin):
    """Les campagnes qui couvrent un jour entre deux dates, chacune avec l'ensemble de ses
    `prestation_ids` : une requête, à chaque fois, comme les fermetures."""
    campagnes = {}
    for lien in _liens_de_campagnes_entre(debut=debut, fin=fin):
        campagne = campagnes.setdefault(lien.campagne_id, lien.campagne)
        campagne.__dict__.setdefault("prestation_ids", set()).add(lien.prestation_id)
    return list(campagnes.values())


# La grille d'un mois ne fait que montrer les fermetures et les campagnes : elle les lit dans
# le cache « affichage » de son processus, relues au plus tard une minute après un changement
# du service. Le service des réservations, lui, les relit à chaque fois dans sa transaction
# (fermetures_entre, campagnes_entre) : un jour fermé depuis moins d'une minute est refusé.
CALENDRIER_AFFICHE_PENDANT = 60


def calendrier_affiche(premier, dernier):
    """(fermetures, campagnes) entre deux dates, pour l'affichage de la grille seulement."""
    cache = caches["affichage"]
    cle = f"calendrier:{premier:%Y-%m-%d}:{dernier:%Y-%m-%d}"
    calendrier = cache.get(cle)
    if calendrier is None:
        calendrier = (fermetures_entre(premier, dernier), campagnes_entre(premier, dernier))
        cache.set(cle, calendrier, CALENDRIER_AFFICHE_PENDANT)
    return calendrier


@compilee
def _titulaire(*, famille_id):
    # Comme `.first()` : l'ordre du modèle (famille, rôle), une ligne.
    return Responsable.objects.filter(famille_id=famille_id, role=Responsable.Role.TITULAIRE)[:1]


def titulaire_de_la_famille(famille_id):
    """Le titulaire de la famille, ou None : une requête."""
    return next(iter(_titulaire(famille_id=famille_id)), None)


@compilee
def _journees_entre(*, enfant_id, debut, fin):
    # Les seuls champs que lit la grille, sans tri (elle les range par prestation et jour) : les
    # deux horodatages et l'auteur en moins, ~0,2 ms de processeur de moins pour une grille de
    # 7 lignes (docs/performance.md).
    return (
        Journee.objects.filter(enfant_id=enfant_id, date__range=(debut, fin))
        .only("prestation_id", "date", "etat", "reservee", "motif")
        .order_by()
    )


def journees_entre(*, enfant_id, debut, fin):
    """Les journées enregistrées de l'enfant entre deux dates, pour la grille (ses seuls champs :
    un autre se lirait par une requête de plus) : une requête."""
    return _journees_entre(enfant_id=enfant_id, debut=debut, fin=fin)


@compilee
def _journee_du_jour(*, enfant_id, prestation_id, jour):
    # Une au plus (unique par enfant, prestation et jour).
    return Journee.objects.filter(enfant_id=enfant_id, prestation_id=prestation_id, date=jour)[:1]


def journee_du_jour(*, enfant_id, prestation_id, jour):
    """La journée enregistrée de l'enfant pour cette prestation ce jour-là, ou None."""
    journees = _journee_du_jour(enfant_id=enfant_id, prestation_id=prestation_id, jour=jour)
    return journees[0] if journees else None


def residences(famille_id, campagnes):
    """{campagne.pk: la famille habite-t-elle la collectivité ?} : une requête (l'adresse du
    titulaire), seulement quand une campagne en tient compte."""
    if not any(c.ouverture_residents or c.priorite_residents for c in campagnes):
        return {}
    titulaire = titulaire_de_la_famille(famille_id)
    return {c.pk: c.famille_residente(titulaire) for c in campagnes}


# Le service des réservations (enfants/reservations.py) : les places d'un jour, la journée de
# l'enfant, le rang en liste d'attente, la prestation verrouillée.


def _comptes_des_places(prestation_id, jour, jour_semaine):
    """Les deux comptes de `places_occupees`, en sous-requêtes sur la prestation."""
    journees = Journee.objects.filter(prestation_id=prestation_id, date=jour)
    # Sans l'ordre par défaut des modèles : il joindrait les prestations, leurs structures,
    # les enfants et les familles pour rien.
    occupees = (
        journees.filter(etat__in=Journee.ETATS_OCCUPANT_UNE_PLACE)
        .order_by()
        .values("prestation")
        .annotate(nombre=Count("pk"))
        .values("nombre")
    )
    regulieres = (
        Inscription.objects.filter(
            prestation_id=prestation_id,
            date_debut__lte=jour,
            jours_reguliers__contains=jour_semaine,
        )
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=jour))
        .exclude(enfant__in=journees.values("enfant"))
        .order_by()
        .values("prestation")
        .annotate(nombre=Count("enfant", distinct=True))
        .values("nombre")
    )
    return Coalesce(Subquery(occupees), 0), Coalesce(Subquery(regulieres), 0)


_CHAMPS_JOURNEE = [champ.attname for champ in Journee._meta.concrete_fields]


@compilee
def places_occupees(*, prestation_id, jour, jour_semaine):
    """(journées occupant une place, enfants réguliers sans journée) : une requête."""
    return (
        Prestation.objects.filter(pk=prestation_id)
        .order_by()
        .values_list(*_comptes_des_places(prestation_id, jour, jour_semaine))
    )


@compilee
def journee_et_comptes(*, enfant_id, prestation_id, jour, jour_semaine):
    return (
        Prestation.objects.filter(pk=prestation_id)
        .annotate(
            journee=FilteredRelation(
                "journees", condition=Q(journees__enfant_id=enfant_id, journees__date=jour)
            )
        )
        .order_by()
        .values_list(
            *[f"journee__{champ}" for champ in _CHAMPS_JOURNEE],
            *_comptes_des_places(prestation_id, jour, jour_semaine),
        )
    )


@compilee
def en_attente_avant(*, prestation_id, jour, demandee_le, pk):
    return (
        Journee.objects.filter(
            prestation_id=prestation_id, date=jour, etat=Journee.Etat.LISTE_ATTENTE
        )
        .filter(Q(demandee_le__lt=demandee_le) | Q(demandee_le=demandee_le, pk__lt=pk))
        .order_by()
        .values("prestation")
        .annotate(nombre=Count("pk"))
        .values_list("nombre", flat=True)
    )


@compilee
def prestation_verrouillee(*, pk):
    return Prestation.objects.select_for_update().filter(pk=pk)
