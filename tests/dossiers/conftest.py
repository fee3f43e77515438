"""Lifecycle tests use the shared world of :mod:`tests.builders` (fixtures in tests/conftest.py).

The names below stay importable from here for older imports (``from tests.dossiers.conftest
import at``); new code imports :mod:`tests.builders`.
"""

from tests.builders import STEP_ACTIONS, TZ, add_step, at  # noqa: F401
from tests.conftest import applicant, documents, world  # noqa: F401
