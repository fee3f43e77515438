"""Shared test builders: plain functions that build the data several test packages use.

Each package's conftest turns them into fixtures (the root ``tests/conftest.py`` does it for
``world``, ``applicant`` and ``documents``), so no package imports another package's conftest.

The world: a small province, a procedure with a 3-step workflow and its officers. Time is frozen
by each test; the site calendar is the default one (Mon–Fri 07:30–11:30, 13:00–17:00) plus the
holidays a test adds, so every expected due moment can be computed by hand.
"""

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group

from motcua.core.roles import Role
from motcua.procedures.models import Procedure, RequiredDocument, Sector
from motcua.procedures.services import procedure_publish
from motcua.procedures.workflow import WorkflowStep
from tests.units.factories import make_levels, make_membership, make_unit, make_user

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> datetime:
    """Return an aware moment in Hanoi time: ``at(2025, 3, 3, 9, 0)``."""
    return datetime(*args, tzinfo=TZ)


STEP_ACTIONS = [
    "forward",
    "return_previous",
    "request_supplement",
    "consult",
    "suspend",
    "resume",
    "refuse",
    "stop",
    "transfer",
    "apologize",
]


def add_step(procedure, order, name, roles, amount, **kw):
    step = WorkflowStep.objects.create(
        procedure=procedure, order=order, name=name, duration_amount=Decimal(amount), **kw
    )
    step.roles.set(Group.objects.filter(name__in=roles))
    return step


def build_world() -> SimpleNamespace:
    """The lifecycle world: a province, two districts, two departments, their officers, and
    procedure 1.009994 with its 3-step workflow, published."""
    lv = make_levels()
    p = make_unit("000.00.00.H27", "Ủy ban nhân dân thành phố Hải Phòng", lv["province"])
    sxd = make_unit("000.00.02.H27", "Sở Xây dựng", lv["department"], p)
    stn = make_unit("000.00.05.H27", "Sở Tài nguyên và Môi trường", lv["department"], p)
    d = make_unit("000.00.31.H27", "Ủy ban nhân dân quận Hồng Bàng", lv["district"], p)
    d2 = make_unit("000.00.32.H27", "Ủy ban nhân dân quận Lê Chân", lv["district"], p)

    users = SimpleNamespace(
        reception=make_user("motcua", first_name="Hoa", last_name="Trần Thị"),
        spec1=make_user("chuyenvien1", first_name="Tuấn", last_name="Lê Minh"),
        spec2=make_user("chuyenvien2", first_name="Nam", last_name="Vũ Văn"),
        leader=make_user("lanhdao", first_name="Hùng", last_name="Phạm Quốc"),
        city_leader=make_user("lanhdao.tp"),
        other_spec=make_user("chuyenvien.lechan"),
        sxd_spec=make_user("chuyenvien.sxd"),
        stn_spec=make_user("chuyenvien.stn"),
        clerk=make_user("vanthu"),
        citizen=make_user("congdan", is_staff=False),
        admin=make_user("quantri"),
    )
    make_membership(users.reception, d, Role.RECEPTION_OFFICER)
    make_membership(users.spec1, d, Role.SPECIALIST)
    make_membership(users.spec2, d, Role.SPECIALIST)
    make_membership(users.leader, d, Role.UNIT_LEADER)
    make_membership(users.city_leader, p, Role.UNIT_LEADER)
    make_membership(users.other_spec, d2, Role.SPECIALIST)
    make_membership(users.sxd_spec, sxd, Role.SPECIALIST)
    make_membership(users.stn_spec, stn, Role.SPECIALIST)
    make_membership(users.clerk, d, Role.CLERK)
    make_membership(users.admin, p, Role.ADMINISTRATOR)

    sector = Sector.objects.create(code="XD", name="Hoạt động xây dựng")
    procedure = Procedure.objects.create(
        national_code="1.009994",
        name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        sector=sector,
        level=lv["district"],
        legal_basis="Luật Xây dựng 2014",
        processing_amount=Decimal(15),
        processing_unit="working_days",
        online_level="partial",
        result_type="Giấy phép xây dựng",
    )
    procedure.units.set([d, d2])
    RequiredDocument.objects.create(procedure=procedure, name="Đơn đề nghị", originals=1, order=1)
    RequiredDocument.objects.create(procedure=procedure, name="Bản vẽ", originals=2, order=2)
    add_step(
        procedure,
        1,
        "Thẩm định hồ sơ",
        [Role.SPECIALIST],
        8,
        actions=STEP_ACTIONS,
        assignment="round_robin",
    )
    consult = add_step(
        procedure,
        2,
        "Lấy ý kiến các sở",
        [Role.SPECIALIST],
        3,
        actions=["forward", "return_previous", "suspend", "resume"],
        required_answers=1,
    )
    consult.consult_units.set([sxd, stn])
    add_step(
        procedure,
        3,
        "Lãnh đạo phê duyệt, ký",
        [Role.UNIT_LEADER],
        2,
        actions=["issue_result", "return_previous", "apologize", "request_supplement"],
    )
    procedure_publish(procedure=procedure)

    return SimpleNamespace(
        units=SimpleNamespace(p=p, sxd=sxd, stn=stn, d=d, d2=d2),
        users=users,
        procedure=procedure,
        levels=lv,
    )


def applicant_fields() -> dict:
    """The applicant of most tests (an individual in Hồng Bàng)."""
    return {
        "applicant_name": "Nguyễn Thị Bình",
        "applicant_id_number": "031190001234",
        "applicant_phone": "0912345678",
        "applicant_email": "binh@example.vn",
        "applicant_address": "12 Lý Tự Trọng, Hồng Bàng",
    }


def received_documents() -> list[dict]:
    """Both required documents of procedure 1.009994, received."""
    return [{"name": "Đơn đề nghị", "received": True}, {"name": "Bản vẽ", "received": True}]


def build_communes(world) -> SimpleNamespace:
    """Three communes under the province of *world*, each with a counter officer and a
    specialist, and procedure 2.000575 (commune level, one 5-working-day step that issues the
    result) offered by all three: the setting of a 2025 commune merger."""
    lv = world.levels
    p = world.units.p
    specs = [
        ("000.11.31.H27", "Ủy ban nhân dân xã An Hồng", "anhong"),
        ("000.12.31.H27", "Ủy ban nhân dân xã Lê Thiện", "lethien"),
        ("000.13.31.H27", "Ủy ban nhân dân xã Đại Bản", "daiban"),
    ]
    units, reception, specialists = [], [], []
    for code, name, slug in specs:
        unit = make_unit(code, name, lv["commune"], p)
        counter = make_user(f"motcua.{slug}")
        specialist = make_user(f"chuyenvien.{slug}")
        make_membership(counter, unit, Role.RECEPTION_OFFICER)
        make_membership(specialist, unit, Role.SPECIALIST)
        units.append(unit)
        reception.append(counter)
        specialists.append(specialist)
    sector = Sector.objects.create(code="HKD", name="Thành lập và hoạt động của hộ kinh doanh")
    procedure = Procedure.objects.create(
        national_code="2.000575",
        name="Đăng ký thành lập hộ kinh doanh",
        sector=sector,
        level=lv["commune"],
        processing_amount=Decimal(5),
        processing_unit="working_days",
        online_level="full",
        result_type="Giấy chứng nhận đăng ký hộ kinh doanh",
    )
    procedure.units.set(units)
    RequiredDocument.objects.create(procedure=procedure, name="Giấy đề nghị", originals=1, order=1)
    add_step(
        procedure,
        1,
        "Thẩm định và cấp giấy chứng nhận",
        [Role.SPECIALIST],
        5,
        actions=["issue_result", "request_supplement", "suspend", "resume", "refuse"],
    )
    procedure_publish(procedure=procedure)
    return SimpleNamespace(
        units=units, reception=reception, specialists=specialists, procedure=procedure
    )


def receive_at_counter(world, applicant: dict, documents: list[dict], **kw):
    """Receive procedure 1.009994 at the Hồng Bàng counter (now: freeze time around the call)."""
    from motcua.dossiers import services

    return services.dossier_receive(
        user=world.users.reception,
        procedure=world.procedure,
        unit=world.units.d,
        applicant=applicant,
        documents=documents,
        **kw,
    )
