"""Le stockage des fichiers statiques de la production : l'adresse hachée du manifeste,
calculée une fois par processus."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from portail.stockage import StockageStatique

ADRESSE = "/static/css/portail.0123abcd.css"


@pytest.fixture
def stockage(tmp_path):
    manifeste = {"paths": {"css/portail.css": "css/portail.0123abcd.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifeste))
    return StockageStatique(location=tmp_path, base_url="/static/")


@pytest.fixture
def calculs(monkeypatch):
    """Les appels au calcul de whitenoise : (nom, force) de chacun."""
    appels = []
    url_du_parent = CompressedManifestStaticFilesStorage.url

    def url_comptee(self, name, force=False):
        appels.append((name, force))
        return url_du_parent(self, name, force)

    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", url_comptee)
    return appels


def test_l_adresse_est_celle_du_manifeste_et_n_est_calculee_qu_une_fois(stockage, calculs):
    assert stockage.url("css/portail.css") == ADRESSE
    assert stockage.url("css/portail.css") == ADRESSE
    assert calculs == [("css/portail.css", False)]


def test_un_fichier_absent_du_manifeste_leve_une_erreur_a_chaque_fois(stockage, calculs):
    for _ in range(2):
        with pytest.raises(ValueError, match="absent.css"):
            stockage.url("absent.css")
    assert len(calculs) == 2


def test_force_refait_le_calcul_sans_le_retenir(stockage, calculs):
    # Le calcul complet, comme le demande collectstatic (force=True), à chaque appel.
    assert stockage.url("css/portail.css", force=True) == ADRESSE
    assert stockage.url("css/portail.css", force=True) == ADRESSE
    assert stockage.url("css/portail.css") == ADRESSE
    assert [force for _, force in calculs] == [True, True, False]
