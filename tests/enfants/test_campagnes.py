"""Les campagnes de réservation : fenêtres (les familles de la collectivité d'abord), premier
arrivé ou attribution équitable à la clôture, priorités, tirage rejouable, liste d'attente."""

import datetime
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from enfants import taches
from enfants.campagnes import CampagneImpossible, allouer_campagne, tirage_au_sort
from enfants.models import Campagne, Journee, ResultatAttribution
from enfants.regles import marque_du_jour
from enfants.reservations import annuler_reservation, places_occupees, reserver
from familles.models import Message, Responsable
from tests.factories import (
    EnfantFactory,
    InscriptionFactory,
    PrestationFactory,
    ResponsableFactory,
)
from tests.outils import texte
from travaux.models import Travail

Etat = Journee.Etat
LUNDI = datetime.date(2027, 2, 8)
MARDI = datetime.date(2027, 2, 9)


def a_paris(*args):
    return timezone.make_aware(datetime.datetime(*args))


OUVERTURE_RESIDENTS = a_paris(2027, 1, 4, 8, 30)
OUVERTURE = a_paris(2027, 1, 11, 8, 30)
CLOTURE = a_paris(2027, 1, 22, 18, 0)
PENDANT = a_paris(2027, 1, 15, 9, 0)
APRES = a_paris(2027, 1, 23, 9, 0)


@pytest.fixture
def alsh(db):
    return PrestationFactory(
        nom="ALSH Hiver journée", jours_ouverture="12345", periode="toutes", places=2
    )


def campagne(alsh, **champs):
    valeurs = {
        "nom": "Vacances d'hiver 2027",
        "date_debut": LUNDI,
        "date_fin": datetime.date(2027, 2, 12),
        "ouverture": OUVERTURE,
        "cloture": CLOTURE,
        "graine": 2027,
        **champs,
    }
    instance = Campagne.objects.create(**valeurs)
    instance.prestations.add(alsh)
    return instance


def famille(alsh, nom, *, enfants=("Léa",), ville="BOZEL", profession="", conjoint=None):
    """Une famille inscrite à la prestation : (titulaire, [enfants])."""
    titulaire = ResponsableFactory(nom=nom, prenom="PARENT", ville=ville, profession=profession)
    if conjoint is not None:
        ResponsableFactory(
            famille=titulaire.famille,
            role=Responsable.Role.CONJOINT,
            nom=nom,
            prenom="CONJOINT",
            profession=conjoint,
            utilisateur=None,
        )
    les_enfants = []
    for n, prenom in enumerate(enfants):
        enfant = EnfantFactory(
            famille=titulaire.famille,
            nom=nom,
            prenom=prenom,
            date_naissance=datetime.date(2018, 1, 1 + n),
        )
        InscriptionFactory(enfant=enfant, prestation=alsh)
        les_enfants.append(enfant)
    return titulaire, les_enfants


def demander(titulaire, enfant, alsh, jour=LUNDI, maintenant=PENDANT):
    return reserver(
        enfant=enfant, prestation=alsh, jour=jour, par=titulaire.utilisateur, maintenant=maintenant
    )


def etat(enfant, alsh, jour=LUNDI):
    journee = Journee.objects.filter(enfant=enfant, prestation=alsh, date=jour).first()
    return journee and journee.etat


# --- La fenêtre ---------------------------------------------------------------------------------


def test_avant_l_ouverture_la_demande_dit_quand_les_reservations_ouvrent(alsh):
    campagne(alsh)
    titulaire, (lea,) = famille(alsh, "DURAND")

    resultat = demander(titulaire, lea, alsh, maintenant=a_paris(2027, 1, 5, 9, 0))

    assert resultat.refuse
    assert resultat.message == (
        "Réservations « Vacances d'hiver 2027 » ouvertes du lundi 11 janvier à 08:30 au "
        "vendredi 22 janvier à 18:00."
    )
    assert not Journee.objects.exists()


def test_les_familles_de_la_collectivite_demandent_plus_tot_que_les_autres(alsh):
    campagne(
        alsh,
        ouverture_residents=OUVERTURE_RESIDENTS,
        communes_residentes="Bozel\nChampagny-en-Vanoise\n",
    )
    residente, (lea,) = famille(alsh, "DURAND", ville="CHAMPAGNY EN VANOISE")
    exterieure, (tom,) = famille(alsh, "PETIT", ville="MOÛTIERS", enfants=("Tom",))
    le_5_janvier = a_paris(2027, 1, 5, 9, 0)

    assert demander(residente, lea, alsh, maintenant=le_5_janvier).accepte
    refus = demander(exterieure, tom, alsh, maintenant=le_5_janvier)
    assert refus.refuse and "ouvertes du lundi 11 janvier à 08:30" in refus.message
    assert demander(exterieure, tom, alsh, maintenant=OUVERTURE).accepte


def test_apres_la_cloture_plus_aucune_demande(alsh):
    campagne(alsh)
    titulaire, (lea,) = famille(alsh, "DURAND")

    resultat = demander(titulaire, lea, alsh, maintenant=APRES)

    assert resultat.refuse
    assert "closes depuis le vendredi 22 janvier à 18:00" in resultat.message
    assert not Journee.objects.exists()


def test_un_jour_hors_campagne_suit_les_regles_de_la_prestation(alsh):
    campagne(alsh)
    titulaire, (lea,) = famille(alsh, "DURAND")

    resultat = demander(titulaire, lea, alsh, jour=datetime.date(2027, 3, 1))

    assert resultat.accepte


def test_la_campagne_fixe_sa_propre_limite_d_annulation(alsh):
    campagne(alsh, annulation_delai_jours=14, annulation_heure_limite=datetime.time(12, 0))
    titulaire, (lea,) = famille(alsh, "DURAND")
    assert demander(titulaire, lea, alsh).accepte

    trop_tard = annuler_reservation(
        enfant=lea,
        prestation=alsh,
        jour=LUNDI,
        par=titulaire.utilisateur,
        maintenant=a_paris(2027, 1, 26, 9, 0),
    )

    assert trop_tard.refuse
    assert "jusqu'au lundi 25 janvier à 12:00" in trop_tard.message
    assert etat(lea, alsh) == Etat.RESERVE


# --- Premier arrivé, premier servi -----------------------------------------------------------


def test_premier_arrive_decide_aussitot_et_met_le_surplus_en_liste_d_attente(alsh):
    campagne(alsh)
    familles = [famille(alsh, nom) for nom in ("DURAND", "PETIT", "LEROY")]

    resultats = [
        demander(titulaire, enfant, alsh, maintenant=PENDANT + datetime.timedelta(minutes=n))
        for n, (titulaire, (enfant,)) in enumerate(familles)
    ]

    assert [r.etat for r in resultats] == [Etat.RESERVE, Etat.RESERVE, Etat.LISTE_ATTENTE]
    assert "rang 1" in resultats[2].message
    assert places_occupees(prestation=alsh, jour=LUNDI) == 2


# --- Attribution équitable -------------------------------------------------------------------


def test_pendant_la_fenetre_une_demande_attend_la_cloture_sans_prendre_de_place(alsh):
    campagne(alsh, mode=Campagne.Mode.ATTRIBUTION)
    titulaire, (lea,) = famille(alsh, "DURAND")

    resultat = demander(titulaire, lea, alsh)

    assert resultat.en_attente and resultat.etat == Etat.VOEU
    assert "seront attribuées après la clôture, le vendredi 22 janvier à 18:00" in (
        resultat.message
    )
    assert places_occupees(prestation=alsh, jour=LUNDI) == 0
    deuxieme = demander(titulaire, lea, alsh)
    assert deuxieme.refuse
    assert deuxieme.message == (
        "Une demande pour le lundi 8 février est déjà enregistrée : attendez l'attribution."
    )
    assert Journee.objects.count() == 1


def test_une_demande_se_retire_avant_l_attribution(alsh):
    campagne(alsh, mode=Campagne.Mode.ATTRIBUTION)
    titulaire, (lea,) = famille(alsh, "DURAND")
    demander(titulaire, lea, alsh)

    retrait = annuler_reservation(
        enfant=lea, prestation=alsh, jour=LUNDI, par=titulaire.utilisateur, maintenant=PENDANT
    )

    assert retrait.accepte and retrait.message == "Demande retirée pour le lundi 8 février."
    assert not Journee.objects.exists()


def test_l_attribution_attend_la_cloture(alsh):
    equitable = campagne(alsh, mode=Campagne.Mode.ATTRIBUTION)

    with pytest.raises(CampagneImpossible, match="l'attribution se fait après la clôture"):
        allouer_campagne(equitable, maintenant=PENDANT)
    equitable.refresh_from_db()
    assert equitable.attribuee_le is None


def test_une_campagne_premier_arrive_n_a_rien_a_attribuer(alsh):
    with pytest.raises(CampagneImpossible, match="premier arrivé, premier servi"):
        allouer_campagne(campagne(alsh), maintenant=APRES)


def test_les_places_vont_d_abord_aux_parents_qui_travaillent_puis_aux_residents(alsh):
    equitable = campagne(
        alsh,
        mode=Campagne.Mode.ATTRIBUTION,
        priorite_parents_travaillant=True,
        priorite_residents=True,
        communes_residentes="Bozel",
    )
    # Demandées dans cet ordre : l'ordre d'arrivée ne compte pas.
    sans_emploi, (a,) = famille(alsh, "AUBERT")
    un_seul_travaille, (b,) = famille(alsh, "BLANC", profession="Boulanger", conjoint="")
    exterieure_qui_travaille, (c,) = famille(
        alsh, "CARON", ville="MOÛTIERS", profession="Infirmière"
    )
    residente_qui_travaille, (d,) = famille(
        alsh, "DUPUIS", profession="Guide", conjoint="Moniteur de ski"
    )
    for titulaire, enfant in (
        (sans_emploi, a),
        (un_seul_travaille, b),
        (exterieure_qui_travaille, c),
        (residente_qui_travaille, d),
    ):
        demander(titulaire, enfant, alsh)

    attribution = allouer_campagne(equitable, maintenant=APRES)

    assert (etat(d, alsh), etat(c, alsh)) == (Etat.RESERVE, Etat.RESERVE)
    assert (etat(a, alsh), etat(b, alsh)) == (Etat.LISTE_ATTENTE, Etat.LISTE_ATTENTE)
    assert (attribution.familles, attribution.accordees, attribution.en_attente) == (4, 2, 2)
    premier = ResultatAttribution.objects.get(rang=1)
    assert premier.famille == residente_qui_travaille.famille
    assert premier.priorites == [
        "Les deux parents, ou le parent isolé, travaillent",
        "Famille de la collectivité",
    ]
    assert premier.detail == [
        {
            "enfant": "Léa",
            "prestation": "ALSH Hiver journée",
            "date": "2027-02-08",
            "issue": "place accordée",
            "accordee": True,
        }
    ]


def test_le_tirage_au_sort_se_rejoue_a_l_identique():
    familles = [12, 3, 45, 7, 30, 8]

    premier = tirage_au_sort(2027, familles)

    assert tirage_au_sort(2027, reversed(familles)) == premier
    assert sorted(premier.values()) == [1, 2, 3, 4, 5, 6]
    assert tirage_au_sort(2028, familles) != premier


def test_sans_priorite_le_tirage_departage_et_la_liste_d_attente_suit_son_ordre(alsh):
    equitable = campagne(alsh, mode=Campagne.Mode.ATTRIBUTION)
    familles = [famille(alsh, nom) for nom in ("AUBERT", "BLANC", "CARON", "DUPUIS", "EVRARD")]
    for titulaire, (enfant,) in familles:
        demander(titulaire, enfant, alsh)
    attendu = tirage_au_sort(2027, [t.famille_id for t, _ in familles])

    allouer_campagne(equitable, maintenant=APRES)

    par_tirage = sorted(familles, key=lambda f: attendu[f[0].famille_id])
    assert [etat(enfant, alsh) for _, (enfant,) in par_tirage] == [
        Etat.RESERVE,
        Etat.RESERVE,
        Etat.LISTE_ATTENTE,
        Etat.LISTE_ATTENTE,
        Etat.LISTE_ATTENTE,
    ]
    liste = Journee.objects.filter(etat=Etat.LISTE_ATTENTE).order_by("demandee_le")
    assert [j.enfant for j in liste] == [enfant for _, (enfant,) in par_tirage[2:]]
    call_command("allouer_campagne", str(equitable.pk), "--tirage")  # identique : pas d'erreur


def test_les_freres_et_soeurs_ont_tous_une_place_ou_attendent_ensemble(alsh):
    alsh.places = 3
    alsh.save()
    equitable = campagne(alsh, mode=Campagne.Mode.ATTRIBUTION, graine=1)
    fratrie, (lea, leo) = famille(alsh, "AUBERT", enfants=("Léa", "Léo"))
    autres = [famille(alsh, nom) for nom in ("BLANC", "CARON")]
    demander(fratrie, lea, alsh)
    demander(fratrie, leo, alsh)
    for titulaire, (enfant,) in autres:
        demander(titulaire, enfant, alsh)

    allouer_campagne(equitable, maintenant=APRES)

    assert etat(lea, alsh) == etat(leo, alsh)
    assert places_occupees(prestation=alsh, jour=LUNDI) <= 3
    assert Journee.objects.filter(etat=Etat.VOEU).count() == 0


def test_chacun_connait_le_resultat_au_meme_moment_et_une_seule_fois(
    alsh, mailoutbox, django_capture_on_commit_callbacks
):
    equitable = campagne(alsh, mode=Campagne.Mode.ATTRIBUTION)
    familles = [famille(alsh, nom) for nom in ("AUBERT", "BLANC", "CARON")]
    for titulaire, (enfant,) in familles:
        demander(titulaire, enfant, alsh)
        demander(titulaire, enfant, alsh, jour=MARDI)

    with django_capture_on_commit_callbacks(execute=True):
        allouer_campagne(equitable, maintenant=APRES)
        deuxieme = allouer_campagne(equitable, maintenant=APRES)

    assert deuxieme.deja_faite
    assert "ont déjà été attribuées" in deuxieme.resume
    assert Message.objects.count() == 3
    assert len(mailoutbox) == 3
    assert mailoutbox[0].subject == (
        "Réservations « Vacances d'hiver 2027 » : le résultat de l'attribution"
    )
    corps = mailoutbox[0].body
    assert "lundi 8 février" in corps and "mardi 9 février" in corps
    assert ResultatAttribution.objects.count() == 3
    assert Journee.objects.filter(etat=Etat.RESERVE).count() == 4  # 2 places × 2 jours


def test_une_simulation_n_ecrit_rien(alsh, mailoutbox, file_courriels):
    equitable = campagne(alsh, mode=Campagne.Mode.ATTRIBUTION)
    for nom in ("AUBERT", "BLANC", "CARON"):
        titulaire, (enfant,) = famille(alsh, nom)
        demander(titulaire, enfant, alsh)

    simulation = allouer_campagne(equitable, maintenant=APRES, simuler=True)

    assert (simulation.accordees, simulation.en_attente) == (2, 1)
    assert Journee.objects.filter(etat=Etat.VOEU).count() == 3
    assert not ResultatAttribution.objects.exists()
    equitable.refresh_from_db()
    assert equitable.attribuee_le is None
    file_courriels()  # la file d'envoi : rien n'y est resté de la simulation annulée
    assert mailoutbox == [] and not Message.objects.exists()


def test_une_place_liberee_va_au_premier_de_la_liste_qui_est_prevenu(
    alsh, mailoutbox, django_capture_on_commit_callbacks
):
    equitable = campagne(alsh, mode=Campagne.Mode.ATTRIBUTION)
    familles = [famille(alsh, nom) for nom in ("AUBERT", "BLANC", "CARON")]
    for titulaire, (enfant,) in familles:
        demander(titulaire, enfant, alsh)
    allouer_campagne(equitable, maintenant=APRES)
    (titulaire_servi, (servi,)), *_ = [f for f in familles if etat(f[1][0], alsh) == Etat.RESERVE]
    (titulaire_attente, (en_attente,)), *_ = [
        f for f in familles if etat(f[1][0], alsh) == Etat.LISTE_ATTENTE
    ]
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        annulation = annuler_reservation(
            enfant=servi,
            prestation=alsh,
            jour=LUNDI,
            par=titulaire_servi.utilisateur,
            maintenant=APRES,
        )

    assert annulation.accepte
    assert etat(en_attente, alsh) == Etat.RESERVE
    assert [m.to for m in mailoutbox] == [[titulaire_attente.email]]
    assert "Une place s'est libérée" in mailoutbox[0].subject


def formulaire_de_la_fiche(reponse, **valeurs):
    """Ce que renvoie le formulaire d'une fiche de l'administration, tel qu'il s'affiche, avec
    ces valeurs changées (les formulaires en ligne, vides, restent tels quels)."""
    donnees = {}
    for champ in reponse.context["adminform"].form:
        valeur = champ.value()
        donnees[champ.html_name] = "" if valeur is None else valeur
    for formset in reponse.context["inline_admin_formsets"]:
        gestion = formset.formset.management_form
        for champ in gestion:
            donnees[champ.html_name] = champ.value()
        for form in formset.formset.forms:
            for champ in form:
                valeur = champ.value()
                donnees[champ.html_name] = "" if valeur is None else valeur
    return {**donnees, **valeurs}


def liste_d_attente_de_trois_pour_deux_places(alsh):
    """Trois familles demandent le même jour d'une campagne : la troisième attend."""
    campagne(alsh)
    familles = [famille(alsh, nom) for nom in ("AUBERT", "BLANC", "CARON")]
    for n, (titulaire, (enfant,)) in enumerate(familles):
        demander(titulaire, enfant, alsh, maintenant=PENDANT + datetime.timedelta(minutes=n))
    troisieme = familles[2][1][0]
    assert etat(troisieme, alsh) == Etat.LISTE_ATTENTE
    return troisieme


def test_des_places_en_plus_font_avancer_la_liste_d_attente(alsh, client_agent):
    troisieme = liste_d_attente_de_trois_pour_deux_places(alsh)
    url = reverse("admin:enfants_prestation_change", args=[alsh.pk])

    reponse = client_agent.post(url, formulaire_de_la_fiche(client_agent.get(url), places=3))

    assert reponse.status_code == 302
    alsh.refresh_from_db()
    assert alsh.places == 3
    assert etat(troisieme, alsh) == Etat.RESERVE


def test_des_places_en_plus_depuis_la_structure_font_avancer_la_liste(alsh, client_agent):
    troisieme = liste_d_attente_de_trois_pour_deux_places(alsh)
    url = reverse("admin:enfants_structure_change", args=[alsh.structure_id])
    page = client_agent.get(url)
    rang = next(
        n
        for n, form in enumerate(page.context["inline_admin_formsets"][0].formset.forms)
        if form.instance.pk == alsh.pk
    )

    reponse = client_agent.post(
        url, formulaire_de_la_fiche(page, **{f"prestations-{rang}-places": 3})
    )

    assert reponse.status_code == 302
    assert etat(troisieme, alsh) == Etat.RESERVE


def test_une_prestation_enregistree_sans_place_en_plus_garde_sa_liste(alsh, client_agent):
    troisieme = liste_d_attente_de_trois_pour_deux_places(alsh)
    url = reverse("admin:enfants_prestation_change", args=[alsh.pk])

    reponse = client_agent.post(url, formulaire_de_la_fiche(client_agent.get(url)))

    assert reponse.status_code == 302
    assert etat(troisieme, alsh) == Etat.LISTE_ATTENTE


# --- La commande --------------------------------------------------------------------------------


def campagne_close_avec_un_voeu(alsh):
    """Une campagne à attribution close, avec le vœu d'une famille pour le lundi."""
    equitable = campagne(
        alsh,
        mode=Campagne.Mode.ATTRIBUTION,
        ouverture=a_paris(2026, 1, 1, 8),
        cloture=a_paris(2026, 1, 2, 18),
    )
    Journee.objects.create(
        enfant=famille(alsh, "AUBERT")[1][0], prestation=alsh, date=LUNDI, etat=Etat.VOEU
    )
    return equitable


def test_la_commande_attribue_une_fois_et_dit_ce_qu_elle_a_fait(alsh, capsys):
    equitable = campagne_close_avec_un_voeu(alsh)

    call_command("allouer_campagne", str(equitable.pk))
    call_command("allouer_campagne", str(equitable.pk))

    sortie = capsys.readouterr().out
    assert "1 famille(s), 1 journée(s) accordée(s), 0 en liste d'attente." in sortie
    assert "ont déjà été attribuées" in sortie
    assert ResultatAttribution.objects.count() == 1


def test_la_commande_refuse_une_campagne_inconnue_ou_ouverte(alsh):
    with pytest.raises(CommandError, match="Aucune campagne n° 999"):
        call_command("allouer_campagne", "999")
    ouverte = campagne(
        alsh,
        mode=Campagne.Mode.ATTRIBUTION,
        ouverture=timezone.now() - datetime.timedelta(days=1),
        cloture=timezone.now() + datetime.timedelta(days=1),
    )
    with pytest.raises(CommandError, match="l'attribution se fait après la clôture"):
        call_command("allouer_campagne", str(ouverte.pk))
    with pytest.raises(CommandError, match="pas encore été attribuée"):
        call_command("allouer_campagne", str(ouverte.pk), "--tirage")


# --- L'administration -------------------------------------------------------------------------


def attribuer_par_l_administration(client, campagne):
    return client.post(
        reverse("admin:enfants_campagne_changelist"),
        {"action": "attribuer_les_places", "_selected_action": [campagne.pk]},
        follow=True,
    )


def test_l_action_revient_aussitot_avec_le_lien_du_travail_d_attribution(
    alsh, client, agent, django_capture_on_commit_callbacks
):
    equitable = campagne_close_avec_un_voeu(alsh)
    client.force_login(agent)

    debut = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = attribuer_par_l_administration(client, equitable)
    duree = time.monotonic() - debut

    assert duree < 1
    travail = Travail.objects.get()
    lien = reverse("admin:travaux_travail_change", args=[travail.pk])
    assert (
        "Attribution des places de « Vacances d&#x27;hiver 2027 » : lancée en arrière-plan. "
        f'<a href="{lien}">Suivre le travail</a>.'
    ) in reponse.content.decode()
    assert (travail.genre, travail.etat, travail.lance_par) == ("attribution", "en_attente", agent)
    tache = DBTaskResult.objects.get()
    assert (tache.status, tache.task_path) == ("READY", "enfants.taches.attribuer_en_tache")
    equitable.refresh_from_db()
    assert equitable.attribuee_le is None  # le worker attribue, pas la requête
    assert Journee.objects.get().etat == Etat.VOEU

    # Un second clic pendant que le travail attend ne lance rien de plus.
    reponse = attribuer_par_l_administration(client, equitable)
    assert "déjà lancée" in texte(reponse)
    assert Travail.objects.count() == 1


def test_l_action_refuse_sans_travail_une_campagne_encore_ouverte_ou_premier_arrive(
    alsh, client, agent
):
    ouverte = campagne(
        alsh,
        mode=Campagne.Mode.ATTRIBUTION,
        ouverture=timezone.now() - datetime.timedelta(days=1),
        cloture=timezone.now() + datetime.timedelta(days=1),
    )
    premier = campagne(alsh, nom="Toussaint 2026")
    client.force_login(agent)

    page = texte(attribuer_par_l_administration(client, ouverte))
    page += texte(attribuer_par_l_administration(client, premier))

    assert "l'attribution se fait après la clôture" in page
    assert "« Toussaint 2026 » est une campagne « premier arrivé, premier servi »" in page
    assert not Travail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_le_travail_d_une_campagne_passee_en_premier_arrive_echoue_avec_la_raison(
    alsh, agent, faire_la_file
):
    equitable = campagne_close_avec_un_voeu(alsh)
    travail = taches.lancer_attribution(campagne=equitable, par=agent)
    Campagne.objects.filter(pk=equitable.pk).update(mode=Campagne.Mode.PREMIER_ARRIVE)

    faire_la_file()

    travail.refresh_from_db()
    assert travail.etat == Travail.Etat.ECHOUE
    assert "premier arrivé, premier servi" in travail.message
    assert Journee.objects.get().etat == Etat.VOEU


@pytest.mark.django_db(transaction=True)
def test_l_agent_attribue_les_places_et_lit_le_resultat_par_famille(
    alsh, client, agent, faire_la_file
):
    equitable = campagne(
        alsh,
        mode=Campagne.Mode.ATTRIBUTION,
        ouverture=a_paris(2026, 1, 1, 8),
        cloture=a_paris(2026, 1, 2, 18),
    )
    for nom in ("AUBERT", "BLANC", "CARON"):
        Journee.objects.create(
            enfant=famille(alsh, nom)[1][0], prestation=alsh, date=LUNDI, etat=Etat.VOEU
        )
    client.force_login(agent)

    attribuer_par_l_administration(client, equitable)
    faire_la_file()

    travail = Travail.objects.get()
    assert travail.etat == Travail.Etat.TERMINE
    page = texte(client.get(reverse("admin:travaux_travail_change", args=[travail.pk])))
    assert travail.rapport == {
        "campagne": "Vacances d'hiver 2027",
        "familles": "3",
        "journées accordées": "2",
        "en liste d'attente": "1",
    }
    assert "1 / 1 campagne" in page
    # Le rapport du travail (un JSON : PostgreSQL en range les clés à sa façon).
    for ligne in ("Familles3", "Journées accordées2", "En liste d'attente1"):
        assert ligne in page
    fiche = texte(client.get(reverse("admin:enfants_campagne_change", args=[equitable.pk])))
    assert "Graine 2027" in fiche
    assert "place accordée" in fiche and "liste d'attente (rang 1)" in fiche
    assert "Personne n'est en liste d'attente" not in fiche


def test_l_administration_refuse_une_cloture_avant_l_ouverture(alsh, client, agent):
    client.force_login(agent)

    reponse = client.post(
        reverse("admin:enfants_campagne_add"),
        {
            "nom": "Été 2027",
            "prestations": [alsh.pk],
            "date_debut": "05/07/2027",
            "date_fin": "30/07/2027",
            "mode": "premier",
            "ouverture_0": "01/06/2027",
            "ouverture_1": "08:30",
            "cloture_0": "01/05/2027",
            "cloture_1": "18:00",
            "annulation_heure_limite": "12:00",
            "graine": "5",
            "fratries_ensemble": "on",
        },
    )

    assert reponse.status_code == 200
    assert "La clôture des demandes doit suivre leur ouverture." in texte(reponse)
    assert not Campagne.objects.exists()


def test_la_grille_dit_quand_les_reservations_ouvrent_et_ne_propose_pas_de_reserver(
    alsh, client, django_assert_max_num_queries
):
    titulaire, (lea,) = famille(alsh, "DURAND")
    # Dans vingt jours, un jour d'ouverture (ni week-end ni jour férié) : la case a sa page.
    debut = timezone.localdate() + datetime.timedelta(days=20)
    while debut.isoweekday() > 5 or getattr(marque_du_jour(debut), "code", "") == "F":
        debut += datetime.timedelta(days=1)
    campagne(
        alsh,
        date_debut=debut,
        date_fin=debut + datetime.timedelta(days=4),
        ouverture=timezone.now() + datetime.timedelta(days=3),
        cloture=timezone.now() + datetime.timedelta(days=10),
        ouverture_residents=timezone.now() + datetime.timedelta(days=1),
        communes_residentes="Bozel",
    )
    client.force_login(titulaire.utilisateur)
    url = reverse("enfant_planning", args=[lea.pk]) + f"?mois={debut:%Y-%m}"

    with django_assert_max_num_queries(12):
        reponse = client.get(url)

    page = texte(reponse)
    assert "Vacances d'hiver 2027 : Réservations ouvertes du" in page
    jour = reverse("enfant_planning_jour", args=[lea.pk, alsh.pk, debut.isoformat()])
    assert jour not in reponse.content.decode()  # aucune case à réserver dans la campagne
    detail = texte(client.get(jour))
    assert "Réservations « Vacances d'hiver 2027 » ouvertes du" in detail


@pytest.mark.django_db(transaction=True)
def test_un_agent_du_groupe_du_service_gere_les_campagnes(alsh, client, faire_la_file):
    from django.contrib.auth.models import Group

    from portail.groupes import AGENTS, creer_groupes
    from tests.factories import UtilisateurFactory

    creer_groupes()
    agent = UtilisateurFactory(username="agent.groupe", is_staff=True)
    agent.groups.set([Group.objects.get(name=AGENTS)])
    equitable = campagne_close_avec_un_voeu(alsh)
    client.force_login(agent)

    assert client.get(reverse("admin:enfants_campagne_add")).status_code == 200
    reponse = attribuer_par_l_administration(client, equitable)
    faire_la_file()

    assert "lancée en arrière-plan" in texte(reponse)
    travail = Travail.objects.get()
    page = texte(client.get(reverse("admin:travaux_travail_change", args=[travail.pk])))
    for ligne in ("Familles1", "Journées accordées1", "En liste d'attente0"):
        assert ligne in page
    assert not agent.has_perm("enfants.change_resultatattribution")
    # Relancée, l'action dit que c'est fait, sans nouveau travail.
    reponse = attribuer_par_l_administration(client, equitable)
    assert "ont déjà été attribuées le" in texte(reponse)
    assert Travail.objects.count() == 1


# --- La commande planifiée : l'attribution suit la clôture ------------------------------------


def test_la_commande_planifiee_attribue_chaque_campagne_close_une_seule_fois(alsh, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: APRES)
    equitable = campagne(alsh, mode=Campagne.Mode.ATTRIBUTION)
    encore_ouverte = campagne(
        alsh,
        nom="Vacances de printemps 2027",
        mode=Campagne.Mode.ATTRIBUTION,
        date_debut=datetime.date(2027, 4, 12),
        date_fin=datetime.date(2027, 4, 16),
        cloture=a_paris(2027, 3, 1, 18, 0),
    )
    premier_arrive = campagne(alsh, nom="Toussaint 2026")
    familles = [famille(alsh, nom) for nom in ("AUBERT", "BLANC", "CARON")]
    for titulaire, (enfant,) in familles:
        demander(titulaire, enfant, alsh)

    sortie = StringIO()
    call_command("allouer_campagnes_closes", stdout=sortie)
    call_command("allouer_campagnes_closes", stdout=(seconde := StringIO()))

    assert sortie.getvalue().startswith("Campagnes attribuées : « Vacances d'hiver 2027 »")
    assert seconde.getvalue() == "Aucune campagne close à attribuer.\n"
    equitable.refresh_from_db()
    encore_ouverte.refresh_from_db()
    premier_arrive.refresh_from_db()
    assert equitable.attribuee_le == APRES
    assert encore_ouverte.attribuee_le is None and premier_arrive.attribuee_le is None
    assert ResultatAttribution.objects.count() == 3
    assert Message.objects.count() == 3  # chaque famille prévenue une fois
    assert sorted(etat(enfant, alsh) for _, (enfant,) in familles) == sorted(
        [Etat.RESERVE, Etat.RESERVE, Etat.LISTE_ATTENTE]
    )
