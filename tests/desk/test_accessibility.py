"""Every desk page: inputs labelled, errors tied to their fields, headings in order, real buttons."""

from html.parser import HTMLParser

import pytest

from tests.desk.test_counter import _form

pytestmark = pytest.mark.django_db

VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "wbr", "area", "base"}


class _Page(HTMLParser):
    """Collect, inside ``#desk-main``, form controls, labels, headings and clickable elements."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # > 0 while inside #desk-main
        self.controls, self.labels, self.headings, self.ids = [], set(), [], set()
        self.clickables, self.found = [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.depth == 0:
            if a.get("id") == "desk-main":
                self.depth, self.found = 1, True
            return
        if tag not in VOID:
            self.depth += 1
        if "id" in a:
            self.ids.add(a["id"])
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a)
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if a.get("onclick") or a.get("role") == "button":
            self.clickables.append(tag)

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1


def _check(response):
    page = _Page()
    page.feed(response.content.decode())
    assert page.found, "no #desk-main"
    for control in page.controls:
        assert control.get("id") in page.labels or control.get("aria-label"), control
        for ref in (control.get("aria-describedby") or "").split():
            assert ref in page.ids, (control.get("id"), ref)
    # the page title is the h1 in unfold's header; the desk's headings start at h2, no jumps
    levels = [1, *page.headings]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), page.headings
    assert page.clickables == []  # actions are <button>s and links, never clickable divs
    return page


def test_lists_are_accessible(world, received, login):
    client = login(world.users.leader)
    for url in ("/desk/", "/desk/intake/", "/desk/search/?q=binh"):
        _check(client.get(url))


def test_the_counter_is_accessible_with_and_without_errors(world, login):
    client = login(world.users.reception)
    _check(client.get("/desk/receive/"))
    _check(client.get("/desk/receive/", {"unit": world.units.d.pk, "q": "1.009994"}))
    page = _check(client.post("/desk/receive/", _form(world, applicant_name="", doc_1=None)))
    assert any(c.get("aria-invalid") == "true" for c in page.controls)


def test_the_dossier_and_action_pages_are_accessible(world, received, login):
    client = login(world.users.spec1)
    _check(client.get(f"/desk/dossiers/{received.pk}/"))
    _check(client.get(f"/desk/dossiers/{received.pk}/act/consult/"))
    _check(
        client.post(
            f"/desk/dossiers/{received.pk}/act/apologize/",
            {"version": received.version, "new_due_at": "hôm qua"},
        )
    )
