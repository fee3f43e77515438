"""PAdES signing with a throwaway certificate made here, verified with pyHanko's own validator."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pypdf import PdfReader

from motcua.printing import signing
from motcua.printing.render import render_form_pdf
from motcua.printing.selectors import dossier_print_links
from tests.printing.conftest import pdf_text

PASSWORD = "mat-khau-thu-nghiem"


def make_certificate(*, not_before: datetime, not_after: datetime):
    """Return (key, self-signed certificate) for "UBND quận Hồng Bàng", usable for signing."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ủy ban nhân dân quận Hồng Bàng"),
            x509.NameAttribute(NameOID.COMMON_NAME, "UBND quận Hồng Bàng (thử nghiệm)"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def write_pkcs12(path, key, cert, password=PASSWORD):
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"hong-bang",
            key,
            cert,
            None,
            serialization.BestAvailableEncryption(password.encode()),
        )
    )
    return path


def as_asn1(cert) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@pytest.fixture
def valid_cert():
    now = datetime.now(UTC)
    return make_certificate(not_before=now - timedelta(days=1), not_after=now + timedelta(days=365))


@pytest.fixture
def site_signing(settings, tmp_path, monkeypatch):
    """Configure ``[signing]`` on a copy of the site, pointing at tmp_path/certs/unit.p12."""

    def configure(*, required=False, path="certs/unit.p12"):
        extra = {
            **settings.SITE.extra,
            "signing": {"pkcs12_path": path, "required": required, "location": "Hải Phòng"},
        }
        settings.SITE = dataclasses.replace(settings.SITE, directory=tmp_path, extra=extra)
        (tmp_path / "certs").mkdir(exist_ok=True)
        return tmp_path / "certs" / "unit.p12"

    monkeypatch.setenv(signing.PASSWORD_ENV, PASSWORD)
    return configure


def test_sign_then_verify_a_receipt(demo, world, frozen_print, site_signing, valid_cert):
    # given the unit's PKCS#12 and a receipt
    key, cert = valid_cert
    write_pkcs12(site_signing(), key, cert)
    pdf = render_form_pdf(code="01", user=world.users.reception, dossier=demo.full)
    # when signed
    signed = signing.sign_pdf(pdf)
    # then pyHanko's validator finds one intact, valid signature, trusted with the cert as root
    checks = signing.verify_pdf(signed, trust_roots=[as_asn1(cert)])
    assert len(checks) == 1
    check = checks[0]
    assert (check.intact, check.valid, check.trusted) == (True, True, True) and check.ok
    assert "UBND quận Hồng Bàng" in check.signer
    # it is PAdES (ETSI.CAdES.detached), and the document is unchanged for readers
    reader = PdfReader(io.BytesIO(signed))
    sig = reader.trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()["/V"].get_object()
    assert sig["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig["/Location"] == "Hải Phòng"
    assert pdf_text(signed) == pdf_text(pdf)


def test_tampered_pdf_is_not_intact(demo, world, frozen_print, site_signing, valid_cert):
    key, cert = valid_cert
    write_pkcs12(site_signing(), key, cert)
    signed = bytearray(
        signing.sign_pdf(
            render_form_pdf(code="03", user=world.users.reception, dossier=demo.refused)
        )
    )
    # flip one byte inside the signed range (the first page's content stream)
    index = signed.index(b"stream") + 20
    signed[index] ^= 0x01
    check = signing.verify_pdf(bytes(signed), trust_roots=[as_asn1(cert)])[0]
    assert not check.intact and not check.ok


def test_untrusted_root_is_not_trusted(demo, world, frozen_print, site_signing, valid_cert):
    key, cert = valid_cert
    write_pkcs12(site_signing(), key, cert)
    signed = signing.sign_pdf(
        render_form_pdf(code="01", user=world.users.reception, dossier=demo.full)
    )
    _other_key, other = make_certificate(
        not_before=datetime.now(UTC) - timedelta(days=1),
        not_after=datetime.now(UTC) + timedelta(days=1),
    )
    check = signing.verify_pdf(signed, trust_roots=[as_asn1(other)])[0]
    assert check.intact and not check.trusted


def test_expired_certificate_gives_a_clear_message(site_signing):
    key, cert = make_certificate(
        not_before=datetime(2023, 1, 1, tzinfo=UTC), not_after=datetime(2024, 6, 30, tzinfo=UTC)
    )
    write_pkcs12(site_signing(), key, cert)
    with pytest.raises(signing.SigningUnavailable) as caught:
        signing.sign_pdf(b"%PDF-1.7")
    message = str(caught.value)
    assert "Chứng thư số của đơn vị đã hết hạn từ ngày 30/06/2024" in message
    assert "không có chữ ký số" in message


def test_missing_file_wrong_password_and_no_configuration(
    site_signing, valid_cert, monkeypatch, settings
):
    path = site_signing()
    with pytest.raises(signing.SigningUnavailable, match="Không tìm thấy tệp chứng thư số"):
        signing.sign_pdf(b"%PDF-1.7")
    key, cert = valid_cert
    write_pkcs12(path, key, cert)
    monkeypatch.setenv(signing.PASSWORD_ENV, "sai")
    with pytest.raises(signing.SigningUnavailable, match="sai mật khẩu MOTCUA_SIGNING_PASSWORD"):
        signing.sign_pdf(b"%PDF-1.7")
    settings.SITE = dataclasses.replace(settings.SITE, extra={})
    assert signing.signing_config() is None
    with pytest.raises(signing.SigningUnavailable, match="chưa được cấu hình chứng thư số"):
        signing.sign_pdf(b"%PDF-1.7")


def test_password_never_comes_from_the_site_file(site_signing, monkeypatch, settings):
    site_signing()
    monkeypatch.delenv(signing.PASSWORD_ENV)
    settings.SITE.extra["signing"]["password"] = "in-git"
    assert signing.signing_config().password is None


# --------------------------------------------------------------------------- through the views


def test_view_signs_on_request(demo, world, client, frozen_print, site_signing, valid_cert):
    key, cert = valid_cert
    write_pkcs12(site_signing(), key, cert)
    client.force_login(world.users.reception)
    response = client.get(f"/print/dossiers/{demo.full.pk}/01/?sign=1")
    assert response.status_code == 200 and response["X-Motcua-Signature"] == "signed"
    assert signing.verify_pdf(response.content, trust_roots=[as_asn1(cert)])[0].ok
    unsigned = client.get(f"/print/dossiers/{demo.full.pk}/01/")
    assert "X-Motcua-Signature" not in unsigned
    assert PdfReader(io.BytesIO(unsigned.content)).trailer["/Root"].get("/AcroForm") is None


def test_asking_for_a_signed_copy_that_cannot_be_made_says_so_and_offers_the_unsigned_one(
    demo, world, client, frozen_print, site_signing
):
    key, cert = make_certificate(
        not_before=datetime(2023, 1, 1, tzinfo=UTC), not_after=datetime(2024, 6, 30, tzinfo=UTC)
    )
    write_pkcs12(site_signing(required=False), key, cert)
    client.force_login(world.users.reception)
    response = client.get(f"/print/dossiers/{demo.full.pk}/01/?sign=1")
    assert response.status_code == 503 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "đã hết hạn từ ngày 30/06/2024" in page
    assert f'href="/print/dossiers/{demo.full.pk}/01/"' in page
    unsigned = client.get(f"/print/dossiers/{demo.full.pk}/01/")
    assert unsigned["Content-Type"] == "application/pdf"
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in pdf_text(unsigned.content)


def test_the_print_menu_offers_a_signed_copy_only_when_the_site_can_sign(
    demo, world, settings, site_signing, valid_cert
):
    settings.SITE = dataclasses.replace(settings.SITE, extra={})  # no [signing]
    assert signing.signing_problem() is not None
    assert all(
        link.signed_url == ""
        for link in dossier_print_links(dossier=demo.full, user=world.users.reception)
    )
    path = site_signing()  # configured, but the file is missing
    assert "Không tìm thấy tệp chứng thư số" in signing.signing_problem()
    assert all(
        link.signed_url == ""
        for link in dossier_print_links(dossier=demo.full, user=world.users.reception)
    )
    key, cert = valid_cert
    write_pkcs12(path, key, cert)
    assert signing.signing_problem() is None
    links = dossier_print_links(dossier=demo.full, user=world.users.reception)
    assert links and all(link.signed_url == f"{link.url}?sign=1" for link in links)


def test_required_signing_refuses_unsigned_copies(demo, world, client, frozen_print, site_signing):
    site_signing(required=True)  # no file
    client.force_login(world.users.reception)
    response = client.get(f"/print/dossiers/{demo.full.pk}/01/")
    assert response.status_code == 503
    assert "Không tìm thấy tệp chứng thư số" in response.content.decode()


def test_required_signing_signs_without_asking(
    demo, world, client, frozen_print, site_signing, valid_cert
):
    key, cert = valid_cert
    write_pkcs12(site_signing(required=True), key, cert)
    client.force_login(world.users.reception)
    response = client.get(f"/print/dossiers/{demo.full.pk}/01/")
    assert response["X-Motcua-Signature"] == "signed"


def test_result_pdf_is_served_signed(demo, world, client, site_signing, valid_cert):
    from django.core.files.base import ContentFile

    key, cert = valid_cert
    write_pkcs12(site_signing(), key, cert)
    result = render_form_pdf(code="03", user=world.users.leader, dossier=demo.refused)
    demo.full.result_file.save("gp-125.pdf", ContentFile(result))
    client.force_login(world.users.reception)
    response = client.get(f"/print/dossiers/{demo.full.pk}/result/")
    assert response.status_code == 200
    assert signing.verify_pdf(response.content, trust_roots=[as_asn1(cert)])[0].ok
    assert client.get(f"/print/dossiers/{demo.refused.pk}/result/").status_code == 404
