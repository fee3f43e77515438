"""PAdES signatures with the unit's certificate (pyHanko), and their verification.

Configuration (``site_config.toml``)::

    [signing]
    pkcs12_path = "certs/ubnd-hong-bang.p12"   # relative to sites/<site>/; never committed
    required = false                            # true: never hand out an unsigned copy
    reason = "Ký số giấy tờ một cửa"           # optional
    location = "Hải Phòng"                     # optional

The PKCS#12 password comes from the environment (``MOTCUA_SIGNING_PASSWORD``), never from a file
in git. A missing, unreadable, expired or not-yet-valid certificate raises
:class:`SigningUnavailable` with a message for the officer; when signing is optional the caller
prints the unsigned PDF and shows that message. No signature is ever made with a certificate outside
its validity period: such a signature would not be valid.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.core.selectors import site_time_zone

PASSWORD_ENV = "MOTCUA_SIGNING_PASSWORD"
FIELD_NAME = "ChuKySoDonVi"


class SigningUnavailable(Exception):
    """The unit's certificate cannot be used now; the message is for the officer (Vietnamese)."""


@dataclass(frozen=True)
class SigningConfig:
    pkcs12_path: Path
    password: bytes | None
    required: bool
    reason: str
    location: str


def signing_config(site=None) -> SigningConfig | None:
    """Return the site's signing configuration, or None when the site has none."""
    site = site or settings.SITE
    raw = site.extra.get("signing")
    if not isinstance(raw, dict) or not raw.get("pkcs12_path"):
        return None
    path = Path(str(raw["pkcs12_path"]))
    if not path.is_absolute():
        path = site.directory / path
    password = os.environ.get(PASSWORD_ENV)
    return SigningConfig(
        pkcs12_path=path,
        password=password.encode("utf-8") if password else None,
        required=bool(raw.get("required", False)),
        reason=str(raw.get("reason") or "Ký số giấy tờ của bộ phận một cửa"),
        location=str(raw.get("location") or site.extra.get("place_name") or ""),
    )


_NOT_CONFIGURED = (
    "Hệ thống chưa được cấu hình chứng thư số ([signing] trong cấu hình site); "
    "giấy tờ được in không có chữ ký số."
)


def signing_problem(site=None) -> str | None:
    """Return why the site cannot sign now (no certificate, unreadable, expired…), or None.

    The desk offers a signed copy only when this is None, so an officer never asks for a
    signature that cannot be made.
    """
    config = signing_config(site)
    if config is None:
        return _(_NOT_CONFIGURED)
    try:
        load_signer(config)
    except SigningUnavailable as exc:
        return str(exc)
    return None


def signing_required(site=None) -> bool:
    config = signing_config(site)
    return bool(config and config.required)


def _day(moment: datetime) -> str:
    return timezone.localtime(moment, site_time_zone()).strftime("%d/%m/%Y")


def load_signer(config: SigningConfig, *, now: datetime | None = None) -> signers.SimpleSigner:
    """Load the PKCS#12 and check the certificate is valid *now*; raise SigningUnavailable."""
    if not config.pkcs12_path.is_file():
        raise SigningUnavailable(
            _(
                "Không tìm thấy tệp chứng thư số của đơn vị (%(file)s); liên hệ quản trị hệ "
                "thống. Giấy tờ được in không có chữ ký số."
            )
            % {"file": config.pkcs12_path.name}
        )
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            config.pkcs12_path.read_bytes(), other_certs=(), passphrase=config.password
        )
    except (ValueError, OSError):
        raise SigningUnavailable(
            _(
                "Không mở được chứng thư số của đơn vị (sai mật khẩu %(env)s hoặc tệp hỏng); "
                "giấy tờ được in không có chữ ký số."
            )
            % {"env": PASSWORD_ENV}
        ) from None
    validity = signer.signing_cert["tbs_certificate"]["validity"]
    not_before = validity["not_before"].native
    not_after = validity["not_after"].native
    now = now or datetime.now(UTC)
    if now > not_after:
        raise SigningUnavailable(
            _(
                "Chứng thư số của đơn vị đã hết hạn từ ngày %(day)s; cần gia hạn chứng thư số. "
                "Giấy tờ được in không có chữ ký số."
            )
            % {"day": _day(not_after)}
        )
    if now < not_before:
        raise SigningUnavailable(
            _(
                "Chứng thư số của đơn vị chỉ có hiệu lực từ ngày %(day)s; giấy tờ được in không "
                "có chữ ký số."
            )
            % {"day": _day(not_before)}
        )
    return signer


def sign_pdf(
    pdf: bytes,
    *,
    config: SigningConfig | None = None,
    signer: signers.SimpleSigner | None = None,
    reason: str | None = None,
) -> bytes:
    """Return *pdf* signed as PAdES (B-B, ``ETSI.CAdES.detached``) with the unit's certificate.

    Raises :class:`SigningUnavailable` when no certificate is configured or it cannot be used.
    """
    if signer is None:
        config = config or signing_config()
        if config is None:
            raise SigningUnavailable(_NOT_CONFIGURED)
        signer = load_signer(config)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or (config.reason if config else None),
        location=(config.location or None) if config else None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = signers.PdfSigner(meta, signer=signer).sign_pdf(writer)
    return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    intact: bool
    valid: bool
    trusted: bool
    signer: str
    signed_at: datetime | None
    summary: str

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted


def verify_pdf(pdf: bytes, *, trust_roots) -> list[SignatureCheck]:
    """Validate every signature of *pdf* with pyHanko against *trust_roots* (asn1crypto certs)."""
    reader = PdfFileReader(io.BytesIO(pdf))
    context = ValidationContext(trust_roots=list(trust_roots))
    checks = []
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(embedded, context)
        checks.append(
            SignatureCheck(
                intact=status.intact,
                valid=status.valid,
                trusted=status.trusted,
                signer=status.signing_cert.subject.human_friendly,
                signed_at=status.signer_reported_dt,
                summary=status.summary(),
            )
        )
    return checks
