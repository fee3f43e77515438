"""Login lock-out (django-axes) in front of the membership backend.

Axes needs the request to know the client's address. A call without one (the test client's
``login()``, a script) is not a login form an attacker can reach over HTTP, so it passes through to
the next backend instead of raising; every HTTP login (desk, portal) passes its request.
"""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
