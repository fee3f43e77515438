"""Reads of dossiers. Every read for a person goes through :func:`dossiers_visible` (docs/architecture.md, Scope).

Scope (docs/architecture.md, Scope): a staff member sees dossiers whose receiving or current unit is in their unit
scope (their unit, or the subtree for leaders and supervisors), plus those that passed through a
step at a unit in their scope or were consulted with one; a citizen sees only their own (a citizen
role membership gives no unit scope); superusers see all; anyone else, none. Only active
memberships count: an officer who left a unit no longer sees the dossiers they handled there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from motcua.core.roles import STAFF_ROLES, Role
from motcua.core.text import fold
from motcua.dossiers import search_index
from motcua.dossiers.due_fields import DueState
from motcua.dossiers.models import Consultation, Dossier, DossierStep, DossierVisit
from motcua.dossiers.states import Status
from motcua.units.history import Structure, units_of
from motcua.units.models import Unit
from motcua.units.selectors import holds_role, units_in_scope


def dossiers_visible(*, user) -> QuerySet[Dossier]:
    """Return the dossiers *user* may see; the base of every list, page, search and export.

    Built for a million dossiers: the visible set is a disjunction of index-driven tests, each
    answered by one index without a join (receiving unit, current unit, the applicant's account,
    and the units the dossier visited besides its receiving one through ``(unit, dossier)`` on
    ``DossierVisit``), over the scope's unit ids read once. A step or consultation at the receiving
    unit is already in scope by that unit, so the visits hold only the other units' steps and
    consultations (``motcua.dossiers.visits``): a short set, where the steps of a large unit were
    hundreds of thousands of ids to materialise before a list could be walked in order. No join
    multiplies rows, so no DISTINCT is needed and the caller's filters and ordering (status, due,
    received) drive the plan. A scope holding every unit (a provincial supervisor) sees every
    dossier without a test.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Dossier.objects.none()
    if user.is_superuser:
        return Dossier.objects.all()
    scope = scope_unit_ids(user=user)
    if scope and len(scope) == Unit.objects.count():
        return Dossier.objects.all()
    condition = Q(applicant_user=user)
    if scope:
        # A step's assignee always holds a role in the step's unit, so the step-unit set covers
        # "assigned to them" (a fixed-unit step elsewhere) while their membership lasts.
        condition |= Q(unit__in=scope) | Q(current_unit__in=scope) | _visited(scope)
    return Dossier.objects.filter(condition)


def dossiers_visible_parts(*, user) -> list[Q]:
    """Conditions each selecting a part of ``dossiers_visible(user=user)`` through one index.

    The receiving units and the current units of the scope (``(unit, received_at)`` and
    ``(current_unit, received_at)``); empty when the visible set has no condition (every dossier)
    or no unit scope. A count that reaches a cap on one part needs not evaluate the whole set.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
        return []
    scope = scope_unit_ids(user=user)
    if not scope or len(scope) == Unit.objects.count():
        return []
    return [Q(unit__in=scope), Q(current_unit__in=scope)]


#: A scope reaching fewer dossiers than this by its receiving and current units, and fewer
#: visited ones than :data:`VISITS_INLINE`, is "small": see :func:`_visited`.
SMALL_SCOPE = 5000
VISITS_INLINE = 1000


def _visited(scope: list[int]) -> Q:
    """The visited dossiers of *scope*: a subquery, or their ids written out for a small scope.

    A list in some order (received, newest id) of a large scope walks that order's index and
    stops at the page's end, the short visit set being materialised once. For a small scope (a
    department that receives nothing, a new ward) the same walk reads the whole table to find a
    page; with the ids written out every test of the disjunction is an index range, and MariaDB
    merges them (``index_merge`` sort_union) and sorts the few rows. Two capped index counts and
    one capped read of the visits decide (a few thousand index entries at most).
    """
    visits = DossierVisit.objects.filter(unit__in=scope).values_list("dossier_id", flat=True)
    ids = set(visits[: VISITS_INLINE + 1])
    small = len(ids) <= VISITS_INLINE and all(
        rows.order_by().values("pk")[:SMALL_SCOPE].count() < SMALL_SCOPE
        for rows in (
            Dossier.objects.filter(unit__in=scope),
            Dossier.objects.filter(current_unit__in=scope),
        )
    )
    if not small:
        return Q(pk__in=DossierVisit.objects.filter(unit__in=scope).values("dossier_id"))
    return Q(pk__in=sorted(ids)) if ids else Q()


def scope_unit_ids(*, user) -> list[int]:
    """Return the ids of the units in *user*'s staff scope (a short list, read once).

    A unit's scope includes the units that ended into it (a merger or split): the new ward reads
    the closed communes' dossiers, as its statistics do (``motcua.units.history``).
    """
    ids = set(units_in_scope(user=user, roles=STAFF_ROLES).values_list("pk", flat=True))
    return sorted(units_of(ids, structure=Structure.CURRENT)) if ids else []


def page_of(rows: QuerySet, *, offset: int, limit: int, related=()) -> list:
    """Return one page of *rows*: the page's ids first (index only), then those rows joined.

    Ordering and filters run on the narrow id query; the joins (procedure, units, step) run for
    the page's rows only.
    """
    ids = list(rows.values_list("pk", flat=True)[offset : offset + limit])
    by_id = rows.model.objects.select_related(*related).in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def dossier_get(*, user, pk: int) -> Dossier:
    """Return one dossier visible to *user*, or raise ``Dossier.DoesNotExist``."""
    return (
        dossiers_visible(user=user)
        .select_related(
            "unit",
            "current_unit",
            "procedure",
            "procedure_version",
            "current_step",
            "current_step__assignee",
            "current_step__unit",
        )
        .get(pk=pk)
    )


#: A full dossier code as reception writes it (agency code, day, sequence), folded.
CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[a-z]\d{2}-\d{6}-\d{4,}$")


def dossier_search(*, user, query: str) -> QuerySet[Dossier]:
    """Search by code, applicant name, ID number, tax code or phone, within the user's scope.

    An exact code is looked up through the unique index. Otherwise every word must occur in the
    folded search column, through its full-text index: each ``[0-9a-z]`` run of the query is a
    word of the row, the last one (and any holding a digit, so a partial phone or ID number
    matches) only its beginning (:func:`search_words`); a typed term holding other characters
    ("0912-345") is also checked as a substring. MariaDB: the FULLTEXT index, words shorter than
    the server's indexed token size being checked with ``LIKE``, and the commonest name syllables
    with a regular expression, on the rows the index found; ``LIKE`` alone inside a transaction
    whose own writes InnoDB's index does not see yet. SQLite (the embedded default): the FTS5 table of
    :mod:`motcua.dossiers.search_index`, which holds every word and sees uncommitted rows.
    """
    return dossier_search_filter(dossiers_visible(user=user), query)


def dossier_search_filter(visible: QuerySet[Dossier], query: str) -> QuerySet[Dossier]:
    """Narrow *visible* (already scoped) to the dossiers matching *query*; see dossier_search."""
    folded = fold(query)
    if not folded:
        return visible.none()
    if CODE_RE.match(folded):
        return visible.filter(code=query.strip().upper())
    terms = folded.split()
    index = _word_index()
    if index is not None:
        sql, expression, min_length = index
        words = [w for w in search_words(folded) if len(w[0]) >= min_length]
        if expression is _mariadb_against:
            indexed, checked = _common_apart(words)
        else:
            indexed, checked = words, []
        if indexed:
            visible = visible.filter(pk__in=RawSQL(sql, [expression(indexed)]))
            for word, prefix in checked:
                visible = visible.filter(search_text__regex=_word_regex(word, prefix))
            terms = [t for t in terms if t not in {w for w, _ in words}]
    for term in terms:
        visible = visible.filter(search_text__contains=term)
    return visible


def search_words(folded: str) -> list[tuple[str, bool]]:
    """The ``[0-9a-z]`` runs of a folded query, each with whether it is matched as a *prefix*.

    As in a search box, the words before the last are complete: "nguyen quoc qua" finds the
    words ``nguyen`` and ``quoc`` and a word beginning with ``qua``. A run holding a digit stays
    a prefix wherever it is (part of an ID, phone or tax number). Whole words keep a full-text
    index from reading every word that merely begins like a common syllable.
    """
    runs = re.findall(r"[0-9a-z]+", folded)
    return [
        (run, i == len(runs) - 1 or any(ch.isdigit() for ch in run)) for i, run in enumerate(runs)
    ]


#: Syllables held by a large share of Vietnamese names: the commonest family names (Nguyễn
#: alone is about 38 %) and the two commonest middle names. Read from MariaDB's FULLTEXT index,
#: each costs a posting list of a third of the dossiers; they are checked on the rows the other
#: words found instead.
COMMON_NAME_WORDS = frozenset({"nguyen", "tran", "pham", "hoang", "huynh", "phan", "van", "thi"})


def _common_apart(words: list[tuple[str, bool]]):
    """(words for the index, common words checked on its rows); all indexed if all are common."""
    rare = [w for w in words if w[0] not in COMMON_NAME_WORDS]
    if not rare:
        return words, []
    return rare, [w for w in words if w[0] in COMMON_NAME_WORDS]


def _word_regex(word: str, prefix: bool) -> str:
    """A regular expression matching *word* as a word of the folded column (or its beginning)."""
    return rf"(^|[^0-9a-z]){word}" + ("" if prefix else "([^0-9a-z]|$)")


def _mariadb_against(words: list[tuple[str, bool]]) -> str:
    return " ".join(f"+{word}*" if prefix else f"+{word}" for word, prefix in words)


def _word_index():
    """(SQL of the matching ids, query builder, shortest indexed word) or None (use ``LIKE``)."""
    if connection.vendor == "sqlite":
        return search_index.MATCH_SQL, search_index.match_expression, 1
    # InnoDB applies FULLTEXT changes at commit: inside a transaction that may have written
    # dossiers the index can miss them, so the words are then matched with LIKE.
    if connection.vendor == "mysql" and not connection.in_atomic_block:
        sql = (
            "SELECT id FROM dossiers_dossier WHERE MATCH(search_text) AGAINST (%s IN BOOLEAN MODE)"
        )
        return sql, _mariadb_against, _fulltext_min_token()
    return None


_FT_MIN: dict[str, int] = {}


def _fulltext_min_token() -> int:
    """The shortest word MariaDB's FULLTEXT index holds (``innodb_ft_min_token_size``)."""
    if "min" not in _FT_MIN:
        with connection.cursor() as cursor:
            cursor.execute("SELECT @@innodb_ft_min_token_size")
            _FT_MIN["min"] = int(cursor.fetchone()[0])
    return _FT_MIN["min"]


GROUPS = ("overdue", "due_today", "due_soon", "in_time", "paused")
#: Rows of each group shown on the worklist; the rest are on the group's own pages.
WORKLIST_ROWS = 20
#: Rows per page of one group's own list.
GROUP_PAGE_ROWS = 50
#: The due states of the dossiers on a worklist: open and past intake (blank otherwise).
TRACKED = (DueState.IN_TIME, DueState.DUE_SOON, DueState.OVERDUE, DueState.PAUSED)


class GroupRows(list):
    """The first rows of a worklist group, with ``total``: how many the group has in all."""

    total = 0


@dataclass
class WorklistGroups:
    overdue: list = field(default_factory=list)
    due_today: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    in_time: list = field(default_factory=list)
    paused: list = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            name: getattr(rows, "total", len(rows))
            for name in GROUPS
            if (rows := getattr(self, name)) is not None
        }


def _day(now: datetime) -> tuple[datetime, datetime]:
    local = timezone.localtime(now)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return day_start, day_start + timedelta(days=1)


def urgency_expression(now: datetime):
    """SQL for a dossier's worklist group, read from its persisted due columns at *now*.

    The columns hold the moments the state changes (``watch_due_at``: the earlier of the dossier's
    and the open step's deadline; ``due_soon_at``), so the group is exact between two sweeps.
    :func:`group_condition` is the same rule as one filter per group.
    """
    day_start, day_end = _day(now)
    return Case(
        When(due_state=DueState.PAUSED, then=Value("paused")),
        When(watch_due_at__lt=now, then=Value("overdue")),
        When(watch_due_at__gte=day_start, watch_due_at__lt=day_end, then=Value("due_today")),
        When(due_soon_at__lte=now, then=Value("due_soon")),
        default=Value("in_time"),
        output_field=CharField(),
    )


def group_condition(name: str, now: datetime) -> Q:
    """The rows of worklist group *name* at *now*, as ranges on the persisted due columns.

    The same rule as :func:`urgency_expression`, branch by branch (``now`` lies in its own day,
    so "not overdue and due today" is ``now <= watch_due_at < end of day``); written as ranges on
    ``watch_due_at`` so that a group's page walks ``(watch_due_at, id)`` in order and stops at the
    page's end instead of sorting every open dossier of the scope.
    """
    if name == "paused":
        return Q(due_state=DueState.PAUSED)
    running = Q(due_state__in=[s for s in TRACKED if s != DueState.PAUSED])
    _start, day_end = _day(now)
    if name == "overdue":
        return running & Q(watch_due_at__lt=now)
    if name == "due_today":
        return running & Q(watch_due_at__gte=now, watch_due_at__lt=day_end)
    later = running & (Q(watch_due_at__isnull=True) | Q(watch_due_at__gte=day_end))
    if name == "due_soon":
        return later & Q(due_soon_at__lte=now)
    if name == "in_time":
        return later & (Q(due_soon_at__isnull=True) | Q(due_soon_at__gt=now))
    raise ValueError(name)


def _actionable(*, user, rows: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Keep the dossiers waiting for *user*: leaders and supervisors keep their whole scope.

    An officer's own work is: steps assigned to them or to someone who delegated to them today,
    open unassigned steps at a unit where they work, open consultations with their unit, and for
    reception officers the results waiting to be returned at their counter.
    """
    if not getattr(user, "is_authenticated", False):
        return rows.none()
    if user.is_superuser or holds_role(user=user, roles=[Role.UNIT_LEADER, Role.SUPERVISOR]):
        return rows
    from motcua.dossiers.permissions import delegators_of

    my_units = scope_unit_ids(user=user)
    counters = list(
        units_in_scope(user=user, roles=[Role.RECEPTION_OFFICER]).values_list("pk", flat=True)
    )
    # Each branch is one index-driven id set on the current step (no join, no DISTINCT).
    assignees = [user.pk, *delegators_of(user)]
    mine = Q(current_step__in=DossierStep.objects.filter(assignee__in=assignees).values("pk"))
    if my_units:
        mine |= Q(
            current_step__in=DossierStep.objects.filter(
                unit__in=my_units, assignee__isnull=True
            ).values("pk")
        ) | Q(
            current_step__in=Consultation.objects.filter(
                unit__in=my_units, answered_at=None
            ).values("step_id")
        )
    if counters:
        mine |= Q(status=Status.RESULT_READY, current_unit__in=counters)
    return rows.filter(mine)


def worklist_rows(*, user, unit=None, officer=None) -> QuerySet[Dossier]:
    """The open dossiers past intake that *user* must act on (every group), unordered.

    Open and past intake is read from the persisted due state, which the lifecycle writes on
    every transition: blank for closed dossiers and online submissions waiting for intake
    (:mod:`motcua.dossiers.due_state`), one of :data:`TRACKED` otherwise.
    """
    rows = dossiers_visible(user=user).filter(due_state__in=TRACKED)
    rows = _actionable(user=user, rows=rows)
    if unit is not None:
        rows = rows.filter(current_unit=unit)
    if officer is not None:
        rows = rows.filter(current_step__assignee=officer)
    return rows


_WORKLIST_RELATED = ("procedure", "current_unit", "current_step", "current_step__assignee")


def worklist_counts(rows: QuerySet[Dossier], now: datetime) -> dict[str, int]:
    """Exact size of each group of *rows* at *now*: one grouped count over the due columns."""
    totals = dict(
        rows.annotate(urgency=urgency_expression(now))
        .order_by()
        .values_list("urgency")
        .annotate(n=Count("pk"))
        .values_list("urgency", "n")
    )
    return {name: totals.get(name, 0) for name in GROUPS}


def worklist_group_page(
    rows: QuerySet[Dossier], name: str, now: datetime, *, offset: int = 0, limit: int
) -> list[Dossier]:
    """One page of group *name*: most urgent first (``watch_due_at``, then id), ids first."""
    ordered = _group_ordered(rows, name, now)
    return page_of(ordered, offset=offset, limit=limit, related=_WORKLIST_RELATED)


def _group_ordered(rows: QuerySet[Dossier], name: str, now: datetime) -> QuerySet[Dossier]:
    """The rows of group *name*, most urgent first (``watch_due_at``, then id)."""
    return rows.filter(group_condition(name, now)).order_by("watch_due_at", "pk")


def worklist(
    *, user, unit=None, officer=None, now: datetime | None = None, limit: int | None = None
) -> WorklistGroups:
    """Group the open dossiers *user* must act on by urgency of the earlier of step and dossier due.

    Officers get their own work (see :func:`_actionable`); leaders and supervisors (subtree scope)
    get their units' dossiers, optionally filtered by unit or officer. Online submissions waiting
    for intake are on the intake queue, not here. After an apology (form 04) the new date counts
    for the officer; the KPIs keep the original due_at. Each group holds its first *limit* rows
    (:data:`WORKLIST_ROWS` by default) and its exact total; :func:`worklist_group_page` gives the
    rest, page by page.
    """
    now = now or timezone.now()
    limit = limit or WORKLIST_ROWS
    rows = worklist_rows(user=user, unit=unit, officer=officer)
    totals = worklist_counts(rows, now)
    # Each group's ids on its own range; the rows of every group joined in one query.
    ids = {
        name: list(_group_ordered(rows, name, now).values_list("pk", flat=True)[:limit])
        if totals[name]
        else []
        for name in GROUPS
    }
    by_id = Dossier.objects.select_related(*_WORKLIST_RELATED).in_bulk(
        [pk for group_ids in ids.values() for pk in group_ids]
    )
    groups = WorklistGroups()
    for name in GROUPS:
        group = GroupRows([by_id[pk] for pk in ids[name] if pk in by_id])
        group.total = totals[name]
        setattr(groups, name, group)
    return groups
