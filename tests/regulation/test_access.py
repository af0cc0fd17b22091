import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from regulation import services
from tests.access import EVERY_ROLE, NO_ROLE, SIGNED_IN, AccessCase, check_access, parametrize_access
from tests.factories import make_user

from .conftest import PDF, add_cpd, apply_for, register

pytestmark = pytest.mark.django_db

REG = {Role.REGULATOR_STAFF}


@pytest.fixture
def world(role_users):
    regulator = role_users[Role.REGULATOR_STAFF]
    manager = role_users[Role.LINE_MANAGER]
    employer = manager.active_memberships[0].organisation
    someone = make_user(Role.SOCIAL_WORKER, first_name="Ann", last_name="Other")
    entry = register(someone, regulator)
    job = services.add_employment(
        entry=entry,
        by=someone,
        employer=employer,
        role_title="Social worker",
        started_on=entry.registered_on,
        fte=Decimal("1"),
        contract="permanent",
    )
    case = services.open_case(entry=entry, by=regulator, concern="c", source="s", received_on=entry.registered_on)
    order = services.make_interim_order(
        case=case,
        by=regulator,
        kind="interim_conditions",
        starts_on=entry.registered_on,
        review_on=entry.registered_on + datetime.timedelta(days=30),
        expires_on=entry.registered_on + datetime.timedelta(days=90),
        reason="r",
        conditions=["Supervision"],
    )
    annotation = services.add_annotation(entry=entry, by=regulator, kind="bia", starts_on=entry.registered_on)
    waiting = services.submit_application(
        applicant=make_user(None),
        first_name="New",
        last_name="Applicant",
        date_of_birth=datetime.date(1995, 1, 1),
        email="new.applicant@example.com",
        address="x",
        qualification="BA",
        qualified_on=datetime.date(2020, 7, 1),
        documents={"qualification": _pdf()},
    )
    # Own-record pages: the social worker is on the register with a CPD record; the person with no role has an
    # application of their own waiting, with evidence. Everyone else has neither, so those pages answer 404.
    sw = role_users[Role.SOCIAL_WORKER]
    own_entry = register(sw, regulator)
    own_cpd = add_cpd(own_entry, sw, day=own_entry.registered_on)
    own_application = apply_for(role_users[NO_ROLE], documents={"identity": _pdf()})
    return {
        "users": role_users,
        "entry": entry,
        "job": job,
        "case": case,
        "order": order,
        "condition": order.conditions.get(),
        "annotation": annotation,
        "application": waiting,
        "document": waiting.documents.get(),
        "cpd": add_cpd(entry, someone, day=entry.registered_on),
        "own_entry": own_entry,
        "own_cpd": own_cpd,
        "own_application": own_application,
        "own_document": own_application.documents.get(),
    }


def _pdf():
    return SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")


def e(w):
    return w["entry"].pk


CASES = [
    AccessCase("check the register", lambda w: "/register/check/?q=Other", EVERY_ROLE, public=True),
    AccessCase("bulk lookup", lambda w: "/register/check/bulk/", EVERY_ROLE, public=True),
    AccessCase("apply", lambda w: "/register/apply/", SIGNED_IN),
    AccessCase("check your answers", lambda w: "/register/apply/check/", SIGNED_IN),  # no answers yet: to the form
    AccessCase("my registration", lambda w: "/register/me/", SIGNED_IN),  # no entry → sent to apply
    AccessCase("my CPD", lambda w: "/register/me/cpd/", SIGNED_IN),
    AccessCase("renew", lambda w: "/register/me/renew/", SIGNED_IN),
    AccessCase("direct work", lambda w: "/register/me/direct-work/", SIGNED_IN),
    AccessCase("employment", lambda w: "/register/me/employment/", SIGNED_IN),
    AccessCase("employer's staff", lambda w: "/register/staff/", {Role.LINE_MANAGER, Role.WORKFORCE_LEAD}),
    AccessCase(
        "confirm employment",
        lambda w: f"/register/employment/{w['job'].pk}/confirm/",
        {Role.LINE_MANAGER},
        method="post",
    ),
    AccessCase("end employment", lambda w: f"/register/employment/{w['job'].pk}/end/", {Role.LINE_MANAGER}),
    AccessCase("application queue", lambda w: "/register/applications/", REG),
    AccessCase("application review", lambda w: f"/register/applications/{w['application'].pk}/", REG),
    AccessCase("staff search", lambda w: "/register/entries/?q=Other", REG),
    AccessCase("entry page", lambda w: f"/register/entries/{e(w)}/", REG),
    AccessCase("add annotation", lambda w: f"/register/entries/{e(w)}/annotations/add/", REG),
    AccessCase("end annotation", lambda w: f"/register/annotations/{w['annotation'].pk}/end/", REG),
    AccessCase("add condition", lambda w: f"/register/entries/{e(w)}/conditions/add/", REG),
    AccessCase("revoke condition", lambda w: f"/register/conditions/{w['condition'].pk}/revoke/", REG),
    AccessCase("record a concern", lambda w: f"/register/entries/{e(w)}/cases/add/", REG),
    AccessCase("voluntary removal", lambda w: f"/register/entries/{e(w)}/voluntary-removal/", REG),
    AccessCase("open cases", lambda w: "/register/cases/", REG),
    AccessCase("case page", lambda w: f"/register/cases/{w['case'].pk}/", REG),
    AccessCase("revoke order", lambda w: f"/register/orders/{w['order'].pk}/revoke/", REG),
    AccessCase(
        "entry history",
        lambda w: f"/history/regulation/registerentry/{e(w)}/",
        {Role.REGULATOR_STAFF, Role.LINE_MANAGER},
    ),
    AccessCase("case history", lambda w: f"/history/regulation/fitnesstopractisecase/{w['case'].pk}/", REG),
    # History pages for every register record, every role: a record someone may not see answers 404 like a
    # missing one; reasons are checked in test_history_privacy.
    AccessCase("order history", lambda w: f"/history/regulation/order/{w['order'].pk}/", REG),
    AccessCase("condition history", lambda w: f"/history/regulation/condition/{w['condition'].pk}/", REG),
    AccessCase("application history", lambda w: f"/history/regulation/application/{w['application'].pk}/", REG),
    AccessCase(
        "employment history",
        lambda w: f"/history/regulation/employment/{w['job'].pk}/",
        {Role.REGULATOR_STAFF, Role.LINE_MANAGER},
    ),
    AccessCase("application sent", lambda w: "/register/application/sent/", SIGNED_IN),
    AccessCase("proof of registration", lambda w: "/register/me/proof/", SIGNED_IN, method="post"),
    AccessCase("missing record history", lambda w: "/history/regulation/registerentry/999999/", set()),
    AccessCase("API: public search", lambda w: "/api/v1/register/public/?q=Other", EVERY_ROLE, public=True),
    AccessCase("API: entries", lambda w: "/api/v1/register/entries/", SIGNED_IN),
    AccessCase("API: entry", lambda w: f"/api/v1/register/entries/{e(w)}/", {Role.REGULATOR_STAFF, Role.LINE_MANAGER}),
    AccessCase("API: entry CPD", lambda w: f"/api/v1/register/entries/{e(w)}/cpd/", REG),
    AccessCase(
        "API: direct work",
        lambda w: f"/api/v1/register/entries/{e(w)}/direct-work/",
        {Role.REGULATOR_STAFF, Role.LINE_MANAGER},
    ),
    AccessCase(
        "API: employments",
        lambda w: f"/api/v1/register/entries/{e(w)}/employments/",
        {Role.REGULATOR_STAFF, Role.LINE_MANAGER},
    ),
    AccessCase("API: applications", lambda w: "/api/v1/register/applications/", SIGNED_IN),
    AccessCase("API: application", lambda w: f"/api/v1/register/applications/{w['application'].pk}/", REG),
    AccessCase("API: cases", lambda w: "/api/v1/register/cases/", REG),
    AccessCase("API: case", lambda w: f"/api/v1/register/cases/{w['case'].pk}/", REG),
    # Own records: the owner reaches them; for anyone else (with or without a record of their own) they do not
    # exist. An application can be withdrawn by its applicant (a decided one is refused with a message).
    AccessCase("my application", lambda w: "/register/application/", SIGNED_IN),
    AccessCase(
        "withdraw my application",
        lambda w: "/register/application/withdraw/",
        {NO_ROLE, Role.SOCIAL_WORKER},
        method="post",
    ),
    AccessCase(
        "evidence on my application",
        lambda w: f"/register/applications/{w['own_application'].pk}/documents/{w['own_document'].pk}/",
        {NO_ROLE, Role.REGULATOR_STAFF},
    ),
    AccessCase(
        "evidence on another person's application",
        lambda w: f"/register/applications/{w['application'].pk}/documents/{w['document'].pk}/",
        REG,
    ),
    AccessCase("change my CPD record", lambda w: f"/register/me/cpd/{w['own_cpd'].pk}/change/", {Role.SOCIAL_WORKER}),
    AccessCase("change another person's CPD record", lambda w: f"/register/me/cpd/{w['cpd'].pk}/change/", set()),
    AccessCase("delete my CPD record", lambda w: f"/register/me/cpd/{w['own_cpd'].pk}/delete/", {Role.SOCIAL_WORKER}),
    AccessCase("delete another person's CPD record", lambda w: f"/register/me/cpd/{w['cpd'].pk}/delete/", set()),
    # API writes, sent without a body: those allowed get past the permission checks to the validation error.
    AccessCase(
        "API: bulk lookup",
        lambda w: "/api/v1/register/public/bulk/",
        EVERY_ROLE,
        method="post",
        public=True,
        allowed_status=(400,),
    ),
    AccessCase(
        "API: apply", lambda w: "/api/v1/register/applications/", SIGNED_IN, method="post", allowed_status=(400,)
    ),
    AccessCase(
        "API: decide an application",
        lambda w: f"/api/v1/register/applications/{w['application'].pk}/decide/",
        REG,
        method="post",
        allowed_status=(400,),
    ),
    AccessCase(
        "API: answer for my application",
        lambda w: f"/api/v1/register/applications/{w['own_application'].pk}/respond/",
        {NO_ROLE},
        method="post",
        allowed_status=(400,),
    ),
    AccessCase(
        "API: answer for another person's application",
        lambda w: f"/api/v1/register/applications/{w['application'].pk}/respond/",
        set(),
        method="post",
    ),
    AccessCase("API: open a case", lambda w: "/api/v1/register/cases/", REG, method="post", allowed_status=(400,)),
    *[
        AccessCase(
            f"API: case {action}",
            lambda w, action=action: f"/api/v1/register/cases/{w['case'].pk}/{action}/",
            REG,
            method="post",
            allowed_status=(400,),
        )
        for action in ("stage", "interim-order", "outcome")
    ],
    AccessCase(
        "API: revoke condition",
        lambda w: f"/api/v1/register/conditions/{w['condition'].pk}/revoke/",
        REG,
        method="post",
        allowed_status=(400,),
    ),
    AccessCase(
        "API: end annotation",
        lambda w: f"/api/v1/register/annotations/{w['annotation'].pk}/end/",
        REG,
        method="post",
        allowed_status=(400,),
    ),
    AccessCase(
        "API: add condition",
        lambda w: f"/api/v1/register/entries/{e(w)}/conditions/",
        REG,
        method="post",
        allowed_status=(400,),
    ),
    AccessCase(
        "API: add annotation",
        lambda w: f"/api/v1/register/entries/{e(w)}/annotations/",
        REG,
        method="post",
        allowed_status=(400,),
    ),
    AccessCase(
        "API: confirm employment",
        lambda w: f"/api/v1/register/employments/{w['job'].pk}/confirm/",
        {Role.LINE_MANAGER},
        method="post",
    ),
    AccessCase(
        "API: end employment",
        lambda w: f"/api/v1/register/employments/{w['job'].pk}/end/",
        {Role.LINE_MANAGER},
        method="post",
        allowed_status=(400,),
    ),
    *[
        row
        for path in ("cpd", "direct-work", "employments", "renew")
        for row in (
            AccessCase(
                f"API: {path} on my entry",
                lambda w, path=path: f"/api/v1/register/entries/{w['own_entry'].pk}/{path}/",
                {Role.SOCIAL_WORKER},
                method="post",
                allowed_status=(200, 400),  # renewing outside the window is refused by the service (400)
            ),
            AccessCase(
                f"API: {path} on another person's entry",
                lambda w, path=path: f"/api/v1/register/entries/{e(w)}/{path}/",
                set(),
                method="post",
            ),
        )
    ],
    AccessCase(
        "API: revoke order",
        lambda w: f"/api/v1/register/orders/{w['order'].pk}/revoke/",
        REG,
        method="post",
        data={"reason": "Appeal allowed"},
    ),
]


@parametrize_access(CASES)
def test_each_role_is_allowed_or_refused(client, world, case, role):
    check_access(client, world, case, role)


def test_api_writes_for_another_persons_entry_are_refused(client, world, role_users):
    client.force_login(role_users[Role.SOCIAL_WORKER])
    before = list(world["entry"].cpd_records.values_list("pk", flat=True))
    url = f"/api/v1/register/entries/{world['entry'].pk}/cpd/"
    response = client.post(url, {"title": "x", "activity_date": "2026-01-01", "learning": "x", "impact": "x"})
    assert response.status_code in (403, 404)
    assert list(world["entry"].cpd_records.values_list("pk", flat=True)) == before
