"""The dossier pages of the desk: scoped lists, read-only history, training flag, bulk close."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.admin.models import LogEntry

from motcua.core.roles import Role
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import Action, Status
from motcua.jobs.models import TaskRun
from tests.builders import at
from tests.units.factories import make_membership, make_user

LIST = "/admin/dossiers/dossier/"
CLOSE = "/admin/dossiers/dossier/close-training/"


def _change_url(dossier):
    return f"/admin/dossiers/dossier/{dossier.pk}/change/"


def _login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "vi"
    return client


def _receive(world, applicant, documents, unit, user, moment, **kw):
    with time_machine.travel(moment, tick=False):
        return services.dossier_receive(
            user=user,
            procedure=world.procedure,
            unit=unit,
            applicant=applicant,
            documents=documents,
            **kw,
        )


@pytest.fixture
def two_dossiers(world, applicant, documents):
    """One dossier received in Hồng Bàng, one in Lê Chân, on Mon 3 March 2025."""
    lechan_counter = make_user("motcua.lechan")
    make_membership(lechan_counter, world.units.d2, Role.RECEPTION_OFFICER)
    hongbang = _receive(
        world, applicant, documents, world.units.d, world.users.reception, at(2025, 3, 3, 9, 0)
    )
    lechan = _receive(
        world,
        {**applicant, "applicant_name": "Trần Văn Cường"},
        documents,
        world.units.d2,
        lechan_counter,
        at(2025, 3, 3, 9, 30),
    )
    return hongbang, lechan


@pytest.fixture
def superuser_client(client, django_user_model, world):
    """A superuser (the world fixture already has a "quantri" administrator)."""
    user = django_user_model.objects.create_superuser("sieuquantri", "sieu@example.vn", "x")
    return _login(client, user)


def _rows(response):
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


# -- scope ------------------------------------------------------------------------------------


def test_an_officer_lists_only_the_dossiers_of_their_scope(client, world, two_dossiers):
    hongbang, lechan = two_dossiers
    assert _rows(_login(client, world.users.spec1).get(LIST)) == {hongbang}
    assert _rows(_login(client, world.users.other_spec).get(LIST)) == {lechan}
    # a city leader (subtree) sees both; an officer of a department with nothing to do, none
    assert _rows(_login(client, world.users.city_leader).get(LIST)) == {hongbang, lechan}
    assert _rows(_login(client, world.users.stn_spec).get(LIST)) == set()


def test_the_list_count_stops_at_the_cap_on_the_receiving_units_index(
    client, world, applicant, documents, two_dossiers, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.core.paginators import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 2)
    hongbang, lechan = two_dossiers
    third = _receive(
        world, applicant, documents, world.units.d, world.users.reception, at(2025, 3, 4, 9, 0)
    )
    _login(client, world.users.spec1)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    cl = response.context["cl"]
    assert set(cl.result_list) == {hongbang, third}
    assert cl.result_count == 2 and cl.paginator.capped
    assert "<span data-capped-count>2+</span>" in response.content.decode()
    sqls = [q["sql"].replace("`", '"') for q in queries]  # MariaDB quotes with backticks
    capped = [sql for sql in sqls if "COUNT(" in sql and "LIMIT 2)" in sql]
    # one capped count, on the receiving unit's index alone: the scope's union is not counted
    assert len(capped) == 1 and "dossiers_dossiervisit" not in capped[0]
    assert f'WHERE "dossiers_dossier"."unit_id" IN ({world.units.d.pk}) LIMIT 2' in capped[0]
    # the list's filters and search apply to the part counted
    searched = _login(client, world.users.spec1).get(LIST, {"q": hongbang.code})
    assert searched.context["cl"].result_count == 1
    assert set(searched.context["cl"].result_list) == {hongbang}
    refused = _login(client, world.users.spec1).get(LIST, {"status__exact": Status.REJECTED})
    assert refused.context["cl"].result_count == 0
    # below the cap every part is counted, then the scope itself: exact, still within scope
    filtered = _login(client, world.users.spec1).get(LIST, {"status__exact": Status.IN_PROGRESS})
    assert filtered.context["cl"].result_count == 2
    other = _login(client, world.users.other_spec).get(LIST)
    assert other.context["cl"].result_count == 1 and not other.context["cl"].paginator.capped
    assert set(other.context["cl"].result_list) == {lechan}


def test_a_superuser_lists_every_dossier(superuser_client, two_dossiers):
    assert _rows(superuser_client.get(LIST)) == set(two_dossiers)


def test_people_outside_the_desk_get_nothing(client, world, two_dossiers):
    # a citizen is not staff: sent to the login page
    response = _login(client, world.users.citizen).get(LIST)
    assert response.status_code == 302 and "/login/" in response["Location"]
    # staff without any membership: refused
    response = _login(client, make_user("nobody")).get(LIST)
    assert response.status_code == 403


def test_an_officer_cannot_open_a_dossier_outside_their_scope(client, world, two_dossiers):
    hongbang, lechan = two_dossiers
    _login(client, world.users.spec1)
    assert client.get(_change_url(hongbang)).status_code == 200
    response = client.get(_change_url(lechan))
    assert response.status_code == 302  # "does not exist" and back to the desk
    assert lechan.code not in client.get(response["Location"]).content.decode()


def test_search_and_filters_stay_within_the_scope(client, world, two_dossiers):
    hongbang, lechan = two_dossiers
    _login(client, world.users.spec1)
    # accents are folded: "binh" finds "Nguyễn Thị Bình"; "cuong" is in Lê Chân, out of scope
    assert _rows(client.get(LIST, {"q": "binh"})) == {hongbang}
    assert _rows(client.get(LIST, {"q": "cuong"})) == set()
    assert _rows(client.get(LIST, {"q": hongbang.code})) == {hongbang}
    assert _rows(client.get(LIST, {"status__exact": Status.IN_PROGRESS})) == {hongbang}
    assert _rows(client.get(LIST, {"is_training__exact": "1"})) == set()
    sector = world.procedure.sector_id
    assert _rows(client.get(LIST, {"procedure__sector__id__exact": sector})) == {hongbang}
    # the unit filters offer only units of the visible dossiers
    assert str(world.units.d2) not in _filter_choices(client.get(LIST))
    _login(client, world.users.city_leader)
    assert str(world.units.d2) in _filter_choices(client.get(LIST))


def _filter_choices(response) -> set[str]:
    return {
        str(label)
        for spec in response.context["cl"].filter_specs
        for _value, label in getattr(spec, "lookup_choices", [])
    }


@pytest.mark.parametrize(
    "url",
    [
        LIST,
        LIST + "?channel__exact=1",
        LIST + "?o=-6",
        "/admin/dossiers/delegation/",
        "/admin/dossiers/delegation/add/",
        "/admin/dossiers/delegation/?hieu_luc=current",
        "/admin/",
    ],
)
def test_desk_pages_render(superuser_client, two_dossiers, url):
    assert superuser_client.get(url).status_code == 200


# -- the dossier page: read-only for officers, no add or delete -------------------------------


def test_an_officer_sees_the_history_read_only(client, world, two_dossiers):
    hongbang, _ = two_dossiers
    _login(client, world.users.spec1)
    response = client.get(_change_url(hongbang))
    body = response.content.decode()
    assert response.context["has_change_permission"] is False
    assert "Thẩm định hồ sơ" in body  # the step inline
    assert "Trần Thị Hoa" in body  # the receiving officer, in the event inline
    assert "Tiếp nhận" in body
    # nothing can be written
    assert client.post(_change_url(hongbang), {"is_training": "on"}).status_code == 403
    assert client.get(LIST + "add/").status_code == 403
    assert (
        client.post(f"/admin/dossiers/dossier/{hongbang.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    hongbang.refresh_from_db()
    assert hongbang.is_training is False


def test_even_a_superuser_cannot_add_or_delete_dossiers(superuser_client, two_dossiers):
    hongbang, _ = two_dossiers
    assert superuser_client.get(LIST + "add/").status_code == 403
    response = superuser_client.post(
        f"/admin/dossiers/dossier/{hongbang.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Dossier.objects.filter(pk=hongbang.pk).exists()


def _flag_post(dossier, on: bool):
    data = {
        "steps-TOTAL_FORMS": str(dossier.steps.count()),
        "steps-INITIAL_FORMS": str(dossier.steps.count()),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "0",
        "events-TOTAL_FORMS": str(dossier.events.count()),
        "events-INITIAL_FORMS": str(dossier.events.count()),
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "0",
    }
    if on:
        data["is_training"] = "on"
    return data


def test_an_administrator_flags_a_training_dossier_and_it_is_logged(client, world, two_dossiers):
    hongbang, _ = two_dossiers
    events_before = hongbang.events.count()
    _login(client, world.users.admin)
    # when
    with time_machine.travel(at(2025, 3, 4, 8, 0), tick=False):
        response = client.post(_change_url(hongbang), _flag_post(hongbang, True))
    # then: only the flag changed; the history is untouched; the desk's log says who did it
    assert response.status_code == 302, response.context["errors"]
    hongbang.refresh_from_db()
    assert hongbang.is_training is True
    assert hongbang.status == Status.IN_PROGRESS
    assert hongbang.version == 1
    assert hongbang.events.count() == events_before
    assert hongbang.steps.count() == 1
    [entry] = LogEntry.objects.filter(object_id=str(hongbang.pk))
    assert entry.user == world.users.admin
    assert entry.get_change_message() == "Đánh dấu là hồ sơ tập huấn (không tính vào thống kê)."
    # and back
    response = client.post(_change_url(hongbang), _flag_post(hongbang, False))
    assert response.status_code == 302
    hongbang.refresh_from_db()
    assert hongbang.is_training is False
    assert LogEntry.objects.filter(object_id=str(hongbang.pk)).count() == 2


def test_an_administrator_of_another_unit_cannot_flag(client, world, two_dossiers):
    hongbang, lechan = two_dossiers
    lechan_admin = make_user("quantri.lechan")
    make_membership(lechan_admin, world.units.d2, Role.ADMINISTRATOR)
    _login(client, lechan_admin)
    assert _rows(client.get(LIST)) == {lechan}
    assert client.post(_change_url(lechan), _flag_post(lechan, True)).status_code == 302
    # Hồng Bàng is outside their scope: not even found
    assert client.post(_change_url(hongbang), _flag_post(hongbang, True)).status_code == 302
    hongbang.refresh_from_db()
    lechan.refresh_from_db()
    assert (hongbang.is_training, lechan.is_training) == (False, True)


# -- bulk close of old training dossiers ------------------------------------------------------


@pytest.fixture
def training_mix(world, applicant, documents):
    """Old and recent training dossiers, and an old real one, seen on Mon 3 March 2025."""
    u, d = world.users, world.units.d
    old = _receive(
        world, applicant, documents, d, u.reception, at(2025, 1, 2, 9, 0), is_training=True
    )
    old_returned = _receive(
        world, applicant, documents, d, u.reception, at(2025, 1, 2, 10, 0), is_training=True
    )
    with time_machine.travel(at(2025, 1, 3, 9, 0), tick=False):
        services.dossier_refuse(
            dossier=old_returned,
            user=old_returned.current_step.assignee,
            reason="Tập huấn từ chối",
        )
    recent = _receive(
        world, applicant, documents, d, u.reception, at(2025, 2, 24, 9, 0), is_training=True
    )
    real = _receive(world, applicant, documents, d, u.reception, at(2025, 1, 2, 11, 0))
    return {"old": old, "old_refused": old_returned, "recent": recent, "real": real}


def test_the_bulk_close_closes_only_old_open_training_dossiers(
    client, world, training_mix, django_capture_on_commit_callbacks
):
    _login(client, world.users.admin)
    # given: the button is offered to an administrator and its form opens
    assert "Đóng hồ sơ tập huấn cũ" in client.get(LIST).content.decode()
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        dialog = client.get(CLOSE)
        assert dialog.status_code == 200
        assert 'name="older_than_days"' in dialog.content.decode()
        # when: "older than 30 days", submitted from the dialog (htmx); the closing is a job
        # that starts after the commit (inline here) and the desk goes to its progress page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                CLOSE, {"_form_submitted": "True", "older_than_days": "30"}, HTTP_HX_REQUEST="true"
            )
            assert not DossierEvent.objects.filter(action=Action.CLOSE_TRAINING).exists()
    # then
    assert response.status_code == 200
    task = TaskRun.objects.get()
    assert response["HX-Redirect"] == f"/desk/jobs/tasks/{task.pk}/"
    assert (task.status, task.total, task.done, task.failed) == ("done", 1, 1, 0)
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "Hoàn thành" in page and "Đã xong 1, lỗi 0, trên tổng số 1" in page
    assert "Đang đóng 1 hồ sơ tập huấn nộp cách đây hơn 30 ngày (chạy nền)." in page
    states = {k: Dossier.objects.get(pk=d.pk).status for k, d in training_mix.items()}
    assert states == {
        "old": Status.STOPPED,
        "old_refused": Status.REJECTED,
        "recent": Status.IN_PROGRESS,
        "real": Status.IN_PROGRESS,
    }
    [event] = DossierEvent.objects.filter(action=Action.CLOSE_TRAINING)
    assert event.dossier_id == training_mix["old"].pk
    assert event.actor == world.users.admin
    assert (event.from_status, event.to_status) == (Status.IN_PROGRESS, Status.STOPPED)
    assert event.created_at == at(2025, 3, 3, 9, 0)


def test_a_closed_training_dossier_cannot_be_unflagged(
    client, world, training_mix, django_capture_on_commit_callbacks
):
    old = training_mix["old"]
    _login(client, world.users.admin)
    with (
        time_machine.travel(at(2025, 3, 3, 9, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(CLOSE, {"_form_submitted": "True", "older_than_days": "30"})
    old.refresh_from_db()
    response = client.post(_change_url(old), _flag_post(old, False))
    assert response.status_code == 200
    assert "không thể bỏ đánh dấu tập huấn" in response.content.decode()
    old.refresh_from_db()
    assert old.is_training is True


def test_the_bulk_close_needs_a_valid_number_of_days(client, world, training_mix):
    _login(client, world.users.admin)
    response = client.post(CLOSE, {"_form_submitted": "True", "older_than_days": "0"})
    assert response.status_code == 200
    assert "Số ngày phải từ 1 trở lên." in response.content.decode()
    assert not DossierEvent.objects.filter(action=Action.CLOSE_TRAINING).exists()


def test_a_killed_bulk_close_is_resumed_and_closes_each_dossier_once(
    client, world, training_mix, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from motcua.dossiers.services import training_close_request
    from motcua.jobs.progress import tasks_resume

    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        # the request is recorded but its worker dies before starting (no on-commit run)
        task = training_close_request(user=world.users.admin, older_than_days=30)
        TaskRun.objects.filter(pk=task.pk).update(status="running", heartbeat_at=at(2025, 3, 3, 9))
        # a second worker cannot take a task whose heart still beats
        assert tasks_resume() == 0
    with (
        time_machine.travel(at(2025, 3, 3, 9, 0) + timedelta(minutes=10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks_resume() == 1
        assert tasks_resume() == 0  # done: nothing to resume
    task.refresh_from_db()
    assert (task.status, task.done) == ("done", 1)
    assert DossierEvent.objects.filter(action=Action.CLOSE_TRAINING).count() == 1


def test_officers_cannot_bulk_close(client, world, training_mix):
    _login(client, world.users.spec1)
    assert "close-training" not in client.get(LIST).content.decode()
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        assert client.get(CLOSE).status_code == 403
        response = client.post(CLOSE, {"_form_submitted": "True", "older_than_days": "30"})
    assert response.status_code == 403
    assert not DossierEvent.objects.filter(action=Action.CLOSE_TRAINING).exists()
