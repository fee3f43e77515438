from tests.dossiers.conftest import applicant, documents, world  # noqa: F401
from tests.portal.conftest import portal  # noqa: F401, E402
