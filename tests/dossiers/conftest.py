import pytest

from tests.dossiers.fabriques import semer_types


@pytest.fixture(autouse=True)
def types_de_documents(db):
    """Chaque test part des types de documents de la migration."""
    semer_types()
