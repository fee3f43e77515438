"""Drafts ("Lưu nháp"): the input as typed and its files, restored on return, moved to the account
at login, submitted without uploading the files again; a bad file is refused even in a draft."""

import pytest

from motcua.dossiers.models import Dossier
from motcua.portal.models import Draft, Upload
from tests.portal.conftest import EXE, apply_url, form_data, pdf_bytes, stored_files, submit, upload

pytestmark = pytest.mark.django_db


def _save(client, world, **overrides):
    data = form_data(world, action="save", **overrides)
    return client.post(apply_url(world), data)


def test_a_draft_is_saved_even_incomplete_and_restored_on_return(portal, login):
    client = login(portal.citizen)

    response = _save(
        client, portal, f_dien_tich="abc", applicant_name="", doc_0=upload("don.pdf", pdf_bytes())
    )

    assert response.status_code == 302 and response["Location"] == apply_url(portal)
    draft = Draft.objects.get(user=portal.citizen)
    assert draft.form_data["f_dien_tich"] == "abc"
    assert draft.form_data["f_thanh_vien"] == [
        {"ho_ten": "Nguyễn Văn Cường", "ngay_sinh": "1980-05-01"}
    ]
    assert draft.uploads.get().slot == "doc_0"
    page = client.get(apply_url(portal)).content.decode()
    assert 'value="abc"' in page
    assert 'value="Nguyễn Văn Cường"' in page
    assert "Đã tải lên" in page and "don.pdf" in page
    assert "Đã lưu nháp lúc" in page
    assert Dossier.objects.count() == 0


def test_a_draft_file_counts_for_the_submission(portal, login):
    client = login(portal.citizen)
    _save(client, portal, doc_0=upload("don.pdf", pdf_bytes()))

    response = submit(client, portal, files={})

    dossier = Dossier.objects.get()
    assert response["Location"] == f"/tra-cuu/{dossier.code}/"
    assert dossier.documents.get(name="Đơn đề nghị").file.name == Upload.objects.get().file.name
    assert Draft.objects.count() == 0  # submitted: the draft is gone, its file now the dossier's
    assert Upload.objects.get().dossier == dossier


def test_clearing_a_draft_file_makes_the_required_upload_missing_again(portal, login):
    client = login(portal.citizen)
    _save(client, portal, doc_0=upload("don.pdf", pdf_bytes()))

    response = submit(client, portal, files={}, clear_doc_0="on")

    assert response.status_code == 400
    assert "Vui lòng tải lên “Đơn đề nghị”." in response.content.decode()
    assert Dossier.objects.count() == 0
    assert Draft.objects.get().uploads.count() == 1  # a refused submit changes nothing


def test_a_bad_file_is_refused_in_a_draft_and_nothing_is_saved(portal, login):
    client = login(portal.citizen)
    before = stored_files()

    response = _save(client, portal, doc_0=upload("don.pdf", EXE))

    assert response.status_code == 400
    assert "không được chấp nhận" in response.content.decode()
    assert Draft.objects.count() == 0 and Upload.objects.count() == 0
    assert stored_files() == before


def test_replacing_a_draft_file_deletes_the_old_one(
    portal, login, django_capture_on_commit_callbacks
):
    client = login(portal.citizen)
    _save(client, portal, doc_0=upload("cu.pdf", pdf_bytes()))
    old = Upload.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        _save(client, portal, doc_0=upload("moi.pdf", pdf_bytes()))

    assert list(Upload.objects.values_list("original_name", flat=True)) == ["moi.pdf"]
    assert not old.file.storage.exists(old.file.name)


def test_an_anonymous_draft_moves_to_the_account_at_login(portal, login):
    client = login()
    _save(client, portal, f_dien_tich="250", doc_0=upload("don.pdf", pdf_bytes()))
    draft = Draft.objects.get()
    assert draft.user is None and draft.token

    response = client.post(
        "/tai-khoan/dang-nhap/",
        {"username": "binh@example.vn", "password": "x", "next": apply_url(portal)},
    )

    assert response.status_code == 302 and response["Location"] == apply_url(portal)
    draft.refresh_from_db()
    assert draft.user == portal.citizen and draft.token == ""
    assert draft.uploads.get().user == portal.citizen
    assert 'value="250"' in client.get(apply_url(portal)).content.decode()


def test_the_draft_file_is_served_to_its_owner_only(portal, login):
    client = login(portal.citizen)
    _save(client, portal, doc_0=upload("don.pdf", pdf_bytes()))
    url = f"/tep/{Upload.objects.get().pk}/"

    own = client.get(url)
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert own["X-Content-Type-Options"] == "nosniff"
    assert login(portal.other_citizen).get(url).status_code == 404
    assert login().get(url).status_code == 404
    assert login(portal.users.reception).get(url).status_code == 404


def test_my_dossiers_lists_drafts_which_can_be_deleted(portal, login):
    client = login(portal.citizen)
    _save(client, portal)
    draft = Draft.objects.get()

    page = client.get("/tai-khoan/ho-so-cua-toi/").content.decode()
    assert portal.procedure.name in page
    assert (
        login(portal.other_citizen).post(f"/tai-khoan/ban-nhap/{draft.pk}/xoa/").status_code == 302
    )
    assert Draft.objects.filter(pk=draft.pk).exists()  # not theirs
    client.post(f"/tai-khoan/ban-nhap/{draft.pk}/xoa/")
    assert not Draft.objects.exists()
