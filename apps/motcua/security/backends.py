"""The one login backend: django-axes' lock-out check, then the membership backend.

Axes needs the request to know the client's address. A call without one (the test client's
``login()``, a script) is not a login form an attacker can reach over HTTP, so it skips the
lock-out check; every HTTP login (desk, portal) passes its request.

One class, not two entries in ``AUTHENTICATION_BACKENDS``: with a single backend,
``django.contrib.auth.login(request, user)`` after a sign-up needs no ``backend`` argument.
"""

from axes.backends import AxesStandaloneBackend

from motcua.units.backends import MembershipBackend


class LockoutBackend(MembershipBackend, AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            # Raises AxesBackendPermissionDenied (answered by the axes middleware) when locked.
            AxesStandaloneBackend.authenticate(
                self, request, username=username, password=password, **kwargs
            )
        return MembershipBackend.authenticate(
            self, request, username=username, password=password, **kwargs
        )
