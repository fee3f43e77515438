"""The seven one-stop forms: code, title, legal basis and how each gets its data.

One numbering, the one of Phụ lục I, Thông tư 03/2025/TT-VPCP (which guides Nghị định
118/2025/NĐ-CP and replaced Thông tư 01/2018/TT-VPCP): the code of a form *is* its "Mẫu số",
so the desk menu ("mẫu 06") and the PDF ("Mẫu số 06") cannot disagree (``legal_basis`` is
derived from the code).

What could be verified, and what could not (the official annex was not available; each title
below was checked against the texts that quote it, and the sources are named):

* 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả, 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ:
  numbers and titles quoted as "mẫu số 0N của Phụ lục I Thông tư số 03/2025/TT-VPCP" by a
  provincial decision (Nghệ An 3857/QĐ-UBND); the Bộ Y tế copy (QĐ 3621/QĐ-BYT, BM.01, BM.02)
  has the same headings. Verified as far as a quoting text goes.
* 03: the same Nghệ An decision quotes "Phiếu từ chối tiếp nhận hồ sơ (mẫu số 03 …)"; the Bộ Y
  tế copy's heading is "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", and a secondary list of the
  annex agrees. We print that heading (it also covers the refusal to *process*, which Nghị định
  118/2025 allows). The number is verified; the exact heading is not.
* 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết: the apology and request for
  extension, per the secondary list of the annex; the printed heading is the Bộ Y tế copy's
  "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" (a provincial rule, Lai Châu
  88/2025/QĐ-UBND, calls it "Phiếu đề nghị gia hạn thời gian giải quyết"). **The number 04 is not
  attested by any legal text at hand**; the wording of Thông tư 01/2018 ("hẹn lại ngày trả kết
  quả") is no longer used.
* 05 Thông báo dừng giải quyết hồ sơ: named (without a number) by Thông tư 03/2025 Điều 7; the
  number 05 comes from the secondary list only. **Number not verified.**
* 06 Phiếu kiểm soát quá trình giải quyết hồ sơ and 07 Sổ theo dõi hồ sơ: quoted as "Mẫu số 06"
  and "Mẫu số 07" (Hà Nội 1594/QĐ-TTPVHCC, 20/11/2025). Verified as far as a quoting text goes.

Correct them here (one place) when the annex is at hand; ``printing.models.FormCode`` repeats
the names for the desk's template list.

Under Thông tư 01/2018 the control sheet was Mẫu số 05 and the ledger Mẫu số 06; provincial
decisions of late 2025 still cite that numbering, which is why the forms disagreed before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext_noop

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers_visible
from motcua.dossiers.states import Action, Status
from motcua.printing import context as ctx
from motcua.printing.models import FormCode
from motcua.units.models import Unit

ONE_STOP = "Nghị định 118/2025/NĐ-CP"
ANNEX = "Phụ lục I Thông tư 03/2025/TT-VPCP"


@dataclass(frozen=True)
class FormSpec:
    code: str
    #: Vietnamese on the PDF (by law); marked with gettext_noop so the desk can show it translated.
    name: str
    title: str
    per_dossier: bool = True
    has_qr: bool = False
    event_actions: tuple[str, ...] = ()
    applicable: Callable[[Dossier], bool] = lambda dossier: True

    @property
    def legal_basis(self) -> str:
        """Printed on the form: its number in the annex, then the decree it serves."""
        return f"Mẫu số {self.code}, {ANNEX}; {ONE_STOP}"

    @property
    def template_name(self) -> str:
        return f"form_{self.code}.html"

    def info(self) -> ctx.FormInfo:
        return ctx.FormInfo(
            code=self.code, title=self.title, name=self.name, legal_basis=self.legal_basis
        )


FORMS: dict[str, FormSpec] = {
    spec.code: spec
    for spec in (
        FormSpec(
            code=FormCode.RECEIPT.value,
            name=gettext_noop("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
            title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            has_qr=True,
            applicable=lambda d: d.received_at is not None,
        ),
        FormSpec(
            code=FormCode.SUPPLEMENT.value,
            name=gettext_noop("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
            title="PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            has_qr=True,
            event_actions=(Action.REQUEST_SUPPLEMENT,),
            applicable=lambda d: bool(d.supplement_items),
        ),
        FormSpec(
            code=FormCode.REFUSAL.value,
            name=gettext_noop("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
            title="PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            event_actions=(Action.REFUSE, Action.REFUSE_INTAKE),
            applicable=lambda d: d.status == Status.REJECTED,
        ),
        FormSpec(
            code=FormCode.APOLOGY.value,
            name=gettext_noop("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"),
            title="PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            has_qr=True,
            event_actions=(Action.APOLOGIZE,),
            applicable=lambda d: d.apology_due_at is not None,
        ),
        FormSpec(
            code=FormCode.STOP.value,
            name=gettext_noop("Thông báo dừng giải quyết hồ sơ"),
            title="THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            event_actions=(Action.STOP,),
            applicable=lambda d: d.status == Status.STOPPED,
        ),
        FormSpec(
            code=FormCode.CONTROL_SHEET.value,
            name=gettext_noop("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
            title="PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            applicable=lambda d: d.received_at is not None,
        ),
        FormSpec(
            code=FormCode.LEDGER.value,
            name=gettext_noop("Sổ theo dõi hồ sơ"),
            title="SỔ THEO DÕI HỒ SƠ",
            per_dossier=False,
        ),
    )
}


def form_spec(code: str) -> FormSpec:
    """Return the form *code* ("01".."07"); raises ``KeyError`` for an unknown code."""
    return FORMS[code]


# --------------------------------------------------------------------------- data builders


def build_dossier_form(spec: FormSpec, *, dossier: Dossier, user, now: datetime) -> ctx.FormData:
    """Return the data of a dossier form (01–06); *dossier* was read through the scoped selector."""
    info = ctx.dossier_info(dossier)
    event = ctx.last_event(dossier, spec.event_actions) if spec.event_actions else None
    if event is not None and spec.code == FormCode.REFUSAL:
        event = ctx.refusal_signer(dossier, event)
    rows, summary = ((), "")
    if spec.code == FormCode.CONTROL_SHEET:
        rows, summary = ctx.control_rows(dossier, now=now)
    issued_at = event.at if event else (dossier.received_at or dossier.submitted_at)
    return ctx.FormData(
        form=spec.info(),
        site=ctx.site_info(),
        unit=ctx.unit_info(dossier.unit, dossier.received_at or dossier.submitted_at),
        issued_at=issued_at,
        printed_at=now,
        printed_by=ctx.person(user),
        dossier=info,
        handling_unit=ctx.unit_info(dossier.current_unit, issued_at),
        event=event,
        rows=rows,
        summary=summary,
        qr_image=ctx.qr_data_uri(info.lookup_url) if spec.has_qr else "",
    )


#: The two books of form 07's register: by the day a dossier was received at the counter, or by
#: the day its result was handed back (Thông tư 03/2025/TT-VPCP, Phụ lục I, mẫu số 07: the same
#: columns "ngày, giờ nhận hồ sơ" and "ngày, giờ trả kết quả").
LEDGER_BOOKS = ("received", "returned")


def ledger_dossiers(*, user, unit: Unit, date_from: date, date_to: date, book: str = "received"):
    """Return the dossiers of the ledger: received (or, for the returns book, handed back) by
    *unit* in the range, within *user*'s scope, in the order of that moment.

    Each book is a range read of one index: ``(unit_id, received_at)`` or ``(unit_id,
    returned_at)``. Training dossiers are left out (they are not in the official book), except in
    a training site, where every dossier is one.
    """
    if book not in LEDGER_BOOKS:
        raise ValueError(f"unknown ledger book {book!r}")
    moment = "received_at" if book == "received" else "returned_at"
    start, end = ctx.day_bounds(date_from, date_to)
    dossiers = dossiers_visible(user=user).filter(
        unit=unit, **{f"{moment}__gte": start, f"{moment}__lt": end}
    )
    if not settings.SITE.training:
        dossiers = dossiers.filter(is_training=False)
    return dossiers.order_by(moment, "id")


def build_ledger(
    spec: FormSpec,
    *,
    user,
    unit: Unit,
    date_from: date,
    date_to: date,
    now: datetime,
    book: str = "received",
) -> ctx.FormData:
    dossiers = ledger_dossiers(
        user=user, unit=unit, date_from=date_from, date_to=date_to, book=book
    )
    total = dossiers.count()
    page = list(
        dossiers.select_related("procedure", "current_unit").prefetch_related("steps__unit")[
            : ctx.LEDGER_MAX_ROWS
        ]
    )
    return ctx.FormData(
        form=spec.info(),
        site=ctx.site_info(),
        unit=ctx.unit_info(unit),
        issued_at=now,
        printed_at=now,
        printed_by=ctx.person(user),
        rows=ctx.ledger_rows(page, now=now),
        period=ctx.Period(date_from=date_from, date_to=date_to, book=book),
        total=total,
        truncated=total > len(page),
    )
