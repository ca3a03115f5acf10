"""La grille et le service ont une seule règle : une case de la grille propose exactement ce que
dit `actions_possibles`, qui refait toutes les vérifications, quel que soit le jour (férié,
vacances, week-end), la prestation (son horizon compris), l'inscription, les fermetures et
l'instant. La grille, elle, passe par `actions_d_un_jour_ouvert` après avoir fait ces
vérifications pour choisir l'apparence de la case, et ne regarde que les fermetures de sa ligne
(sans base de données)."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from enfants.models import Enfant, Fermeture, Inscription, Prestation, Structure
from enfants.planning import _colonne, construire_case
from enfants.regles import FUSEAU, actions_possibles, fermetures_de_la_prestation
from tests.strategies import REGLAGES

# Décembre 2026 et janvier 2027 : jours d'école, mercredis, week-ends, Noël (férié) et les
# vacances de Noël.
JOURS = st.dates(datetime.date(2026, 12, 1), datetime.date(2027, 1, 31))
JOURS_DE_LA_SEMAINE = st.sets(st.sampled_from("1234567")).map(lambda jours: "".join(sorted(jours)))


@st.composite
def prestations(draw):
    numero = draw(st.integers(1, 2))
    return Prestation(
        pk=draw(st.integers(1, 3)),
        structure=Structure(pk=numero, nom=f"Structure {numero}"),
        nom="Accueil",
        active=draw(st.booleans()),
        jours_ouverture=draw(JOURS_DE_LA_SEMAINE),
        periode=draw(st.sampled_from(Prestation.Periode.values)),
        reservation_delai_jours=draw(st.integers(0, 3)),
        reservation_jour_semaine=draw(st.none() | st.integers(1, 7)),
        reservation_heure_limite=datetime.time(draw(st.integers(0, 23)), 0),
        annulation_delai_jours=draw(st.integers(0, 3)),
        annulation_jour_semaine=draw(st.none() | st.integers(1, 7)),
        annulation_heure_limite=datetime.time(12, 0),
        # Un horizon en jours tiré près du jour : la case est tantôt en deçà, tantôt au-delà.
        horizon_reservation=draw(st.sampled_from(Prestation.Horizon.values)),
        horizon_jours=draw(st.integers(0, 12)),
    )


def decale(jour, jours):
    return jour + datetime.timedelta(days=jours)


@st.composite
def fermetures_autour(draw, jour):
    """Une fermeture autour du jour : du service, d'une structure ou d'une prestation."""
    cible = draw(st.sampled_from(("service", "structure", "prestation")))
    debut = decale(jour, draw(st.integers(-3, 1)))
    return Fermeture(
        structure_id=draw(st.integers(1, 2)) if cible == "structure" else None,
        prestation_id=draw(st.integers(1, 3)) if cible == "prestation" else None,
        date_debut=debut,
        date_fin=decale(debut, draw(st.integers(0, 4))),
        motif=draw(st.sampled_from(("", "Travaux"))),
    )


@st.composite
def cases(draw):
    """Une case sans journée : le jour, la prestation, une inscription, des fermetures et
    l'instant, tirés autour du jour pour que chaque branche des règles soit atteinte."""
    jour = draw(JOURS)
    prestation = draw(prestations())
    debut = decale(jour, draw(st.integers(-10, 2)))
    inscription = Inscription(
        enfant=Enfant(pk=1, prenom="Lucas", nom="DUPONT"),
        prestation=prestation,
        date_debut=debut,
        date_fin=draw(st.none() | st.integers(-2, 20).map(lambda n: decale(jour, n))),
        jours_reguliers=draw(JOURS_DE_LA_SEMAINE),
    )
    liste_de_fermetures = draw(st.lists(fermetures_autour(jour), max_size=3))
    maintenant = datetime.datetime.combine(
        decale(jour, draw(st.integers(-10, 1))),
        datetime.time(draw(st.integers(0, 23)), draw(st.sampled_from((0, 30)))),
        tzinfo=FUSEAU,
    )
    return prestation, jour, inscription, liste_de_fermetures, maintenant


@settings(REGLAGES, max_examples=400)
@given(cases())
def test_une_case_sans_journee_propose_ce_que_dit_actions_possibles(case_tiree):
    prestation, jour, inscription, liste_de_fermetures, maintenant = case_tiree
    colonne = _colonne(jour, maintenant.date())

    def case(liste):
        return construire_case(
            inscription=inscription,
            colonne=colonne,
            journee=None,
            fermetures=liste,
            maintenant=maintenant,
        )

    attendues = actions_possibles(
        prestation=prestation,
        jour=jour,
        journee=None,
        inscription=inscription,
        fermetures=liste_de_fermetures,
        maintenant=maintenant,
    )
    case_de_la_grille = case(fermetures_de_la_prestation(prestation, liste_de_fermetures))

    assert dict(case_de_la_grille.actions) == dict(attendues)
    assert case_de_la_grille == case(liste_de_fermetures)
