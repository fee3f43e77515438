"""The ledger (form 07) as a desk page, and its PDF made by a queued job (inline in tests).

The page and the PDF list the same dossiers in the same order, through the same scoped selector;
the PDF is the task's file, given only to the officer who asked for it.
"""

from __future__ import annotations

import re

import pytest

from motcua.jobs.models import TaskRun
from motcua.printing import views
from tests.printing.conftest import pdf_text

MARCH = {"from": "01/03/2025", "to": "31/03/2025"}


def page_codes(html: str) -> list[str]:
    """The dossier codes of the ledger table, in order (each row's header cell)."""
    return re.findall(r'<th scope="row" class="code"[^>]*>([^<]+)</th>', html)


def page_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="n" data-label="STT">(\d+)</td>', html)]


def make_pdf(client, django_capture_on_commit_callbacks, query) -> tuple[TaskRun, bytes]:
    """Ask for the PDF as the page's button does; follow to the task; download its file."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/print/ledger/pdf/", query)
    assert response.status_code == 302
    task = TaskRun.objects.get()
    assert response["Location"] == f"/desk/jobs/tasks/{task.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert f'href="/desk/jobs/tasks/{task.pk}/file/"' in page
    download = client.get(f"/desk/jobs/tasks/{task.pk}/file/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    return task, b"".join(download.streaming_content)


def test_the_page_shows_the_rows_of_the_unit_in_the_officers_scope(demo, world, client):
    client.force_login(world.users.reception)
    response = client.get("/print/ledger/", {"unit": "000.00.31.H27", **MARCH})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    # Hồng Bàng's three dossiers in the order received; Lê Chân's is not in this book.
    assert page_codes(html) == [demo.full.code, demo.refused.code, demo.stopped.code]
    assert page_numbers(html) == [1, 2, 3]
    assert "3 hồ sơ" in html and '<th scope="col">' in html and "<caption>" in html
    assert 'action="/print/ledger/pdf/"' in html  # the PDF is asked for, not waited for


def test_the_returns_book_lists_by_the_day_the_result_was_handed_back(demo, world, client):
    client.force_login(world.users.reception)
    html = client.get(
        "/print/ledger/", {"unit": world.units.d.pk, **MARCH, "book": "returned"}
    ).content.decode()
    assert page_codes(html) == [demo.full.code]  # returned 28/3; the others never were
    html = client.get(
        "/print/ledger/",
        {"unit": world.units.d.pk, "from": "01/03/2025", "to": "27/03/2025", "book": "returned"},
    ).content.decode()
    assert page_codes(html) == []
    assert "Không có hồ sơ nào được trả kết quả" in html


def test_later_pages_go_on_with_the_books_numbering(demo, world, client, monkeypatch):
    monkeypatch.setattr(views, "LEDGER_PAGE_SIZE", 2)
    client.force_login(world.users.reception)
    query = {"unit": world.units.d.pk, **MARCH}
    first = client.get("/print/ledger/", query).content.decode()
    assert page_codes(first) == [demo.full.code, demo.refused.code]
    assert "page=2" in first  # the next page keeps the unit and the days
    second = client.get("/print/ledger/", {**query, "page": 2}).content.decode()
    assert page_codes(second) == [demo.stopped.code] and page_numbers(second) == [3]


def test_scope_is_unchanged_outside_units_are_404(demo, world, client):
    client.force_login(world.users.reception)  # Hồng Bàng
    assert client.get("/print/ledger/", {"unit": "000.00.32.H27", **MARCH}).status_code == 404
    assert client.post("/print/ledger/pdf/", {"unit": "000.00.32.H27", **MARCH}).status_code == 404
    assert not TaskRun.objects.exists()


def test_the_job_makes_the_pdf_with_the_same_rows_as_the_page(
    demo, world, client, frozen_print, django_capture_on_commit_callbacks
):
    client.force_login(world.users.reception)
    query = {"unit": world.units.d.pk, **MARCH}
    html = client.get("/print/ledger/", query).content.decode()
    task, pdf = make_pdf(client, django_capture_on_commit_callbacks, query)
    task.refresh_from_db()
    assert task.status == TaskRun.Status.DONE and (task.done, task.failed) == (1, 0)
    assert task.actor == world.users.reception
    assert task.result_file.name.endswith("mau-07-000.00.31.H27-20250301-20250331.pdf")
    text = pdf_text(pdf)
    codes = page_codes(html)
    assert len(codes) == 3 and demo.other.code not in text
    positions = [text.index(code) for code in codes]
    assert positions == sorted(positions)  # same rows, same order


def test_the_returns_book_pdf_and_its_file_belongs_to_the_asker(
    demo, world, client, frozen_print, django_capture_on_commit_callbacks
):
    client.force_login(world.users.reception)
    query = {"unit": world.units.d.pk, **MARCH, "book": "returned"}
    task, pdf = make_pdf(client, django_capture_on_commit_callbacks, query)
    text = pdf_text(pdf)
    assert "Hồ sơ đã trả kết quả từ ngày" in text
    assert demo.full.code in text and demo.refused.code not in text
    client.force_login(world.users.spec1)  # same unit, not the asker
    assert client.get(f"/desk/jobs/tasks/{task.pk}/file/").status_code == 403


@pytest.mark.parametrize("book", ["", "received"])
def test_the_receipts_book_is_the_default(demo, world, client, book):
    client.force_login(world.users.reception)
    html = client.get(
        "/print/ledger/", {"unit": world.units.d.pk, **MARCH, "book": book}
    ).content.decode()
    assert len(page_codes(html)) == 3
