"""What the REST API shows of a dossier, a procedure and a unit.

A dossier's internal record (the applicant's identifiers, every event with its actor and note) is
shown to staff in scope only; a citizen reading their own dossier gets what the portal's status
page shows them: the public timeline, never an officer's internal note.
"""

from __future__ import annotations

from rest_framework import serializers

from motcua.core.people import person_name
from motcua.dossiers.models import Dossier


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField(source="agency_code")
    name = serializers.CharField()


class ProcedureRefSerializer(serializers.Serializer):
    code = serializers.CharField(source="national_code")
    name = serializers.CharField()


class DossierSummarySerializer(serializers.ModelSerializer):
    """One row of a dossier list: where it is and how it stands against its deadline."""

    procedure = ProcedureRefSerializer()
    receiving_unit = UnitRefSerializer(source="unit")
    current_unit = UnitRefSerializer()
    status_label = serializers.CharField(source="get_status_display")
    channel_label = serializers.CharField(source="get_channel_display")
    due_state_label = serializers.CharField(source="get_due_state_display")
    url = serializers.HyperlinkedIdentityField(
        view_name="api:dossier", lookup_field="code", lookup_url_kwarg="code"
    )

    class Meta:
        model = Dossier
        fields = [
            "code",
            "url",
            "procedure",
            "receiving_unit",
            "current_unit",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "submitted_at",
            "received_at",
            "due_at",
            "apology_due_at",
            "due_state",
            "due_state_label",
            "overdue_since",
            "finished_at",
            "returned_at",
        ]


class StepSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    name = serializers.CharField()
    unit = UnitRefSerializer()
    state = serializers.CharField()
    assignee = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()
    due_state = serializers.CharField()

    def get_assignee(self, step) -> str:
        return person_name(step.assignee)


class EventSerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_actor(self, event) -> str:
        return person_name(event.actor)


class TimelineEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    label = serializers.CharField()
    detail = serializers.CharField()


class ApplicantSerializer(serializers.Serializer):
    kind = serializers.CharField(source="applicant_kind")
    name = serializers.CharField(source="applicant_name")
    id_number = serializers.CharField(source="applicant_id_number")
    tax_code = serializers.CharField(source="applicant_tax_code")
    phone = serializers.CharField(source="applicant_phone")
    email = serializers.CharField(source="applicant_email")
    address = serializers.CharField(source="applicant_address")


class DossierDetailSerializer(DossierSummarySerializer):
    """A whole dossier: the summary, fees, delivery, steps, and the history its reader may see."""

    applicant = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta(DossierSummarySerializer.Meta):
        fields = [
            *DossierSummarySerializer.Meta.fields,
            "fee_total",
            "is_paid",
            "paid_online",
            "delivery",
            "result_number",
            "result_date",
            "supplement_count",
            "applicant",
            "steps",
            "history",
        ]

    def _staff(self) -> bool:
        return bool(self.context.get("staff"))

    def get_applicant(self, dossier) -> dict | None:
        """The applicant's identifiers: for staff in scope (the owner knows their own)."""
        if not self._staff():
            return None
        return ApplicantSerializer(dossier).data

    def get_steps(self, dossier) -> list[dict]:
        if not self._staff():
            return []
        steps = dossier.steps.select_related("unit", "assignee").order_by("started_at", "id")
        return StepSerializer(steps, many=True).data

    def get_history(self, dossier) -> list[dict]:
        """Every event for staff; the public timeline (no internal note) for the applicant."""
        if self._staff():
            events = dossier.events.select_related("actor").order_by("created_at", "id")
            return EventSerializer(events, many=True).data
        from motcua.portal.selectors import public_timeline

        return TimelineEntrySerializer(public_timeline(dossier=dossier), many=True).data


class ProcedureSerializer(serializers.Serializer):
    """A published procedure as the portal's catalogue shows it."""

    code = serializers.CharField(source="national_code")
    name = serializers.CharField()
    sector = serializers.CharField(source="sector.name", default="")
    online_level = serializers.CharField()
    online_level_label = serializers.CharField(source="get_online_level_display")
    processing_amount = serializers.DecimalField(max_digits=8, decimal_places=1)
    processing_unit = serializers.CharField()
    legal_basis = serializers.CharField()


class UnitSerializer(serializers.Serializer):
    code = serializers.CharField(source="agency_code")
    name = serializers.CharField()
    parent = serializers.CharField(source="parent.agency_code", default=None)
    level = serializers.CharField(source="level.name", default="")
