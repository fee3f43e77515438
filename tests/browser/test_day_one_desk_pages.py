"""Desk pages the day-one fixes changed, seen by the site administrator at phone and desktop
width: the role permission page (a role's matrix), the security log naming roles and people, the
deadline audit with dossier codes in local time, a procedure with a draft waiting for its moment.

Each page is ready when its own content is there (a named table, a cell), never when the network
is idle: the matrix is long and the test machine is shared, so the waits are long but each one
still fails when the element never comes. With ``MOTCUA_SCREENSHOTS=1`` the pages are written to
``docs/screenshots/portal-desk-<page>-<phone|desktop>.png``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import expect

from motcua.core.roles import Role
from motcua.core.services import calendar_year_import
from motcua.procedures.services import procedure_publish
from motcua.security.roles import role_permissions_update
from tests.browser.conftest import BROWSER, DESKTOP, PHONE, sign_in
from tests.browser.test_screenshots import OVERFLOW, UNNAMED, _save
from tests.desk.conftest import receive
from tests.dossiers.conftest import at
from tests.dossiers.test_recompute import DAY_OFF
from tests.units.factories import make_membership, make_user

pytestmark = BROWSER

#: A page of the desk on a loaded machine: the role matrix renders a row per object.
LOAD_MS = 120_000
READY_MS = 60_000


@dataclass(frozen=True)
class DeskPage:
    path: str
    #: (ARIA role, accessible name) of the element that shows the page is there
    ready: tuple[str, str]
    #: text that must be inside it
    shows: tuple[str, ...] = ()


def _role_matrix(world, applicant, documents) -> dict:
    clerk = Group.objects.get(name="clerk")
    return {"role": clerk.pk}


def _security_log(world, applicant, documents) -> dict:
    clerk = Group.objects.get(name="clerk")
    held = set(clerk.permissions.values_list("pk", flat=True))
    add_unit = Permission.objects.get(codename="add_unit")
    role_permissions_update(group=clerk, chosen_ids=held | {add_unit.pk}, actor=world.users.admin)
    return {}


def _deadline_audit(world, applicant, documents) -> dict:
    received = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    with time_machine.travel(at(2025, 3, 7, 10, 0), tick=False):
        calendar_year_import(DAY_OFF, actor=world.users.admin)
    return {"code": received.code}


def _procedure_draft(world, applicant, documents) -> dict:
    procedure = world.procedure
    procedure.name = "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ (sửa đổi)"
    procedure.save()
    procedure_publish(
        procedure=procedure,
        user=world.users.admin,
        effective_at=timezone.now() + timedelta(days=7),
        note="Áp dụng quy định mới",
    )
    return {"procedure": procedure.pk}


PAGES = {
    "role-permissions": (
        _role_matrix,
        DeskPage(
            "/admin/security/securityevent/role-permissions/?role={role}",
            ("table", "Quyền của vai trò Văn thư"),
            ("Xem", "Xuất tệp", "In"),
        ),
    ),
    "security-log": (
        _security_log,
        DeskPage(
            "/admin/security/securityevent/",
            ("table", ""),
            ("Vai trò: Văn thư", "Thêm quyền: Thêm đơn vị", "quantri"),
        ),
    ),
    "deadline-changes": (
        _deadline_audit,
        DeskPage(
            "/admin/core/deadlinechange/",
            ("table", ""),
            ("{code}", "24/03/2025 17:00", "25/03/2025 17:00"),
        ),
    ),
    "procedure-draft": (
        _procedure_draft,
        DeskPage(
            "/admin/procedures/procedure/{procedure}/change/",
            ("heading", "Cấp giấy phép xây dựng"),
            (),
        ),
    ),
}


def site_administrator(world):
    user = make_user("quantri.tinh", first_name="Quản", last_name="Nguyễn Văn")
    make_membership(user, world.units.p, Role.ADMINISTRATOR)
    return user


def _ready(page, desk_page: DeskPage, values: dict):
    kind, name = desk_page.ready
    main = page.locator("#desk-main") if page.locator("#desk-main").count() else page
    target = main.get_by_role(kind, name=name).first if name else main.get_by_role(kind).first
    expect(target).to_be_visible(timeout=READY_MS)
    for text in desk_page.shows:
        expect(target).to_contain_text(text.format(**values), timeout=READY_MS)
    return target


@pytest.mark.parametrize("name", list(PAGES))
def test_desk_pages_of_the_day_one_fixes(
    name, portal_world, applicant, documents, page, live_server
):
    prepare, desk_page = PAGES[name]
    values = prepare(portal_world, applicant, documents)
    # the site administrator (a role, not a superuser): the deadline audit is among its rights
    sign_in(page, live_server, site_administrator(portal_world))
    page.set_viewport_size(PHONE)
    url = live_server.url + desk_page.path.format(**values)
    response = page.goto(url, timeout=LOAD_MS, wait_until="domcontentloaded")
    assert response.status == 200, (url, response.status)
    _ready(page, desk_page, values)
    if name == "procedure-draft":  # the pending draft and its moment, said on the page
        draft = page.get_by_text(re.compile(r"bản nháp v\d+ áp dụng từ")).first
        expect(draft).to_be_visible(timeout=READY_MS)
    unnamed = page.evaluate(UNNAMED, "#desk-main") if page.locator("#desk-main").count() else []
    width = page.evaluate(OVERFLOW)
    _save(page, f"desk-{name}", "phone")
    page.set_viewport_size(DESKTOP)
    if name == "procedure-draft":  # the desk scrolls inside its frame: show the draft's line
        draft.scroll_into_view_if_needed()
    _save(page, f"desk-{name}", "desktop")
    assert unnamed == [], f"inputs without an accessible name on {name}"
    assert width["scroll"] <= width["inner"] + 1, f"{name} scrolls sideways on a phone: {width}"
