"""XLSX/CSV import and export of units (django-import-export), all-or-nothing.

Columns (headed in Vietnamese by the fields' names, e.g. "Mã định danh" for ``agency_code``; an
import also accepts the field names): ``agency_code`` (the row's identity), ``name``,
``short_name``, ``level`` (a level code), ``parent`` (the parent's agency code; parents must come
before their children in the file), ``address``, ``phone``, ``email``, ``website``,
``is_active``. Exports are ordered by tree path, so an exported file imports back as it is.

:class:`AtomicModelResource` and the strict widgets below are shared with the procedure catalogue.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from motcua.core.text import fold
from motcua.security.spreadsheet import neutralise_row
from motcua.units.models import Unit, UnitLevel


class AtomicModelResource(resources.ModelResource):
    """A resource whose import saves every row or none (``IMPORT_EXPORT_USE_TRANSACTIONS``).

    import-export rolls back on row *errors* but, by default, keeps the valid rows when other rows
    only have *validation* errors; here any bad row rolls the whole file back. Exported text that
    a spreadsheet would evaluate is neutralised (:mod:`motcua.security.spreadsheet`).
    """

    #: Column headers by field name; a model field without an entry is headed by its verbose
    #: name. Headers are Vietnamese (a spreadsheet is read by people, not by code); an import
    #: also accepts the field names (files exported before) and the headers of the other
    #: languages of the site.
    column_headers: dict[str, object] = {}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # In the site's language whatever the interface's: a file exported by one officer imports
        # for another, and the columns of the site's files never change with a language switch.
        with translation.override(settings.LANGUAGE_CODE):
            for name, field in self.fields.items():
                field.column_name = self._header(name)

    def _header(self, name: str) -> str:
        label = self.column_headers.get(name)
        if label is None:
            try:
                label = self._meta.model._meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                return name
        text = str(label)
        return text[:1].upper() + text[1:]

    def before_import(self, dataset, **kwargs):
        """Read a file headed by field names or by another language's headers as this one."""
        renames: dict[str, str] = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                renames.update(
                    {fold(self._header(name)): f.column_name for name, f in self.fields.items()}
                )
        renames.update({fold(name): f.column_name for name, f in self.fields.items()})
        if dataset.headers:
            dataset.headers = [
                renames.get(fold(h.strip()), h) if isinstance(h, str) else h
                for h in dataset.headers
            ]
        return super().before_import(dataset, **kwargs)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        # Every export of every resource: text never becomes a live formula.
        return neutralise_row(super().export_resource(instance, selected_fields, **kwargs))

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        # An empty XLSX cell is None: text columns must store "" (they are NOT NULL).
        if isinstance(f, models.TextField):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default)

    def export(self, *args, **kwargs):
        """Name the sheet after the model ("Thủ tục hành chính"), not tablib's "Tablib Dataset"
        (an XLSX sheet name has at most 31 characters and none of ``[]:*?/\\``)."""
        dataset = super().export(*args, **kwargs)
        title = str(self._meta.model._meta.verbose_name_plural)
        dataset.title = "".join(c for c in title if c not in "[]:*?/\\")[:31].capitalize()
        return dataset

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=True,
        **kwargs,
    ):
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=use_transactions,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=rollback_on_validation_errors,
            **kwargs,
        )


class LookupForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key by a code column, with a Vietnamese error naming the missing value."""

    def __init__(self, model, field, message, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.message = message

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(self.message % {"value": value}) from None


class LookupManyToManyWidget(widgets.ManyToManyWidget):
    """Many-to-many by a code column; an unknown code is an error, not silently dropped."""

    def __init__(self, model, field, message, separator=",", **kwargs):
        super().__init__(model, separator=separator, field=field, **kwargs)
        self.message = message

    def clean(self, value, row=None, **kwargs):
        if not value:
            return self.model.objects.none()
        codes = [code.strip() for code in str(value).split(self.separator) if code.strip()]
        found = self.model.objects.filter(**{f"{self.field}__in": codes})
        missing = sorted(set(codes) - {str(v) for v in found.values_list(self.field, flat=True)})
        if missing:
            raise ValueError(self.message % {"value": ", ".join(missing)})
        return found


class DecimalWidget(widgets.DecimalWidget):
    """A decimal column whose unreadable value is a row error in Vietnamese, not a traceback."""

    def __init__(self, message, **kwargs):
        super().__init__(**kwargs)
        self.message = message

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except (ArithmeticError, ValueError, TypeError):
            raise ValueError(self.message % {"value": value}) from None


class ChoicesWidget(widgets.Widget):
    """A choice column that accepts the stored value or its Vietnamese label (any accents/case)."""

    def __init__(self, choices_class, message, **kwargs):
        super().__init__(**kwargs)
        self.choices_class = choices_class
        self.message = message

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return ""
        wanted = fold(str(value))
        for stored, label in self.choices_class.choices:
            if wanted in (fold(stored), fold(str(label))):
                return stored
        raise ValueError(self.message % {"value": str(value).strip()})

    def render(self, value, obj=None, **kwargs):
        """The choice's label ("Ngày làm việc"), which :meth:`clean` reads back."""
        if not value:
            return ""
        try:
            return str(self.choices_class(value).label)
        except ValueError:
            return value


class UnitResource(AtomicModelResource):
    level = fields.Field(
        attribute="level",
        column_name="level",
        widget=LookupForeignKeyWidget(UnitLevel, "code", _("Không có cấp đơn vị mã “%(value)s”.")),
    )
    parent = fields.Field(
        attribute="parent",
        column_name="parent",
        widget=LookupForeignKeyWidget(
            Unit,
            "agency_code",
            _(
                "Không có đơn vị cấp trên mã “%(value)s” (đơn vị cấp trên phải có sẵn "
                "hoặc nằm ở dòng phía trên trong tệp)."
            ),
        ),
    )

    class Meta:
        model = Unit
        import_id_fields = ["agency_code"]
        fields = [
            "agency_code",
            "name",
            "short_name",
            "level",
            "parent",
            "address",
            "phone",
            "email",
            "website",
            "is_active",
        ]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return Unit.objects.select_related("level", "parent").order_by("path")
