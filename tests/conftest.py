"""Shared pytest setup for every test package."""

import pytest


@pytest.fixture
def admin_client_vi(client, django_user_model):
    """A test client logged in as a superuser, with the desk in Vietnamese."""
    user = django_user_model.objects.create_superuser("quantri", "quantri@example.vn", "x")
    client.force_login(user)
    client.cookies["django_language"] = "vi"
    return client
