"""Les benchmarks du Portail Familles (hors de la suite de tests) : voir docs/performance.md.

.venv/bin/python -m bench            # tout, sur 10 000 familles (make bench)
.venv/bin/python -m bench --smoke    # la course d'essai de la CI (make bench-smoke)
"""

import os
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent


def preparer_django():
    """Django avec les réglages des benchmarks (bench/settings.py), une seule fois."""
    if str(RACINE) not in sys.path:
        sys.path.insert(0, str(RACINE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
