"""Online submission: one dossier in ``submitted``, exactly once per idempotency key, nothing
half-saved when it is refused; the code is shown and e-mailed; the desk's intake queue gets it."""

import uuid

import pytest
from django.core import mail
from django.db import connection

from motcua.desk.selectors import intake_queue
from motcua.dossiers.models import Channel, Dossier, DossierDocument
from motcua.dossiers.states import Status
from motcua.portal import services
from motcua.portal.models import Draft, Submission, Upload
from tests.portal.conftest import apply_url, form_data, pdf_bytes, stored_files, submit, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def files_before():
    return stored_files()


def _nothing_saved(files_before=None):
    if files_before is not None:
        assert stored_files() == files_before  # no file left behind in storage
    assert Dossier.objects.count() == 0
    assert Submission.objects.count() == 0
    assert Upload.objects.count() == 0
    assert DossierDocument.objects.count() == 0


def test_a_valid_submission_creates_one_submitted_online_dossier(
    portal, login, django_capture_on_commit_callbacks
):
    client = login(portal.citizen)
    drawing = upload("ban-ve.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, portal, f_ban_ve_phu=drawing)

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tra-cuu/{dossier.code}/"
    assert dossier.status == Status.SUBMITTED
    assert dossier.channel == Channel.ONLINE
    assert dossier.applicant_user == portal.citizen
    assert dossier.applicant_phone == "0912345678"
    assert dossier.unit == portal.units.d
    assert dossier.procedure_version == portal.version
    assert dossier.form_data["dien_tich"] == "120.5"
    assert dossier.form_data["loai_cong_trinh"] == "Nhà ở riêng lẻ"
    assert dossier.form_data["thanh_vien"] == [
        {"ho_ten": "Nguyễn Văn Cường", "ngay_sinh": "1980-05-01"}
    ]
    assert "so_tang" not in dossier.form_data  # hidden by its show-if condition
    assert dossier.form_data["ban_ve_phu"]["name"] == "ban-ve.png"
    request_doc = dossier.documents.get(name="Đơn đề nghị")
    assert request_doc.received and request_doc.file.name.startswith("portal/")
    assert "don-de-nghi" not in request_doc.file.name  # stored under a random name
    assert dossier.documents.filter(name="Bản vẽ bổ sung", received=True).exists()
    assert set(Upload.objects.values_list("dossier", flat=True)) == {dossier.pk}
    # the code is shown and e-mailed
    page = client.get(response["Location"])
    assert dossier.code in page.content.decode()
    assert "Nộp hồ sơ thành công" in page.content.decode()
    assert len(mail.outbox) == 1 and dossier.code in mail.outbox[0].body
    assert mail.outbox[0].to == ["binh@example.vn"]
    # the desk's intake queue has it
    assert list(intake_queue(user=portal.users.reception)) == [dossier]


MAIL_KEPT = {
    "EMAIL_BACKEND": "motcua.mailbox.backends.MailboxBackend",
    "MOTCUA_MAIL_DELIVER": False,
}


@pytest.mark.parametrize(
    ("mail_settings", "promised"),
    [({}, True), (MAIL_KEPT, False)],
    ids=["mail-leaves", "embedded-default-keeps-mail"],
)
def test_the_submission_message_promises_a_mail_only_where_mail_leaves_the_site(
    portal, login, settings, mail_settings, promised
):
    """Issue 12, item 1: "mã này cũng đã được gửi vào thư điện tử" was shown on the embedded
    default, whose mail never leaves the machine (it is kept for the desk's "Thư đã gửi")."""
    for key, value in mail_settings.items():
        setattr(settings, key, value)
    client = login(portal.citizen)
    page = client.get(submit(client, portal)["Location"]).content.decode()
    code = Dossier.objects.get().code
    assert f"Mã hồ sơ của ông/bà là {code}" in page
    assert ("sẽ được gửi đến binh@example.vn" in page) is promised
    assert ("xin ghi lại mã này" in page) is not promised
    assert "đã được gửi vào thư điện tử" not in page
    # the status page below the message promises the same
    assert ("kết quả kiểm tra sẽ được báo qua thư điện tử" in page) is promised
    assert ("kết quả kiểm tra sẽ hiện trên trang này" in page) is not promised


def test_pressing_submit_twice_with_the_same_key_gives_one_dossier(
    portal, login, django_capture_on_commit_callbacks
):
    client = login(portal.citizen)
    key = str(uuid.uuid4())

    with django_capture_on_commit_callbacks(execute=True):
        first = submit(client, portal, idempotency_key=key)
        second = submit(client, portal, idempotency_key=key)

    assert Dossier.objects.count() == 1
    assert Submission.objects.count() == 1
    assert first["Location"] == second["Location"] == f"/tra-cuu/{Dossier.objects.get().code}/"
    assert Upload.objects.count() == 1  # the second request stored no file
    assert len(mail.outbox) == 1


def test_a_key_replayed_at_the_service_returns_the_first_dossier(portal):
    key = uuid.uuid4()
    args = dict(
        procedure=portal.procedure,
        unit=portal.units.d,
        user=portal.citizen,
        key=key,
        applicant={"applicant_name": "Bình", "applicant_phone": "0912345678"},
        form_values={},
        spec={"fields": [], "documents": []},
        new_files={},
        kept={},
        delivery="counter",
    )
    first, created_first = services.dossier_submit(**args)
    again, created_again = services.dossier_submit(**args)
    assert (created_first, created_again) == (True, False)
    assert first.pk == again.pk
    # someone else's key is refused, not answered with the other person's dossier
    with pytest.raises(services.PortalError):
        services.dossier_submit(**{**args, "user": portal.other_citizen})


def test_missing_required_fields_are_refused_in_vietnamese_and_nothing_is_saved(
    portal, login, files_before
):
    client = login(portal.citizen)

    response = submit(
        client, portal, files={}, f_dien_tich="", f_loai_cong_trinh="", applicant_phone=""
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Vui lòng nhập “Diện tích xây dựng (m²)”." in page
    assert "Vui lòng chọn “Loại công trình”." in page
    assert "Vui lòng nhập số điện thoại." in page
    assert "Vui lòng tải lên “Đơn đề nghị”." in page
    # tied to the field
    assert 'id="id_f_dien_tich_error"' in page
    assert 'aria-describedby="id_f_dien_tich_error"' in page
    _nothing_saved(files_before)
    assert Draft.objects.count() == 0


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_saved(portal, login, files_before):
    client = login(portal.citizen)
    exe = b"MZ\x90\x00" + b"\x00" * 300

    response = submit(client, portal, files={"doc_0": upload("don.pdf", exe)})

    assert response.status_code == 400
    assert "Tệp “don.pdf” không được chấp nhận" in response.content.decode()
    _nothing_saved(files_before)


def test_a_file_over_the_limit_is_refused_and_nothing_is_saved(
    portal, login, small_limits, files_before
):
    client = login(portal.citizen)
    big = upload("don.pdf", pdf_bytes(1024 * 1024 + 10))

    response = submit(client, portal, files={"doc_0": big})

    assert response.status_code == 400
    assert "vượt quá giới hạn 1 MB cho mỗi tệp" in response.content.decode()
    _nothing_saved(files_before)


def test_files_of_one_dossier_over_the_dossier_limit_are_refused(
    portal, login, small_limits, files_before
):
    client = login(portal.citizen)
    files = {
        "doc_0": upload("a.pdf", pdf_bytes(900 * 1024)),
        "doc_1": upload("b.pdf", pdf_bytes(900 * 1024)),
        "f_ban_ve_phu": upload("c.pdf", pdf_bytes(900 * 1024)),
    }

    response = submit(client, portal, files=files)

    assert response.status_code == 400
    assert "vượt quá giới hạn 2 MB" in response.content.decode()
    _nothing_saved(files_before)


def test_a_failure_inside_the_submission_rolls_back_everything(
    portal, login, monkeypatch, files_before
):
    client = login(portal.citizen)

    def broken(**kwargs):
        raise services.DossierError("Thủ tục đang tạm ngừng tiếp nhận.")

    monkeypatch.setattr(services, "dossier_submit_online", broken)
    response = submit(client, portal)

    assert response.status_code == 400
    assert "Thủ tục đang tạm ngừng tiếp nhận." in response.content.decode()
    _nothing_saved(files_before)


def test_post_delivery_needs_an_address_and_the_desk_sees_the_choice(portal, login):
    client = login(portal.citizen)

    refused = submit(client, portal, delivery="post", delivery_address="")
    assert refused.status_code == 400
    assert "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính." in refused.content.decode()
    assert Dossier.objects.count() == 0

    submit(client, portal, delivery="post", delivery_address="5 Điện Biên Phủ, Hồng Bàng")
    dossier = Dossier.objects.get()
    assert (dossier.delivery, dossier.delivery_address) == ("post", "5 Điện Biên Phủ, Hồng Bàng")
    desk = login(portal.users.reception).get(f"/desk/dossiers/{dossier.pk}/")
    assert "Nhận qua bưu chính" in desk.content.decode()


def test_an_organisation_needs_a_tax_code(portal, login):
    client = login(portal.citizen)

    refused = submit(
        client, portal, applicant_kind="organisation", organisation_name="Công ty TNHH Hòa Bình"
    )
    assert "Vui lòng nhập mã số thuế của tổ chức." in refused.content.decode()
    bad = submit(
        client,
        portal,
        applicant_kind="organisation",
        organisation_name="Công ty TNHH Hòa Bình",
        applicant_tax_code="12345",
    )
    assert "Mã số thuế gồm 10 chữ số" in bad.content.decode()
    assert Dossier.objects.count() == 0

    submit(
        client,
        portal,
        applicant_kind="organisation",
        organisation_name="Công ty TNHH Hòa Bình",
        applicant_tax_code="0201234567",
    )
    dossier = Dossier.objects.get()
    assert dossier.applicant_kind == "organisation"
    assert dossier.applicant_name == "Công ty TNHH Hòa Bình"
    assert dossier.applicant_tax_code == "0201234567"
    assert dossier.form_data["_representative"] == "Nguyễn Thị Bình"


def test_an_anonymous_visitor_pressing_submit_keeps_a_draft_and_is_asked_to_log_in(portal, login):
    client = login()

    response = submit(client, portal)

    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=")
    assert Dossier.objects.count() == 0
    draft = Draft.objects.get()
    assert draft.user is None and draft.form_data["f_dien_tich"] == "120,5"
    assert draft.uploads.count() == 1


def test_a_procedure_without_online_service_cannot_be_submitted(portal, login):
    portal.procedure.online_level = "none"
    portal.procedure.save()
    client = login(portal.citizen)

    response = client.get(apply_url(portal))
    assert response.status_code == 302
    assert submit(client, portal).status_code == 302
    assert Dossier.objects.count() == 0


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "mysql", reason="needs MariaDB row locking")
def test_two_concurrent_requests_with_one_key_make_one_dossier(portal):
    from tests.dossiers.test_concurrency import run_together

    key = uuid.uuid4()
    data = form_data(portal)

    def press(_i):
        return services.dossier_submit(
            procedure=portal.procedure,
            unit=portal.units.d,
            user=portal.citizen,
            key=key,
            applicant={"applicant_name": data["applicant_name"], "applicant_phone": "0912345678"},
            form_values={"dien_tich": "120"},
            spec={"fields": [], "documents": []},
            new_files={},
            kept={},
            delivery="counter",
        )

    results, errors = run_together(4, press)

    assert errors == [None] * 4
    assert len({dossier.pk for dossier, _created in results}) == 1
    assert sorted(created for _dossier, created in results) == [False, False, False, True]
    assert Dossier.objects.count() == 1 and Submission.objects.count() == 1
