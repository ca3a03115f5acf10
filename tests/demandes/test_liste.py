"""« Liste des demandes » : les demandes de moins d'un mois, par onglet et par type, en trois
tableaux (en attente, refusées, acceptées), et le retrait d'une demande en attente."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from demandes.liste import un_mois_avant
from demandes.models import Demande
from familles.models import Famille, Responsable
from tests.outils import texte


def demande(famille, il_y_a_jours, **champs):
    return Demande.objects.create(
        famille=famille,
        date_demande=timezone.now() - datetime.timedelta(days=il_y_a_jours),
        **champs,
    )


def jour(il_y_a):
    return (timezone.localdate() - datetime.timedelta(days=il_y_a)).strftime("%d/%m/%Y")


def tableau(page, titre):
    """Le texte d'un des trois tableaux, de son titre au suivant."""
    debut = page.index(titre)
    fins = [
        page.find(t, debut + 1)
        for t in ("Demandes refusées", "Demandes acceptées", "Votre contact")
    ]
    return page[debut : min(f for f in fins if f > debut)]


def test_les_demandes_du_mois_sont_rangees_en_attente_refusees_et_acceptees(client_dupont, dupont):
    decision = timezone.now() - datetime.timedelta(days=1)
    demande(
        dupont,
        3,
        type=Demande.Type.RESPONSABLE,
        valeurs_demandees={"adresse": "5 RUE DES ÉCOLES", "autorisation_sms": True},
    )
    demande(
        dupont,
        5,
        type=Demande.Type.BANCAIRES,
        statut=Demande.Statut.REFUSEE,
        decidee_le=decision,
        motif_refus="Le RIB joint est illisible.",
        valeurs_demandees={"iban": "FR7630006000011234567890189"},
    )
    demande(
        dupont,
        8,
        type=Demande.Type.FISCALES,
        statut=Demande.Statut.ACCEPTEE,
        decidee_le=decision,
        valeurs_demandees={"revenu_fiscal": "31250.00", "nombre_parts": "2.50"},
    )

    page = texte(client_dupont.get(reverse("demandes")))

    decidee = timezone.localtime(decision).strftime("%d/%m/%Y")
    assert (
        f"Date de la demande Demande Valeurs demandées Action {jour(3)} "
        "Informations responsable Adresse : 5 RUE DES ÉCOLES Autorisation SMS : Oui Retirer"
    ) in tableau(page, "Demandes en attente")
    assert (
        f"Date du refus Motif du refus {jour(5)} Informations bancaires "
        f"IBAN : FR76 3000 6000 0112 3456 7890 189 {decidee} Le RIB joint est illisible."
    ) in tableau(page, "Demandes refusées")
    assert (
        f"Date d'acceptation {jour(8)} Informations fiscales "
        f"Revenu fiscal de référence : 31 250,00 € Nombre de parts fiscales : 2,50 {decidee}"
    ) in tableau(page, "Demandes acceptées")


def test_chaque_tableau_vide_le_dit(client_dupont):
    page = texte(client_dupont.get(reverse("demandes")))

    assert "Aucune demande en attente." in page
    assert "Aucune demande refusée." in page
    assert "Aucune demande acceptée." in page


def test_une_demande_de_plus_d_un_mois_ou_retiree_n_apparait_pas(client_dupont, dupont):
    demande(dupont, 40, type=Demande.Type.BANCAIRES)
    demande(dupont, 2, type=Demande.Type.CAF, statut=Demande.Statut.RETIREE)

    page = texte(client_dupont.get(reverse("demandes")))

    assert "Informations bancaires" not in page
    assert "Informations CAF" not in page


def test_l_onglet_mes_enfants_montre_les_demandes_des_enfants(client_dupont, dupont):
    lucas = dupont.enfants.get()
    demande(dupont, 1, type=Demande.Type.RESPONSABLE, valeurs_demandees={"ville": "BOZEL"})
    demande(
        dupont,
        2,
        type=Demande.Type.AUTORISATIONS,
        enfant=lucas,
        valeurs_demandees={"autorisation_photo": True},
    )

    compte = texte(client_dupont.get(reverse("demandes")))
    enfants = texte(client_dupont.get(reverse("demandes"), {"onglet": "enfants"}))

    assert "Informations responsable" in compte
    assert "Autorisations (Lucas)" not in compte
    assert "Autorisations (Lucas) Autorisation photos : Oui" in enfants
    assert "Informations responsable" not in enfants


def test_le_filtre_par_type_ne_garde_que_ce_type(client_dupont, dupont):
    demande(dupont, 1, type=Demande.Type.RESPONSABLE, valeurs_demandees={"ville": "BOZEL"})
    demande(dupont, 2, type=Demande.Type.CAF, valeurs_demandees={"quotient_familial": 812})

    reponse = client_dupont.get(reverse("demandes"), {"type": "caf"})

    page = texte(reponse)
    assert "Informations CAF Quotient familial : 812" in page
    assert "Informations responsable" not in page
    assert '<a href="?type=caf" aria-current="page">CAF</a>' in reponse.content.decode()


@pytest.mark.parametrize(
    "parametres", [{"type": "nimporte"}, {"onglet": "ailleurs"}, {"type": "<script>"}]
)
def test_un_filtre_inconnu_est_ignore(client_dupont, dupont, parametres):
    demande(dupont, 1, type=Demande.Type.RESPONSABLE, valeurs_demandees={"ville": "BOZEL"})

    reponse = client_dupont.get(reverse("demandes"), parametres)

    assert reponse.status_code == 200
    assert "Informations responsable Ville : BOZEL" in texte(reponse)


def test_un_type_d_enfant_ouvre_l_onglet_mes_enfants(client_dupont):
    reponse = client_dupont.get(reverse("demandes"), {"type": "absence"})

    assert '<a class="nav-link active" href="?onglet=enfants" aria-current="page">' in (
        reponse.content.decode()
    )


def test_les_demandes_des_martin_n_apparaissent_pas_chez_les_dupont(client_dupont, martin):
    demande(martin, 2, type=Demande.Type.FISCALES)

    page = texte(client_dupont.get(reverse("demandes")))

    assert "Informations fiscales" not in page


def test_un_anonyme_est_renvoye_a_la_connexion(client, dupont):
    reponse = client.get(reverse("demandes"))

    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("connexion"))


@pytest.mark.parametrize(
    ("jour", "attendu"),
    [
        (datetime.date(2026, 11, 26), datetime.date(2026, 10, 26)),
        (datetime.date(2026, 3, 31), datetime.date(2026, 2, 28)),
        (datetime.date(2027, 1, 15), datetime.date(2026, 12, 15)),
    ],
)
def test_un_mois_avant_garde_le_quantieme_ou_le_dernier_jour_du_mois(jour, attendu):
    assert un_mois_avant(jour) == attendu


@pytest.mark.parametrize("onglet", ["compte", "enfants"])
def test_la_liste_tient_en_douze_requetes(
    client_dupont, dupont, django_assert_max_num_queries, onglet
):
    enfant = dupont.enfants.get()
    jean = dupont.titulaire
    type_responsable = ContentType.objects.get_for_model(Responsable)
    type_famille = ContentType.objects.get_for_model(Famille)
    statuts = [Demande.Statut.EN_ATTENTE, Demande.Statut.ACCEPTEE, Demande.Statut.REFUSEE]
    for jours in range(30):
        statut = statuts[jours % 3]
        decision = {} if statut == Demande.Statut.EN_ATTENTE else {"decidee_le": timezone.now()}
        motif = {"motif_refus": "Non."} if statut == Demande.Statut.REFUSEE else {}
        demande(
            dupont,
            jours,
            type=Demande.Type.RESERVATION,
            enfant=enfant,
            statut=statut,
            **decision,
            **motif,
        )
        demande(
            dupont,
            jours,
            type=Demande.Type.RESPONSABLE,
            cible_type=type_responsable,
            cible_id=jean.pk,
            valeurs_demandees={"adresse": f"{jours} RUE HAUTE"},
            statut=statut,
            **decision,
            **motif,
        )
        demande(
            dupont,
            jours,
            type=Demande.Type.CAF,
            cible_type=type_famille,
            cible_id=dupont.pk,
            valeurs_demandees={"organisme_rattachement": "MSA"},
            statut=statut,
            **decision,
            **motif,
        )

    with django_assert_max_num_queries(12):
        reponse = client_dupont.get(reverse("demandes"), {"onglet": onglet})

    page = texte(reponse)
    if onglet == "enfants":
        assert page.count("Réservations (Lucas)") == 30
    else:
        assert page.count("Organisme de rattachement : MSA") == 30
        assert page.count("RUE HAUTE") == 30


# --- Retirer une demande ------------------------------------------------------------------


def test_la_famille_retire_une_demande_en_attente_depuis_la_liste(client_dupont, dupont):
    en_attente = demande(
        dupont, 1, type=Demande.Type.CAF, valeurs_demandees={"quotient_familial": 1}
    )

    reponse = client_dupont.post(
        reverse("retirer_demande", args=[en_attente.pk]),
        {"suivant": "/demandes/?onglet=compte"},
        follow=True,
    )

    assert reponse.redirect_chain == [("/demandes/?onglet=compte", 302)]
    assert "Votre demande a été retirée : rien n'a été modifié." in texte(reponse)
    en_attente.refresh_from_db()
    assert en_attente.statut == Demande.Statut.RETIREE


def test_une_demande_deja_decidee_ne_se_retire_plus(client_dupont, dupont):
    acceptee = demande(
        dupont, 1, type=Demande.Type.CAF, statut=Demande.Statut.ACCEPTEE, decidee_le=timezone.now()
    )

    reponse = client_dupont.post(reverse("retirer_demande", args=[acceptee.pk]), follow=True)

    assert "Cette demande n'est plus en attente : elle est « Acceptée »." in texte(reponse)
    acceptee.refresh_from_db()
    assert acceptee.statut == Demande.Statut.ACCEPTEE


def test_martin_ne_peut_pas_retirer_une_demande_des_dupont(client_martin, dupont):
    en_attente = demande(dupont, 1, type=Demande.Type.CAF)

    reponse = client_martin.post(reverse("retirer_demande", args=[en_attente.pk]))

    assert reponse.status_code == 404
    en_attente.refresh_from_db()
    assert en_attente.statut == Demande.Statut.EN_ATTENTE


def test_retirer_se_fait_par_un_formulaire_et_pas_par_un_lien(client_dupont, dupont):
    en_attente = demande(dupont, 1, type=Demande.Type.CAF)

    assert client_dupont.get(reverse("retirer_demande", args=[en_attente.pk])).status_code == 405
    en_attente.refresh_from_db()
    assert en_attente.statut == Demande.Statut.EN_ATTENTE


def test_un_anonyme_ne_retire_rien(client, dupont):
    en_attente = demande(dupont, 1, type=Demande.Type.CAF)

    reponse = client.post(reverse("retirer_demande", args=[en_attente.pk]))

    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("connexion"))
    en_attente.refresh_from_db()
    assert en_attente.statut == Demande.Statut.EN_ATTENTE


def test_le_retour_apres_un_retrait_reste_sur_le_portail(client_dupont, dupont):
    en_attente = demande(dupont, 1, type=Demande.Type.CAF)

    reponse = client_dupont.post(
        reverse("retirer_demande", args=[en_attente.pk]), {"suivant": "https://ailleurs.example/"}
    )

    assert reponse.url == reverse("demandes")
