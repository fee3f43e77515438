from tests.dossiers.conftest import applicant, documents, world  # noqa: F401
