"""The e-mail verification link's token: like the password-reset token, with its own salt.

It becomes invalid once used (the account turns active and the address is marked verified), when
the address changes, and after ``PASSWORD_RESET_TIMEOUT`` (3 days by default).
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "motcua.portal.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        profile = getattr(user, "citizen_profile", None)
        verified = getattr(profile, "email_verified_at", None)
        return f"{user.pk}{user.is_active}{user.email}{verified}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
