"""The core's local HTTP gateway fixture (``tests/notifications/test_channels.py``)."""

from tests.notifications.test_channels import gateway  # noqa: F401
