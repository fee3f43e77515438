import pytest

from tests.dossiers.conftest import applicant, documents, world  # noqa: F401
from tests.portal.conftest import portal  # noqa: F401, E402


@pytest.fixture(scope="session")
def fault_site(tmp_path_factory):
    """One private MariaDB (own data folder and port) and one production site on it, with the
    demo data, shared by the fault tests (tests/ops/faults.py); each test brings its own Redis."""
    from tests.ops.faults import FaultSite
    from tests.ops.servers import MariaDBServer

    base = tmp_path_factory.mktemp("faults")
    mariadb = MariaDBServer()
    mariadb.start()
    try:
        site = FaultSite(base, mariadb)
        site.prepare()
        yield site
    finally:
        mariadb.cleanup()
