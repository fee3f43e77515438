"""The lifecycle declarations (core/lifecycle.py) and everything derived from them; no database."""

import dataclasses
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from motcua.core import lifecycle
from motcua.core.lifecycle import LIFECYCLE, Action, Clock, Form06, Status, Taker
from motcua.core.timeunits import duration_text
from motcua.desk.actions import DESK_ACTIONS
from motcua.dossiers import checks, services
from motcua.dossiers.transitions import TRANSITIONS
from motcua.dossiers.workflow import STEP_ACTIONS
from motcua.integrations.handlers import CITIZEN_EVENTS
from motcua.notifications.texts import DEFAULTS as NOTICE_TEXTS
from motcua.procedures.workflow import StepAction


def _fake(**changes) -> lifecycle.ActionRule:
    """An action "fly" declared like ``suspend`` (a step action with a desk button)."""
    rule = dataclasses.replace(LIFECYCLE[Action.SUSPEND], action="fly", service="dossier_fly")
    return dataclasses.replace(rule, **changes)


def test_the_real_declarations_have_every_consumer():
    assert checks.lifecycle_report() == []
    call_command("check")  # the system check passes (it raises SystemCheckError otherwise)


def test_an_action_added_without_its_consumers_fails_the_check():
    rules = [*LIFECYCLE.values(), _fake()]
    report = checks.lifecycle_report(rules)
    assert "action 'fly' is declared but not in the Action vocabulary" in report
    assert "action 'fly': motcua.dossiers.services has no function 'dossier_fly'" in report
    assert "action 'fly' has no entry in desk.actions.DESK_ACTIONS" in report


def test_a_desk_entry_for_an_action_without_a_button_fails_the_check():
    rules = [
        dataclasses.replace(r, desk_button=False) if r.action == Action.RESUME else r
        for r in LIFECYCLE.values()
    ]
    assert checks.lifecycle_report(rules) == [
        "desk.actions.DESK_ACTIONS has an entry for 'resume', not declared for it"
    ]


def test_a_missing_or_doubled_declaration_fails_the_check():
    rules = [r for r in LIFECYCLE.values() if r.action != Action.STOP]
    assert "action 'stop' has no lifecycle declaration" in checks.lifecycle_report(rules)
    rules = [*LIFECYCLE.values(), LIFECYCLE[Action.STOP]]
    assert "action 'stop' is declared more than once" in checks.lifecycle_report(rules)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"target": "flying"}, "action 'fly': unknown target 'flying'"),
        (
            {"takers": frozenset({Taker.CITIZEN})},
            "action 'fly': a step offers it but no step officer takes it",
        ),
        ({"form06_note": ""}, "action 'fly': form 06 note and its text go together"),
    ],
)
def test_an_unsound_declaration_is_reported(changes, problem):
    assert problem in lifecycle.lifecycle_problems([_fake(**changes)], actions=["fly"])


def test_every_consumer_is_derived_from_the_declarations():
    assert set(TRANSITIONS) == set(Action) == set(LIFECYCLE)
    for action, rule in LIFECYCLE.items():
        assert TRANSITIONS[action].sources == rule.sources
        assert TRANSITIONS[action].target == rule.target
        assert TRANSITIONS[action].pauses_clock == (rule.clock == Clock.PAUSES)
    assert [str(a) for a in STEP_ACTIONS] == StepAction.values
    assert {str(a) for a in STEP_ACTIONS} == {
        str(a) for a, r in LIFECYCLE.items() if r.step_may_offer
    }
    assert set(DESK_ACTIONS) == {str(a) for a, r in LIFECYCLE.items() if r.desk_button}
    for name, desk_action in DESK_ACTIONS.items():
        assert desk_action.service is getattr(services, LIFECYCLE[name].service)
    assert set(CITIZEN_EVENTS) == {a for a, r in LIFECYCLE.items() if r.applicant_notice}
    # every declared notice has its shipped text for each language
    assert set(CITIZEN_EVENTS.values()) <= set(NOTICE_TEXTS)


def test_the_workflow_editor_offers_exactly_the_step_actions_in_the_old_order():
    # the order the editor stores a step's actions in (kept from before the declarations)
    assert StepAction.values == [
        "forward",
        "return_previous",
        "request_supplement",
        "refuse",
        "consult",
        "approve",
        "issue_result",
        "transfer",
        "suspend",
        "resume",
        "stop",
        "apologize",
    ]
    assert StepAction("suspend").label == Action.SUSPEND.label


def test_ending_actions_stop_the_clock_and_lead_to_a_finished_state():
    ending = {a for a, r in LIFECYCLE.items() if r.clock == Clock.ENDS}
    assert ending == {
        Action.REFUSE_INTAKE,
        Action.ISSUE_RESULT,
        Action.REFUSE,
        Action.STOP,
        Action.WITHDRAW,
        Action.CLOSE_TRAINING,
    }
    assert {LIFECYCLE[a].target for a in ending} == {
        Status.REJECTED,
        Status.RESULT_READY,
        Status.STOPPED,
        Status.WITHDRAWN,
    }


def test_form_06_prints_hand_overs_and_notes_from_the_declarations():
    from motcua.printing.context import HANDOVER_ACTIONS, NOTED_ACTIONS

    assert set(HANDOVER_ACTIONS) == {
        Action.START,
        Action.FORWARD,
        Action.APPROVE,
        Action.RETURN_PREVIOUS,
        Action.TRANSFER,
    }
    assert NOTED_ACTIONS[Action.SUSPEND] == "Tạm dừng"
    assert all(LIFECYCLE[a].form06 == Form06.NOTE for a in NOTED_ACTIONS)


def test_ending_services_are_real_functions():
    for name in ("dossier_refuse", "dossier_stop", "dossier_withdraw"):
        function = getattr(services, name)
        assert function.__name__ == name
        assert function.__module__ == "motcua.dossiers.services.endings"


@pytest.mark.parametrize(
    ("amount", "unit", "vi", "en"),
    [
        ("15.0", "working_days", "15 ngày làm việc", "15 working days"),
        ("1.0", "working_days", "1 ngày làm việc", "1 working day"),
        ("1", "working_hours", "1 giờ làm việc", "1 working hour"),
        ("1.5", "working_hours", "1,5 giờ làm việc", "1.5 working hours"),
        ("0", "same_day", "trong ngày", "same day"),
        (None, "working_days", "", ""),
    ],
)
@override_settings(USE_I18N=True)
def test_one_formatter_writes_processing_times(amount, unit, vi, en):
    with translation.override("vi"):
        assert duration_text(amount, unit) == vi
    with translation.override("en"):
        assert duration_text(amount, unit) == en


def test_dossier_events_are_written_only_by_the_transition_path():
    from pathlib import Path

    import motcua

    root = Path(motcua.__file__).parent
    # an instance, the ORM's create, or a raw multi-row insert (core.rows_update.rows_insert)
    writes = re.compile(
        r"DossierEvent\.objects\.create|DossierEvent\(|rows_insert\(\s*DossierEvent\b"
    )
    writers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "migrations" not in path.parts and writes.search(path.read_text())
    )
    # models.py declares the class; the engine creates rows, and the calendar recomputation writes
    # its declared ``recalculate`` events (no state change) one batch at a time (raw multi-row
    # inserts), and a unit reorganisation its declared ``rehome`` events the same way
    assert writers == [
        "dossiers/legacy/writer.py",  # the legacy import's declared ``import`` births
        "dossiers/models.py",
        "dossiers/recalculation.py",
        "dossiers/rehoming.py",
        "dossiers/services/engine.py",
    ]


def test_the_architecture_document_shows_the_declared_transitions():
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "docs" / "architecture.md").read_text()
    start = text.index("<!-- lifecycle-table:start -->\n") + len("<!-- lifecycle-table:start -->\n")
    end = text.index("\n<!-- lifecycle-table:end -->")
    # regenerate with: manage.py lifecycle_table
    assert text[start:end] == lifecycle.lifecycle_table_markdown()
