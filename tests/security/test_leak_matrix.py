"""The leak matrix: every path that reads a dossier × every kind of visitor — zero leaks.

One dossier is received at the Hồng Bàng district (``world.units.d``), with an applicant account,
a document file, a result file, a payment, a rating and an outbox message. Each path of
:data:`ROWS` is requested by each visitor of :data:`ACTORS`; a visitor outside the dossier's scope
must never get a response containing any of its secrets (its code, the applicant's name, ID number
and phone, the order reference, the files' content), except what the request itself carried (the
code in a URL, a search term echoed in its box). A *control* visitor must see at least one secret
on every row with one, so a row cannot pass by requesting a page that shows nothing.

:func:`test_every_url_is_in_the_matrix` walks the URL resolver: a new URL pattern fails it until it
is either given a row here or listed in :data:`NOT_DOSSIER_READING` (it reads no dossier), and a new
desk model page until its model is classified. Reports, exports and API paths join the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from motcua.core.roles import Role
from motcua.dossiers.models import Consultation, Dossier
from motcua.dossiers.visits import visits_record
from motcua.integrations.models import OutboxMessage, Payment
from motcua.portal.models import Rating
from tests.units.factories import make_membership, make_user

pytestmark = pytest.mark.django_db

DOC_SECRET = b"NOI-DUNG-GIAY-TO-MAT-7f3a"
RESULT_SECRET = b"NOI-DUNG-KET-QUA-MAT-9c1d"
REPLY_SECRET = b"NOI-DUNG-Y-KIEN-MAT-5e2a"
ORDER_REF = "LEAKMATRIX0001"

#: The visitors. ``sees`` says which rows each is entitled to (desk, portal, admin); empty: none.
ACTORS = {
    "anonymous": set(),
    "citizen": {"portal"},  # the applicant, through their account
    "other_citizen": set(),
    "officer_other_unit": set(),
    "officer_this_unit": {"desk", "portal"},
    "unit_admin_other_subtree": set(),
    "leader_of_parent": {"desk", "portal"},
    # the scope's cross-unit part, read from the visits (motcua.dossiers.visits): the department
    # consulted on the dossier sees it; the one consulted on another dossier of the same unit not
    "officer_consulted_unit": {"desk", "portal"},
    "officer_consulted_elsewhere": set(),
    "superuser": {"desk", "portal", "admin"},
}


@dataclass(frozen=True)
class Row:
    """One read path: the requests it makes and which visitors may see the dossier there."""

    audience: str  # "desk", "portal" or "admin"
    requests: Callable[[SimpleNamespace], list[tuple[str, str, dict]]]
    control: str | None = None  # a visitor who must see a secret here (None: no page shows one)


def _get(path, **data):
    return [("get", path, data)]


def _received_day(dossier) -> dict:
    """The ledger's query for the day *dossier* was received (both ends of the range)."""
    day = f"{timezone.localdate(dossier.received_at):%d/%m/%Y}"
    return {"from": day, "to": day}


def _admin_model(app_model: str, *, search: str = "", filters: dict | None = None):
    def requests(ctx):
        pk = ctx.objects[app_model]
        base = f"/admin/{app_model.replace('_', '/', 1)}/"
        return [
            ("get", base, {}),
            ("get", base, {"q": search or ctx.dossier.code}),
            ("get", base, filters or {}),
            ("get", f"{base}{pk}/change/", {}),
            ("get", f"{base}{pk}/history/", {}),
            ("get", f"{base}{pk}/delete/", {}),
            ("get", f"{base}{pk}/", {}),
        ]

    return requests


ADMIN_MODEL_ROWS = {
    # The desk's dossier and payment pages are scoped like the desk (dossiers_visible).
    "dossiers_dossier": Row(
        "desk",
        _admin_model("dossiers_dossier", search="031190001234"),
        control="superuser",
    ),
    "integrations_payment": Row(
        "desk", _admin_model("integrations_payment", search=ORDER_REF), control="superuser"
    ),
    "integrations_paymentcallback": Row(
        "admin", _admin_model("integrations_paymentcallback", search=ORDER_REF)
    ),
    "integrations_outboxmessage": Row(
        "admin", _admin_model("integrations_outboxmessage", search="payment"), control="superuser"
    ),
    "portal_rating": Row("admin", _admin_model("portal_rating"), control="superuser"),
}

#: Desk model pages that hold no dossier data (a new one must be classified: see the last test).
ADMIN_MODELS_WITHOUT_DOSSIERS = {
    "core_workingcalendar",
    "core_holiday",
    "core_makeupworkingday",
    "core_deadlinerecomputation",
    "core_deadlinechange",  # counts and dates of a recomputation, no applicant data
    "units_unitlevel",
    "units_unit",
    "units_membership",
    "auth_user",
    "auth_group",
    "procedures_sector",
    "procedures_procedure",
    "procedures_procedureversion",
    "dossiers_delegation",
    "printing_printtemplate",
    "jobs_appliedpatch",
    "security_securityevent",
    "django_rq_dashboard",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "otp_totp_totpdevice",
    "jobs_sweeprun",  # counts and errors of the sweep's batches
    "notifications_escalationpolicy",
    "notifications_notificationtemplate",
    "notifications_staffcontact",  # staff phones and Zalo ids, scoped to administered units
    "reports_indicatorsetting",
    "reports_scoreband",
    "reports_savedreport",  # a definition (fields, filters), not its rows
    "reports_reportsubscription",
    "dossiers_codepattern",  # the versioned structure of dossier codes, no dossier
}

#: Desk model pages that hold dossier data and are for the site administrator only: a staff
#: member without that role must be refused (checked by test_site_administrator_only_models).
ADMIN_MODELS_SITE_ADMINISTRATOR_ONLY = {
    "notifications_notification",
    "notifications_escalationfiring",
    "notifications_apologydraft",
    "mailbox_outgoingmail",
    "authtoken_tokenproxy",  # an API token reads every dossier its holder may read
    "units_reorganisation",  # counts and ids of moved dossiers; its pages are rows below
    # legacy import records: their row-level errors quote the file's applicants (and its upload
    # page, ``admin:dossiers_dossierimport_upload``, writes dossiers of any unit)
    "dossiers_dossierimport",
}

ROWS: dict[str, Row] = {
    # -- the postal plugin's desk page (plugins/postal; enabled by the test settings when installed)
    # The matrix dossier awaits no post, so no page shows a secret: its own tests check that the
    # officer in scope sees the waiting dossier and one outside does not (dossiers_visible).
    "postal:pending": Row("desk", lambda c: _get("/plugins/postal/")),
    "postal:send": Row("desk", lambda c: [("post", f"/plugins/postal/{c.dossier.pk}/send/", {})]),
    # -- desk
    "desk:worklist": Row("desk", lambda c: _get("/desk/"), control="officer_this_unit"),
    "desk:intake": Row("desk", lambda c: _get("/desk/intake/")),
    "desk:search": Row(
        "desk",
        lambda c: _get("/desk/search/", q=c.dossier.code) + _get("/desk/search/", q="031190001234"),
        control="officer_this_unit",
    ),
    "desk:dossier": Row(
        "desk", lambda c: _get(f"/desk/dossiers/{c.dossier.pk}/"), control="officer_this_unit"
    ),
    "desk:act": Row(
        "desk",
        lambda c: [
            ("get", f"/desk/dossiers/{c.dossier.pk}/act/forward/", {}),
            ("post", f"/desk/dossiers/{c.dossier.pk}/act/forward/", {"note": "x"}),
        ],
    ),
    "desk:document": Row(
        "desk",
        lambda c: _get(f"/desk/dossiers/{c.dossier.pk}/documents/{c.document.pk}/"),
        control="officer_this_unit",
    ),
    "desk:result_file": Row(
        "desk", lambda c: _get(f"/desk/dossiers/{c.dossier.pk}/result/"), control="superuser"
    ),
    "desk:consultation_file": Row(
        "desk",
        lambda c: _get(f"/desk/dossiers/{c.dossier.pk}/consultations/{c.consultation.pk}/"),
        control="officer_this_unit",
    ),
    # the same paths seen from the consulted department (its scope through the visits)
    "desk:dossier, consulted unit": Row(
        "desk", lambda c: _get(f"/desk/dossiers/{c.dossier.pk}/"), control="officer_consulted_unit"
    ),
    "desk:search, consulted unit": Row(
        "desk",
        lambda c: _get("/desk/search/", q="031190001234"),
        control="officer_consulted_unit",
    ),
    "desk:worklist, consulted unit": Row(
        "desk", lambda c: _get("/desk/"), control="officer_consulted_unit"
    ),
    # -- print forms and ledger
    "printing:dossier_form": Row(
        "desk",
        lambda c: (
            _get(f"/print/dossiers/{c.dossier.pk}/01/", format="html")
            + _get(f"/print/dossiers/{c.dossier.pk}/06/", format="html")
        ),
    ),
    "printing:dossier_result": Row(
        "desk", lambda c: _get(f"/print/dossiers/{c.dossier.pk}/result/")
    ),
    "printing:ledger": Row(
        "desk",
        lambda c: (
            _get("/print/ledger/", format="html")
            + _get("/print/ledger/", unit=c.dossier.unit_id, format="html")
            + _get("/print/ledger/", unit=c.dossier.unit_id, **_received_day(c.dossier))
        ),
        control="officer_this_unit",
    ),
    # queues the PDF (a redirect to the task); the file is the asker's (jobs:task_file)
    "printing:ledger_pdf": Row(
        "desk",
        lambda c: [
            ("post", "/print/ledger/pdf/", {"unit": c.dossier.unit_id, **_received_day(c.dossier)})
        ],
    ),
    # -- portal
    "portal:lookup": Row(
        "portal",
        lambda c: [("post", "/tra-cuu/", {"code": c.dossier.code, "proof": "0900000000"})],
    ),
    "portal:status": Row(
        "portal", lambda c: _get(f"/tra-cuu/{c.dossier.code}/"), control="citizen"
    ),
    "portal:document": Row(
        "portal",
        lambda c: _get(f"/tra-cuu/{c.dossier.code}/giay-to/{c.document.pk}/"),
        control="citizen",
    ),
    "portal:result": Row("portal", lambda c: _get(f"/tra-cuu/{c.dossier.code}/ket-qua/")),
    "portal:supplement": Row("portal", lambda c: _get(f"/tra-cuu/{c.dossier.code}/bo-sung/")),
    "portal:withdraw": Row("portal", lambda c: _get(f"/tra-cuu/{c.dossier.code}/rut-ho-so/")),
    "portal:delivery": Row("portal", lambda c: _get(f"/tra-cuu/{c.dossier.code}/nhan-ket-qua/")),
    "portal:rate": Row("portal", lambda c: _get(f"/tra-cuu/{c.dossier.code}/danh-gia/")),
    "portal:link": Row("portal", lambda c: _get(f"/tra-cuu/{c.dossier.code}/gan-tai-khoan/")),
    "portal:my_dossiers": Row(
        "portal", lambda c: _get("/tai-khoan/ho-so-cua-toi/"), control="citizen"
    ),
    # -- payments
    "integrations:start": Row(
        "portal", lambda c: [("post", f"/thanh-toan/{c.dossier.code}/bat-dau/", {})]
    ),
    # The order reference is a capability (a timestamp and 40 random bits) handed to the payer
    # only, like a gateway's own payment page; a guessed one must show nothing.
    "integrations:sandbox_pay": Row(
        "portal",
        lambda c: (
            _get("/thanh-toan/sandbox/LEAKMATRIX0002/")
            + _get(f"/thanh-toan/sandbox/{c.dossier.code}/")
        ),
    ),
    "integrations:return": Row(
        "portal", lambda c: _get("/thanh-toan/vnpay/return/", vnp_TxnRef=ORDER_REF)
    ),
    "integrations:ipn": Row(
        "portal", lambda c: _get("/thanh-toan/vnpay/ipn/", vnp_TxnRef=ORDER_REF)
    ),
    # -- desk (admin) search and autocomplete across models
    "admin:search": Row("admin", lambda c: _get("/admin/search/", s="031190001234")),
    "admin:autocomplete": Row(
        "desk",
        lambda c: _get(
            "/admin/autocomplete/",
            term=c.dossier.code[:6],
            app_label="integrations",
            model_name="payment",
            field_name="dossier",
        ),
        control="officer_this_unit",
    ),
    "admin:dossiers_dossier_close_old_training": Row(
        "admin", lambda c: _get("/admin/dossiers/dossier/close-training/")
    ),
    # -- portal: the citizen's own account page and printed forms (01–05) of their dossier
    "portal:account": Row("portal", lambda c: _get("/tai-khoan/")),
    "portal:printed_form": Row(
        "portal",
        lambda c: (
            _get(f"/tra-cuu/{c.dossier.code}/mau/01/") + _get(f"/tra-cuu/{c.dossier.code}/mau/02/")
        ),
    ),
    # -- reports: the manager's scope (every report path is also in tests/reports/test_scope_matrix)
    "reports:dashboard": Row("desk", lambda c: _get("/desk/reports/")),
    "reports:dossiers": Row(
        "desk",
        lambda c: (
            _get("/desk/reports/dossiers/")
            + _get("/desk/reports/dossiers/", indicator="received", period="year")
        ),
    ),
    "reports:builder": Row("desk", lambda c: _get("/desk/reports/builder/")),
    "reports:builder_export": Row(
        "desk", lambda c: _get("/desk/reports/builder/export/csv/", columns="code,applicant_name")
    ),
    "reports:officer": Row(
        "desk", lambda c: _get(f"/desk/reports/officers/{c.dossier.current_step.assignee_id}/")
    ),
    "public_reports:progress": Row("admin", lambda c: _get("/cong-khai-tien-do/")),
    # -- the REST API (motcua.api): the same scope as the desk, the applicant's own through it
    "api:dossiers": Row(
        "portal",
        lambda c: (
            _get("/api/v1/dossiers/")
            + _get("/api/v1/dossiers/", q=c.dossier.applicant_name)
            + _get("/api/v1/dossiers/", unit=c.dossier.unit.agency_code)
        ),
        control="officer_this_unit",
    ),
    "api:dossier": Row(
        "portal", lambda c: _get(f"/api/v1/dossiers/{c.dossier.code}/"), control="officer_this_unit"
    ),
    "api:dossiers, consulted unit": Row(
        "portal", lambda c: _get("/api/v1/dossiers/"), control="officer_consulted_unit"
    ),
    # -- the viewer's own notifications (each row is addressed to one person) and job monitor
    "notifications:inbox": Row("admin", lambda c: _get("/desk/notifications/")),
    "jobs:monitor": Row("admin", lambda c: _get("/desk/jobs/")),
    # -- unit reorganisation (site administrator only): the preview and progress of one that
    # ends the dossier's unit, and the one-by-one assignment of a closed unit's open dossiers
    "admin:units_reorganisation_preview": Row(
        "admin", lambda c: _get(f"/admin/units/reorganisation/{_closing(c).pk}/preview/")
    ),
    "admin:units_reorganisation_progress": Row(
        "admin", lambda c: _get(f"/admin/units/reorganisation/{_closing(c).pk}/progress/")
    ),
    "admin:units_reorganisation_closed_dossiers": Row(
        "admin",
        lambda c: _closing(c, close=True) and _get("/admin/units/reorganisation/closed-dossiers/"),
        control="superuser",
    ),
}


def _closing(ctx, *, close: bool = False):
    """A reorganisation closing the dossier's unit (closed at once when *close*)."""
    from datetime import date

    from motcua.units.models import Reorganisation, Unit

    unit = Unit.objects.get(pk=ctx.dossier.current_unit_id)
    r = Reorganisation.objects.create(
        kind="close",
        effective_date=date(2025, 7, 1),
        decision_number="1669/NQ-UBTVQH15",
        decision_date=date(2025, 6, 16),
        created_by=ctx.visitors["superuser"],
        outcome={"dossiers_moved": [ctx.dossier.pk]},
    )
    r.sources.set([unit])
    if close:
        Unit.objects.filter(pk=unit.pk).update(valid_to=date(2025, 7, 1), is_active=False)
    return r


#: URL patterns that read no dossier (named ``namespace:name``, unnamed by their route).
NOT_DOSSIER_READING = {
    "set_language",
    "desk:counter",  # the reception form: procedures and the officer's own units
    "desk:procedure_lookup",
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:jsi18n",
    "admin:app_list",
    "admin:view_on_site",  # a redirect to the object's own page (covered by its row)
    "admin:security_role_permissions",
    "admin:printing_printtemplate_preview",  # sample data or the template author's own scope
    "admin:printing_printtemplate_preview_saved",
    "admin/(?P<url>.*)$",  # the admin's catch-all 404
    "security:otp",  # the second-factor page: the visitor's own device
    "notifications:read",  # marks the viewer's own notifications read (POST, no content)
    "notifications:contact",  # the viewer's own SMS phone and Zalo id
    "jobs:health",  # queue and sweep figures for the load balancer, no dossier
    "jobs:task",  # a long task's counts and label, for the person who asked or an administrator
    # a task's file (the ledger's PDF), for the person who asked only: rows chosen in their scope
    # (tests/printing/test_ledger_page.py refuses it to another officer of the same unit)
    "jobs:task_file",
    "ops:live",  # "ok" for the load balancer
    "ops:ready",  # database / Redis / store checks and counts, no dossier
    "ops:metrics",  # Prometheus gauges and counters, monitoring networks only
    "favicon.ico",
    "reports:builder_save",  # saves a definition (POST); its results are the builder's row
    "reports:ledger_xlsx",  # a zipped workbook: scoped in tests/reports/test_scope_matrix.py
    "portal:home",
    "portal:catalogue",
    "portal:procedure",
    "portal:template",
    "portal:apply",
    "portal:upload",  # a draft's file (no dossier yet), checked against its owner
    "portal:signup",
    "portal:verify",
    "portal:login",
    "portal:logout",
    "portal:password_reset",
    "portal:password_reset_done",
    "portal:password_reset_confirm",
    "portal:password_reset_complete",
    "portal:draft_delete",
    "api:procedures",  # the public catalogue
    "api:procedure",
    "api:units",
    "api:schema",
}


def _walk(patterns, namespace=(), prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespace, pattern.name)) if pattern.name else None
            yield name, prefix + str(pattern.pattern)


def _admin_model_of(name: str | None, route: str) -> str | None:
    for model in admin.site._registry:
        key = f"{model._meta.app_label}_{model._meta.model_name}"
        if route.startswith(f"admin/{model._meta.app_label}/{model._meta.model_name}/"):
            return key
        if name and name.startswith(f"admin:{key}_"):
            return key
    return None


def test_every_url_is_in_the_matrix():
    missing = []
    for name, route in _walk(get_resolver().url_patterns):
        if name and name.startswith("django_rq:"):
            continue  # the job dashboard: site administrators only (test_headers_and_settings)
        if name in ROWS or (name or route) in NOT_DOSSIER_READING:
            continue
        model = _admin_model_of(name, route)
        if model in (
            ADMIN_MODEL_ROWS.keys()
            | ADMIN_MODELS_WITHOUT_DOSSIERS
            | ADMIN_MODELS_SITE_ADMINISTRATOR_ONLY
        ):
            continue
        missing.append(name or route)
    assert not missing, f"URL patterns without a leak-matrix row: {missing}"


def test_every_admin_model_is_classified():
    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    unclassified = (
        registered
        - set(ADMIN_MODEL_ROWS)
        - ADMIN_MODELS_WITHOUT_DOSSIERS
        - ADMIN_MODELS_SITE_ADMINISTRATOR_ONLY
    )
    assert not unclassified


@pytest.mark.parametrize("model", sorted(ADMIN_MODELS_SITE_ADMINISTRATOR_ONLY))
def test_site_administrator_only_models_refuse_other_staff(matrix, model):
    base = f"/admin/{model.replace('_', '/', 1)}/"
    for actor in ("officer_this_unit", "leader_of_parent", "unit_admin_other_subtree"):
        response = _client(matrix.visitors[actor]).get(base)
        assert response.status_code in (302, 403), (actor, model, response.status_code)
        assert not any(s in _body(response) for s in matrix.secrets)


@pytest.fixture
def matrix(world, received):
    dossier = received
    users = world.users
    other_citizen = make_user("congdan.khac", is_staff=False)
    unit_admin = make_user("quantri.lechan")
    make_membership(unit_admin, world.units.d2, Role.UNIT_ADMINISTRATOR)
    superuser = get_user_model().objects.create_superuser("sieuquantri", "", "x")
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=users.citizen)
    dossier.refresh_from_db()
    document = dossier.documents.first()
    document.file.save("giay-to.pdf", ContentFile(DOC_SECRET))
    dossier.result_file.save("ket-qua.pdf", ContentFile(RESULT_SECRET))
    consultation = Consultation.objects.create(
        step=dossier.current_step, unit=world.units.sxd, answer="Đồng ý", verdict="agree"
    )
    consultation.reply_file.save("y-kien.pdf", ContentFile(REPLY_SECRET))
    visits_record(dossier, [world.units.sxd.pk])
    elsewhere = _other_dossier_consulted(world, world.units.stn)
    payment = Payment.objects.create(
        dossier=dossier, provider="sandbox", order_ref=ORDER_REF, amount=50000
    )
    rating = Rating.objects.create(dossier=dossier, score=5, comment="Tốt")
    outbox = OutboxMessage.objects.create(
        topic="payment.paid", payload={"dossier_code": dossier.code, "order_ref": ORDER_REF}
    )
    callback = payment.callbacks.create(
        provider="sandbox", kind="return", order_ref=ORDER_REF, verdict="displayed"
    )
    visitors = {
        "anonymous": None,
        "citizen": users.citizen,
        "other_citizen": other_citizen,
        "officer_other_unit": users.other_spec,
        "officer_this_unit": users.spec1,
        "unit_admin_other_subtree": unit_admin,
        "leader_of_parent": users.city_leader,
        "officer_consulted_unit": users.sxd_spec,
        "officer_consulted_elsewhere": users.stn_spec,
        "superuser": superuser,
    }
    assert elsewhere.unit_id == dossier.unit_id
    secrets = [
        dossier.code.encode(),
        dossier.applicant_name.encode(),
        dossier.applicant_id_number.encode(),
        dossier.applicant_phone.encode(),
        ORDER_REF.encode(),
        DOC_SECRET,
        RESULT_SECRET,
        REPLY_SECRET,
    ]
    return SimpleNamespace(
        dossier=dossier,
        document=document,
        consultation=consultation,
        visitors=visitors,
        secrets=secrets,
        objects={
            "dossiers_dossier": dossier.pk,
            "integrations_payment": payment.pk,
            "integrations_paymentcallback": callback.pk,
            "integrations_outboxmessage": outbox.pk,
            "portal_rating": rating.pk,
        },
    )


def _other_dossier_consulted(world, unit):
    """Another dossier of the same receiving unit (another applicant), consulted with *unit*."""
    import time_machine

    from motcua.dossiers import services
    from tests.builders import at, received_documents

    with time_machine.travel(at(2025, 3, 3, 10, 0), tick=False):
        other = services.dossier_receive(
            user=world.users.reception,
            procedure=world.procedure,
            unit=world.units.d,
            applicant={
                "applicant_name": "Đỗ Văn Khác",
                "applicant_id_number": "031190009999",
                "applicant_phone": "0987000111",
            },
            documents=received_documents(),
        )
    Consultation.objects.create(step=other.current_step, unit=unit)
    visits_record(other, [unit.pk])
    return other


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = "vi"
    return client


ALL_ROWS = {**ROWS, **{f"admin model {k}": v for k, v in ADMIN_MODEL_ROWS.items()}}


@pytest.mark.parametrize("row_name", sorted(ALL_ROWS))
def test_no_visitor_outside_the_scope_reads_the_dossier(matrix, row_name):
    row = ALL_ROWS[row_name]
    requests = row.requests(matrix)
    leaks, control_saw = [], False
    for actor, user in matrix.visitors.items():
        entitled = row.audience in ACTORS[actor]
        client = _client(user)
        for method, path, data in requests:
            response = getattr(client, method)(path, data)
            body = _body(response)
            # what the request itself carries (a code in the URL, a search term) may be echoed
            sent = path + " ".join(str(v) for v in data.values())
            shown = [
                s.decode(errors="replace")
                for s in matrix.secrets
                if s in body and s.decode() not in sent
            ]
            if shown and not entitled:
                leaks.append((actor, method, path, response.status_code, shown))
            if shown and actor == row.control:
                control_saw = True
    assert not leaks, f"leaks: {leaks}"
    if row.control:
        assert control_saw, f"{row.control} should see the dossier on {row_name}"
