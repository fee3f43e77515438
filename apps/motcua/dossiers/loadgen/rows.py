"""Rows of generated dossiers: a pure function of the seed, the batch and the :class:`World`.

The random stream is seeded per batch (seed, first index), so the same seed and batch size give
the same rows and a killed run resumes at the first batch not written.

Time is handled as *office positions* of the site calendar (µs of office time since year 1, see
:meth:`motcua.core.workcalendar.WorkCalendar.position`), so receipts, steps and pauses fall in
office hours on working days without extra checks; positions become UTC datetimes through
:class:`~motcua.dossiers.loadgen.clock.Clock` (a lookup per working day). Deadlines come from
:func:`motcua.core.deadlines.due_at` with the site's rule; see :class:`Deadlines`.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from motcua.core.deadlines import DayRule, Pause, due_at
from motcua.core.text import fold
from motcua.core.timeunits import TimeUnit
from motcua.dossiers.loadgen.clock import Clock
from motcua.dossiers.loadgen.people import applicant
from motcua.dossiers.loadgen.world import ProcedurePlan, World
from motcua.dossiers.states import Status
from motcua.dossiers.workflow import condition_matches

#: Generated rows use ids from here up (dossier *i* has id ``ID_BASE + i``); at most MAX_DOSSIERS.
ID_BASE = 1_000_000_000
MAX_DOSSIERS = 100_000_000
#: Child rows per dossier get ids ``ID_BASE + i * SLOTS + k`` (k < SLOTS).
SLOTS = 16
ONLINE_SHARE = 0.40
LATE_SHARE = 0.07
SUPPLEMENT_SHARE = 0.08
SUSPEND_SHARE = 0.015
#: Dossiers received in the last RECENT_DAYS whose deadline passed stay open (overdue) with this
#: probability; those whose deadline lies after "now" stay open with IN_TIME_OPEN.
RECENT_DAYS = 30
RECENT_OPEN = 0.25
IN_TIME_OPEN = 0.97
#: Weight of a procedure in the traffic: same-day and hourly ones SHORT_WEIGHT, one of N working
#: days 1 + N / DAYS_WEIGHT (land and construction files are the bulk of a district centre's work).
SHORT_WEIGHT = 2.0
DAYS_WEIGHT = 3.0
#: Share of supplements the applicant takes 6–60 working days to bring (else 1–6).
LONG_WAIT_SHARE = 0.4
HOUR_US = 3_600_000_000


class Deadlines:
    """The site's due moments, memoised where the rule makes them depend on the day only.

    The rule is :func:`~motcua.core.deadlines.due_at`'s (the one reception uses); this only avoids
    calling it per row where its answer is known to depend on less than the start moment:

    * a working-day deadline without pauses under the Civil Code rule (Art. 147) is the end of the
      N-th working day after the day of receipt whatever the hour: once per day and amount;
    * a same-day deadline without pauses is the end of the day of receipt, or of the next
      working day when received after the cut-off: once per day and side of the cut-off;
    * a deadline in working hours without pauses is the start's office position plus the hours
      (what ``due_at`` computes), so it is that position's moment.

    Everything else (pauses, the calendar-day rule) calls ``due_at`` each time; the tests check
    the shortcuts against it. Starts and pauses are office positions; the answer is the due moment
    as a naive UTC datetime and its office position.
    """

    def __init__(self, calendar, day_rule, clock: Clock):
        self.calendar, self.day_rule, self.clock = calendar, day_rule, clock
        self.civil = day_rule == DayRule.CIVIL_CODE
        self.cutoff = calendar._cutoff_us
        self.memo: dict = {}
        self.amounts: dict = {}

    def __call__(self, start: int, amount, unit: str, pauses=()) -> tuple[datetime, int] | None:
        number = self.amounts.get(amount)
        if number is None:
            number = self.amounts[amount] = Decimal(amount)
        if not number and unit != TimeUnit.SAME_DAY:
            return None
        if pauses:
            return self._due(start, number, unit, pauses)
        if unit == TimeUnit.WORKING_HOURS:
            due = start + int(number * HOUR_US)
            return self.clock.utc(due), due
        if unit == TimeUnit.SAME_DAY:
            key = (self.clock.day_count(start), self.clock.time_of_day(start) < self.cutoff, unit)
        elif self.civil and unit == TimeUnit.WORKING_DAYS:
            key = (self.clock.day_count(start), number, unit)
        else:
            return self._due(start, number, unit, ())
        hit = self.memo.get(key)
        if hit is None:
            hit = self.memo[key] = self._due(start, number, unit, ())
        return hit

    def _due(self, start: int, amount: Decimal, unit: str, pauses) -> tuple[datetime, int]:
        aware = self.clock.aware
        due = due_at(
            self.calendar,
            start=aware(start),
            amount=amount,
            unit=unit,
            pauses=[Pause(aware(a), aware(b)) for a, b in pauses],
            day_rule=self.day_rule,
        )
        return due.astimezone(UTC).replace(tzinfo=None), self.calendar.position(due)


@dataclass
class Batch:
    """Rows of one batch, per table, as dicts keyed by attname (events and documents are derived
    from them in the database, see :mod:`motcua.dossiers.loadgen.derived`)."""

    dossiers: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    consultations: list = field(default_factory=list)
    pauses: list = field(default_factory=list)

    def size(self) -> int:
        return sum(len(v) for v in vars(self).values())


@dataclass(frozen=True)
class Span:
    """Receipts over [start, end) in office positions; *now* is end.

    The volume grows over the three years (online services, the merged provinces of 2025): the
    density of receipts rises linearly from 3/4 of the mean at the start to 3/2 of it at the end.
    Dossier *i* lies at ``start + L·F(i/N)`` with ``F(u) = (4u − u²)/3`` (F' falls from 4/3 to
    2/3), in integers so that every process computes the same positions.
    """

    start: int
    end: int
    total: int
    day_us: int

    def base(self, i: int) -> int:
        n = self.total
        return self.start + ((self.end - self.start) * i * (4 * n - i)) // (3 * n * n)

    def first_of_day(self, day: int) -> int:
        """Index of the first dossier whose base position lies in working day number *day*."""
        n, length = self.total, self.end - self.start
        x = min(max((day * self.day_us - self.start) / length, 0.0), 1.0)
        i = max(0, min(n, int(n * (2 - math.sqrt(max(0.0, 4 - 3 * x))))))
        while i > 0 and self.base(i - 1) >= day * self.day_us:
            i -= 1
        while self.base(i) < day * self.day_us:
            i += 1
        return i


class Generator:
    def __init__(self, *, world: World, calendar, day_rule, seed: int, span: Span, now: datetime):
        self.world, self.cal, self.seed, self.span = world, calendar, seed, span
        self.clock = Clock(calendar)
        self.deadlines = Deadlines(calendar, day_rule, self.clock)
        self.now_pos = span.end
        self.now_ordinal = now.date().toordinal()
        self.json_memo: dict = {}
        self.first_of_day: dict[int, int] = {}
        self.unit_codes = {pk: (code, fold(code)) for pk, code in world.unit_codes.items()}
        weights = [self._weight(p) for p in world.procedures]
        self.procedures, self.cum = world.procedures, []
        acc = 0.0
        for w in weights:
            acc += w
            self.cum.append(acc)
        online_capable = sum(w for p, w in zip(world.procedures, weights, strict=True) if p.online)
        self.online_p = min(0.95, ONLINE_SHARE * acc / online_capable) if online_capable else 0

    @staticmethod
    def _weight(plan: ProcedurePlan) -> float:
        # Short procedures (certification, civil status) are frequent, long ones (land,
        # construction) fill the centre's workload.
        if plan.time_unit in (TimeUnit.SAME_DAY, TimeUnit.WORKING_HOURS):
            return SHORT_WEIGHT
        return 1.0 + float(plan.amount) / DAYS_WEIGHT

    def _after(self, pos: int, rng, low_days: float, high_days: float) -> int:
        return pos + int(rng.uniform(low_days, high_days) * self.span.day_us)

    def batch(self, first: int, stop: int) -> Batch:
        """Rows of dossiers first … stop-1; the random stream is seeded per batch."""
        rng = random.Random(self.seed * MAX_DOSSIERS + first)
        batch = Batch()
        for i in range(first, stop):
            self.dossier(i, batch, rng)
        return batch

    def _json_list(self, values) -> str:
        key = tuple(values)
        hit = self.json_memo.get(key)
        if hit is None:
            hit = self.json_memo[key] = json.dumps(list(key))
        return hit

    def _json_dict(self, data: dict) -> str:
        key = tuple(data.items())
        hit = self.json_memo.get(key)
        if hit is None:
            hit = self.json_memo[key] = json.dumps(data) if data else "{}"
        return hit

    def dossier(self, i: int, batch: Batch, rng) -> None:
        span, world = self.span, self.world
        base = span.base(i)
        day = base // span.day_us
        room = (day + 1) * span.day_us - base - 1
        spacing = max(1, span.base(i + 1) - base)
        pos = base + 1 + (rng.randrange(min(spacing, room)) if room > 0 else 0)
        utc = self.clock.utc
        received = utc(pos)
        received_day = self.clock.local_date(pos)
        plan = self.procedures[_pick(self.cum, rng.random() * self.cum[-1])]
        unit_id = plan.unit_ids[rng.randrange(len(plan.unit_ids))]
        online = plan.online and rng.random() < self.online_p
        first = self.first_of_day.get(day)
        if first is None:
            first = self.first_of_day[day] = span.first_of_day(day)
        seq = i - first + 1
        agency, agency_folded = self.unit_codes[unit_id]
        number = f"-{received_day:%y%m%d}-{seq:04d}"
        code = agency + number
        person, folded_name = applicant(rng, organisation=rng.random() < 0.15)
        form_data = self._form_data(plan, rng)
        route = [s for s in plan.steps if condition_matches(s.condition, form_data)] or list(
            plan.steps[:1]
        )
        dossier_id = ID_BASE + i
        child = ID_BASE + i * SLOTS
        receptionist = (
            None
            if online
            else world.officer(rng, unit_id, ("reception_officer", "specialist", "unit_leader"))
        )
        submitted = (
            utc(max(span.start, pos - rng.randrange(1, 2 * span.day_us))) if online else received
        )

        # Pauses: a supplement (or a suspension) in the first step, 1–6 working days long.
        pause = None
        roll = rng.random()
        if roll < SUPPLEMENT_SHARE + SUSPEND_SHARE:
            p_start = self._after(pos, rng, 0.2, 1.5)
            if roll >= SUPPLEMENT_SHARE:
                p_end = self._after(p_start, rng, 10, 90)
            elif rng.random() < LONG_WAIT_SHARE:
                p_end = self._after(p_start, rng, 6, 60)
            else:
                p_end = self._after(p_start, rng, 1, 6)
            kind = "supplement" if roll < SUPPLEMENT_SHARE else "suspend"
            pause = [kind, p_start, p_end]
        due = self.deadlines(pos, plan.amount, plan.time_unit, [pause[1:]] if pause else ())
        due_pos = due[1] if due else pos + span.day_us

        # Open or closed, and when it finished.
        age_days = self.now_ordinal - received_day.toordinal()
        if due_pos > self.now_pos:
            is_open = rng.random() < IN_TIME_OPEN
        else:
            is_open = age_days < RECENT_DAYS and rng.random() < RECENT_OPEN
        if pause and pause[2] > self.now_pos:
            is_open, pause[2] = True, None  # still waiting for the supplement
        late = not is_open and rng.random() < LATE_SHARE
        if late:
            finish = due_pos + int(rng.uniform(0.1, 6) * span.day_us)
        else:
            finish = pos + int((due_pos - pos) * rng.uniform(0.3, 0.97))
        finish = min(finish, self.now_pos - 1)

        status, current_index, finished = self._outcome(rng, is_open, pause, route, online)
        steps_out = []
        if status != Status.SUBMITTED:
            n_steps = len(route) if current_index is None else current_index + 1
            end_pos = (
                finish
                if not is_open
                else min(
                    self.now_pos - 1, pos + (finish - pos) * (current_index + 1) // (len(route) + 1)
                )
            )
            bounds = _split(pos, max(end_pos, pos + n_steps), n_steps, rng)
            c = n_steps - 1
            if is_open and status == Status.IN_PROGRESS and due_pos > self.now_pos and c > 0:
                # A dossier in time is mostly in time in its current step too: a step whose
                # deadline has passed by "now" started later (the desk measures the earlier one).
                spec = route[c]
                step_due = self.deadlines(bounds[c], spec.amount, spec.time_unit)
                if step_due and step_due[1] <= self.now_pos:
                    length = step_due[1] - bounds[c]
                    late_start = self.now_pos - int(length * rng.uniform(0.1, 0.9))
                    bounds[c] = max(bounds[c], min(late_start, self.now_pos - 1))
            for k, spec in enumerate(route[:n_steps]):
                is_current_open = is_open and k == current_index and status != Status.RESULT_READY
                step_unit_id = plan.step_units[unit_id][spec.index]
                step_due = self.deadlines(bounds[k], spec.amount, spec.time_unit)
                step = {
                    "id": child + k,
                    "dossier_id": dossier_id,
                    "index": spec.index,
                    "name": spec.name,
                    "unit_id": step_unit_id,
                    "roles": self._json_list(spec.roles),
                    "actions": self._json_list(spec.actions),
                    "assignee_id": world.officer(rng, step_unit_id, spec.roles),
                    "state": "open" if is_current_open else "done",
                    "started_at": utc(bounds[k]),
                    "due_at": step_due[0] if step_due else None,
                    "finished_at": None if is_current_open else utc(bounds[k + 1]),
                    "duration_amount": spec.amount,
                    "duration_unit": spec.time_unit,
                    "required_answers": spec.required_answers,
                }
                steps_out.append(step)
                for c, consulted in enumerate(plan.consult_units.get(spec.index, ())):
                    answered = None if is_current_open else step["finished_at"]
                    batch.consultations.append(
                        {
                            "id": child + c,
                            "step_id": step["id"],
                            "unit_id": consulted,
                            "officer_id": None,
                            "answered_at": answered,
                            "answered_by_id": None,
                            "answer": "Thống nhất." if answered else "",
                        }
                    )
            batch.steps.extend(steps_out)

        current_step = steps_out[-1] if steps_out else None
        finished_m = utc(finish) if finished else None
        returned_m = (
            utc(min(self.now_pos - 1, finish + rng.randrange(span.day_us)))
            if status == Status.RETURNED
            else None
        )
        last_unit = current_step["unit_id"] if current_step else unit_id
        row = {
            "id": dossier_id,
            "code": code,
            "unit_id": unit_id,
            "current_unit_id": unit_id
            if status in (Status.RESULT_READY, Status.RETURNED)
            else last_unit,
            "procedure_id": plan.procedure_id,
            "procedure_version_id": plan.version_id,
            "status": status,
            "paused_from": Status.IN_PROGRESS
            if status in (Status.SUPPLEMENT_REQUESTED, Status.SUSPENDED)
            else "",
            "channel": 2 if online else 1,
            "applicant_user_id": (
                world.citizens[rng.randrange(len(world.citizens))]
                if online and world.citizens and rng.random() < 0.5
                else None
            ),
            "form_data": self._json_dict(form_data),
            "fee_total": plan.fee,
            "is_paid": plan.fee > 0 and status != Status.SUBMITTED,
            "paid_online": online and plan.fee > 0,
            "submitted_at": submitted,
            "received_at": None if status == Status.SUBMITTED else received,
            "received_by_id": receptionist,
            "due_at": None if status == Status.SUBMITTED or not due else due[0],
            "finished_at": finished_m,
            "returned_at": returned_m,
            "current_step_id": current_step["id"] if current_step else None,
            "supplement_count": 1 if pause and pause[0] == "supplement" else 0,
            "delivery": "online" if online and rng.random() < 0.3 else "counter",
            "updated_at": returned_m or finished_m or received,
            "updated_by_id": receptionist,
            "result_number": f"{rng.randrange(1, 9999)}/QĐ" if finished else "",
            **person,
        }
        # fold(code name id phone tax), from parts folded once (fold works word by word)
        row["search_text"] = " ".join(
            filter(
                None,
                (
                    agency_folded + number,
                    folded_name,
                    person["applicant_id_number"],
                    person["applicant_phone"],
                    person["applicant_tax_code"],
                ),
            )
        )[:500]
        batch.dossiers.append(row)
        if pause:
            batch.pauses.append(
                {
                    "id": ID_BASE + i,
                    "dossier_id": dossier_id,
                    "kind": pause[0],
                    "started_at": utc(pause[1]),
                    "ended_at": utc(pause[2]) if pause[2] else None,
                    "reason": "Thiếu bản sao giấy tờ" if pause[0] == "supplement" else "",
                }
            )

    def _form_data(self, plan: ProcedurePlan, rng) -> dict:
        data = {}
        for spec in plan.steps:
            cond = spec.condition
            if cond and cond.get("field"):
                try:
                    pivot = float(cond.get("value"))
                    data[cond["field"]] = str(round(pivot * rng.choice((0.4, 0.8, 1.3, 2.0))))
                except (TypeError, ValueError):
                    data[cond["field"]] = str(cond.get("value"))
        return data

    def _outcome(self, rng, is_open, pause, route, online):
        """Return (status, index of the current step or None, finished)."""
        if not is_open:
            r = rng.random()
            if r < 0.03:
                return Status.REJECTED, None, True
            if r < 0.045:
                return Status.WITHDRAWN, None, True
            return Status.RETURNED, None, True
        if pause and pause[2] is None:
            kind = Status.SUPPLEMENT_REQUESTED if pause[0] == "supplement" else Status.SUSPENDED
            return kind, 0, False
        r = rng.random()
        if online and r < 0.08:
            return Status.SUBMITTED, None, False
        if r < 0.2:
            return Status.RESULT_READY, len(route) - 1, True
        return Status.IN_PROGRESS, rng.randrange(len(route)), False


def _pick(cum: list[float], x: float) -> int:
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _split(start: int, end: int, parts: int, rng) -> list[int]:
    """Return parts + 1 increasing positions from *start* to *end* (step boundaries)."""
    cuts = (
        sorted(rng.randrange(start + 1, end) for _ in range(parts - 1))
        if end - start > parts
        else []
    )
    return (
        [start, *cuts, end][: parts + 1]
        if cuts or parts == 1
        else [start + k for k in range(parts + 1)]
    )
