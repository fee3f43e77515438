"""The site's mail backend: every message kept, delivered when a host is configured, and a failed
delivery reported as failed (to the caller and on the "Thư đã gửi" page), never as sent."""

from __future__ import annotations

import socket
import socketserver
import threading

import pytest
from django.core import mail

from motcua.mailbox.config import MailConfigError, mail_settings
from motcua.mailbox.models import OutgoingMail

BACKEND = "motcua.mailbox.backends.MailboxBackend"


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for Django's client: greet, accept one message, quit."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                body = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.server.received.append(body)
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_mail_table_gives_smtp_settings_and_the_password_comes_from_the_environment(
    monkeypatch,
):
    monkeypatch.setenv("MOTCUA_SMTP_PASSWORD", "bi-mat")
    result = mail_settings(
        {
            "host": "smtp.haiphong.gov.vn",
            "port": 587,
            "username": "motcua",
            "use_tls": True,
            "from_address": "motcua@haiphong.gov.vn",
        }
    )
    assert result["MOTCUA_MAIL_DELIVER"] is True
    assert (result["EMAIL_HOST"], result["EMAIL_PORT"]) == ("smtp.haiphong.gov.vn", 587)
    assert result["EMAIL_HOST_PASSWORD"] == "bi-mat"
    assert result["DEFAULT_FROM_EMAIL"] == "motcua@haiphong.gov.vn"
    assert mail_settings(None)["MOTCUA_MAIL_DELIVER"] is False
    with pytest.raises(MailConfigError, match="mail.password"):
        mail_settings({"host": "x", "password": "never in the file"})
    with pytest.raises(MailConfigError, match="mail.port"):
        mail_settings({"host": "x", "port": "25"})


@pytest.mark.django_db
def test_without_a_host_the_message_is_kept_and_counted(settings):
    settings.EMAIL_BACKEND = BACKEND
    settings.MOTCUA_MAIL_DELIVER = False

    assert mail.send_mail("Xác minh", "Mở https://x.vn/a", None, ["a@example.vn"]) == 1

    row = OutgoingMail.objects.get()
    assert (row.to, row.outcome, row.body) == ("a@example.vn", "kept", "Mở https://x.vn/a")


@pytest.mark.django_db
def test_with_a_host_the_message_is_delivered_and_marked_sent(settings, smtp_server):
    settings.EMAIL_BACKEND = BACKEND
    settings.MOTCUA_MAIL_DELIVER = True
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.server_address
    settings.EMAIL_USE_TLS = False

    assert mail.send_mail("Xác minh", "nội dung", "motcua@x.vn", ["a@example.vn"]) == 1

    assert len(smtp_server.received) == 1
    assert OutgoingMail.objects.get().outcome == "sent"


@pytest.mark.django_db
def test_a_refused_delivery_is_kept_as_failed_and_raises(settings):
    settings.EMAIL_BACKEND = BACKEND
    settings.MOTCUA_MAIL_DELIVER = True
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_USE_TLS = False

    with pytest.raises(OSError):  # noqa: PT011 (refused connection: errno text varies)
        mail.send_mail("Xác minh", "nội dung", None, ["a@example.vn"])
    assert mail.send_mail("Xác minh", "nội dung", None, ["b@example.vn"], fail_silently=True) == 0

    rows = OutgoingMail.objects.order_by("pk")
    assert [r.outcome for r in rows] == ["failed", "failed"]
    assert all(r.error for r in rows)


@pytest.mark.django_db
def test_the_signup_page_says_the_mail_was_not_sent_when_delivery_failed(settings, client):
    settings.EMAIL_BACKEND = BACKEND
    settings.MOTCUA_MAIL_DELIVER = True
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_USE_TLS = False

    response = client.post(
        "/tai-khoan/dang-ky/",
        {
            "kind": "individual",
            "full_name": "Trần Văn Cường",
            "email": "cuong@example.vn",
            "password1": "Cat-Bi-2026-x",
            "password2": "Cat-Bi-2026-x",
        },
    )

    text = response.content.decode()
    assert "Chưa gửi được thư xác minh" in text
    assert "Chúng tôi đã gửi thư" not in text
    assert OutgoingMail.objects.get().outcome == "failed"


@pytest.mark.django_db
@pytest.mark.parametrize("deliver", [False, True], ids=["kept", "delivered"])
def test_a_login_before_verifying_says_where_the_link_is(settings, client, deliver):
    """Issue 12, item 1 (found on make run): the refusal said the link was in the mail "sent to
    you" on a site whose mail never leaves it."""
    settings.EMAIL_BACKEND = BACKEND
    settings.MOTCUA_MAIL_DELIVER = deliver
    from motcua.portal.services import account_signup

    account_signup(
        kind="individual",
        full_name="Lê Thị Mai",
        email="mai@example.vn",
        phone="",
        password="Mai-2026-x",
    )
    refused = client.post(
        "/tai-khoan/dang-nhap/", {"username": "mai@example.vn", "password": "Mai-2026-x"}
    ).content.decode()
    assert "Tài khoản chưa được kích hoạt" in refused
    assert ("thư điện tử đã gửi cho ông/bà" in refused) is deliver
    assert ("thư xác minh được lưu ở trang “Thư đã gửi”" in refused) is not deliver


@pytest.mark.django_db
def test_only_superusers_read_the_outgoing_mail(
    settings, client, admin_client_vi, django_user_model
):
    settings.EMAIL_BACKEND = BACKEND
    settings.MOTCUA_MAIL_DELIVER = False
    mail.send_mail("Xác minh thư điện tử", "https://x.vn/tai-khoan/xac-minh/1/", None, ["a@x.vn"])
    row = OutgoingMail.objects.get()
    officer = django_user_model.objects.create_user("canbo", password="x", is_staff=True)

    page = admin_client_vi.get(f"/admin/mailbox/outgoingmail/{row.pk}/change/")
    assert '<a href="https://x.vn/tai-khoan/xac-minh/1/"' in page.content.decode()
    client.force_login(officer)
    assert client.get("/admin/mailbox/outgoingmail/").status_code == 403
