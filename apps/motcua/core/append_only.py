"""Append-only records (audit trails): a row, once written, is never saved again."""

from django.db import models


class AppendOnly(models.Model):
    """Abstract base: ``save()`` refuses an existing row (DossierEvent, PaymentCallback…)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)
