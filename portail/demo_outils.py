"""Les briques de la démonstration (portail/demo.py et ses parties demo_dossier.py,
demo_historique.py) : retrouver ou créer un objet par sa clé naturelle, les dates et les
instants, une facture du guide, un PDF d'une page."""

import calendar
import datetime

from django.utils import timezone

from enfants.regles import raison_de_fermeture
from facturation.models import Facture, LigneFacture


def enregistrer(modele, cles, **valeurs):
    """Retrouve l'objet par sa clé naturelle, le crée ou le remet à ces valeurs.

    Contrairement à update_or_create, n'enregistre rien quand rien n'a changé.
    """
    obj = modele.objects.filter(**cles).first()
    if obj is None:
        return modele.objects.create(**cles, **valeurs)
    changes = [champ for champ, valeur in valeurs.items() if getattr(obj, champ) != valeur]
    if changes:
        for champ in changes:
            setattr(obj, champ, valeurs[champ])
        obj.save()
    return obj


def premier_du_mois(jour, decalage=0):
    """Le 1er du mois de `jour`, décalé de `decalage` mois."""
    mois = jour.year * 12 + jour.month - 1 + decalage
    return datetime.date(mois // 12, mois % 12 + 1, 1)


def dernier_du_mois(jour):
    return jour.replace(day=calendar.monthrange(jour.year, jour.month)[1])


def debut_annee_scolaire(jour):
    return datetime.date(jour.year if jour.month >= 9 else jour.year - 1, 9, 1)


def instant(jour, heure=9, minute=0):
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure, minute)))


def ouvert(prestation, jour):
    return raison_de_fermeture(prestation, jour) is None


def facture_du_guide(regie, famille, rang, date_facture, date_echeance, debut, fin, lignes):
    """Une facture et ses lignes (enfant, prestation, quantité, prix unitaire)."""
    montant = sum(quantite * prix for _, _, quantite, prix in lignes)
    facture = remettre_facture(
        {"numero": f"{regie.prefixe}-{rang}"},
        regie=regie,
        famille=famille,
        genre=Facture.Genre.FACTURE,
        rang=rang,
        date_facture=date_facture,
        date_echeance=date_echeance,
        periode_debut=debut,
        periode_fin=fin,
        montant=montant,
    )
    for enfant, prestation, quantite, prix in lignes:
        cles = {"facture": facture, "libelle": prestation.nom, "enfant": enfant}
        valeurs = {
            "prestation": prestation,
            "quantite": quantite,
            "prix_unitaire": prix,
            "montant": quantite * prix,
        }
        if not LigneFacture.objects.filter(**cles).update(**valeurs):
            LigneFacture.objects.create(**cles, **valeurs)
    return facture


def remettre_facture(cles, **valeurs):
    """Comme `enregistrer`, pour une facture de démonstration : une facture émise ne se
    modifie pas par save() (Facture.save), mais la démonstration relancée un autre jour remet
    ses dates à jour par un UPDATE ; son PDF, périmé, sera refait."""
    facture = Facture.objects.filter(**cles).first()
    if facture is None:
        return Facture.objects.create(**cles, **valeurs)
    if any(getattr(facture, champ) != valeur for champ, valeur in valeurs.items()):
        Facture.objects.filter(pk=facture.pk).update(**valeurs, pdf="", pdf_sha256="")
        facture.refresh_from_db()
    return facture


def pdf_simple(lignes):
    """Un PDF d'une page A4, quelques lignes en Helvetica : juste ce qu'il faut pour un
    formulaire de démonstration, sans bibliothèque."""

    def texte(ligne):
        brut = ligne.encode("cp1252", "replace")
        return brut.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    flux = (
        b"BT /F1 12 Tf 18 TL 56 780 Td "
        + b" ".join(b"(" + texte(ligne) + b") Tj T*" for ligne in lignes)
        + b" ET"
    )
    objets = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(flux) + flux + b"\nendstream",
    ]
    pdf = b"%PDF-1.4\n"
    positions = []
    for numero, objet in enumerate(objets, start=1):
        positions.append(len(pdf))
        pdf += b"%d 0 obj\n" % numero + objet + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % position for position in positions)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objets) + 1,
        xref,
    )
    return pdf
