"""The shipped plugins' tests run inside motcua's test suite: they share its fixtures."""

from tests.conftest import admin_client_vi, applicant, documents, world  # noqa: F401
