"""The shipped plugins' tests run inside motcua's test suite: they share its fixtures."""

from tests.conftest import (  # noqa: F401
    _module_world,
    admin_client_vi,
    applicant,
    documents,
    world,
)
