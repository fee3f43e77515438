"""An authentication backend that grants a role's permissions through active memberships.

A membership names a role (a Django group). With this backend in ``AUTHENTICATION_BACKENDS``
(replacing ``django.contrib.auth.backends.ModelBackend``), holding an active membership is enough to
get the role's model permissions in the desk: nobody has to keep ``user.groups`` in step by hand,
and deactivating the membership takes the rights away. Direct group membership still counts too.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class MembershipBackend(ModelBackend):
    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(
            group__in=user_obj.groups.all()
        ) | Permission.objects.filter(
            group__memberships__user=user_obj, group__memberships__is_active=True
        )
