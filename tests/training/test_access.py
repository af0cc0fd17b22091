import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from tests.access import SIGNED_IN, AccessCase, check_access, parametrize_access
from tests.factories import make_user
from training import funding, services
from training.programme_data import PCF_DOMAINS

from .conftest import START, at, enrol, register, review

pytestmark = pytest.mark.django_db

REG = {Role.REGULATOR_STAFF}
LM = Role.LINE_MANAGER


@pytest.fixture
def world(role_users, regulator, time_machine, settings):
    """The line manager co-ordinates at the employer; the social worker is the participant; the assessor assesses."""
    settings.TRAINING_EXTERNAL_MODERATION_PERCENT = 100
    time_machine.move_to(at(datetime.date(2027, 3, 2)), tick=False)
    manager = role_users[LM]
    employer = manager.active_memberships[0].organisation
    supervisor = make_user(Role.SOCIAL_WORKER, organisation=employer, first_name="Sue", last_name="Visor")
    others = [
        make_user(Role.SOCIAL_WORKER, organisation=employer, first_name=f"P{i}", last_name="Other") for i in range(2)
    ]
    register(supervisor, regulator, qualified_on=datetime.date(2010, 7, 1))
    register(role_users[Role.ASSESSOR], regulator, qualified_on=datetime.date(2008, 7, 1))
    entries = [register(u, regulator) for u in [role_users[Role.SOCIAL_WORKER], *others]]
    team = {
        "coordinator": manager,
        "council": employer,
        "supervisor": supervisor,
        "assessor": role_users[Role.ASSESSOR],
    }
    time_machine.move_to(at(START), tick=False)
    active, moderating, external = (enrol({**team, "entry": entry}, line_manager=None) for entry in entries)
    time_machine.move_to(at(datetime.date(2028, 9, 6)), tick=False)
    review(moderating, "final", datetime.date(2028, 9, 6), recommendation="pass")
    review(external, "final", datetime.date(2028, 9, 6), recommendation="pass")
    services.moderate_internally(enrolment=external, by=manager, decision="confirmed", reason="Agreed")
    claim = funding.create_claim(
        employer=employer, by=manager, period_start=datetime.date(2027, 4, 1), period_end=datetime.date(2028, 3, 31)
    )
    evidence = services.add_evidence(
        enrolment=active,
        by=role_users[Role.SOCIAL_WORKER],
        kind="family_feedback",
        title="Letter",
        occurred_on=datetime.date(2027, 10, 1),
        upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    return {
        "users": role_users,
        "e": active,
        "moderating": moderating,
        "external": external,
        "claim": claim,
        "evidence": evidence,
    }


def e(w):
    return w["e"].pk


RECORD = {Role.SOCIAL_WORKER, LM, Role.ASSESSOR, Role.REGULATOR_STAFF}
COORD = {LM, Role.WORKFORCE_LEAD}

CASES = [
    AccessCase("cohort", lambda w: "/early-career/", {*COORD, *REG, Role.ASSESSOR}),
    AccessCase("cohort CSV", lambda w: "/early-career/?format=csv", {*COORD, *REG, Role.ASSESSOR}),
    AccessCase("programmes", lambda w: "/early-career/programmes/", SIGNED_IN),
    AccessCase("enrol", lambda w: "/early-career/enrol/", COORD),
    AccessCase("my programme", lambda w: "/early-career/me/", SIGNED_IN),
    AccessCase("journey", lambda w: "/early-career/journey/", SIGNED_IN),
    AccessCase("national figures", lambda w: "/early-career/national/", REG),
    AccessCase("national figures CSV", lambda w: "/early-career/national/?format=csv", REG),
    AccessCase("funding claims", lambda w: "/early-career/funding/", {*COORD, *REG}),
    AccessCase("funding claim", lambda w: f"/early-career/funding/{w['claim'].pk}/", {LM, *REG}),
    AccessCase("funding claim CSV", lambda w: f"/early-career/funding/{w['claim'].pk}/csv/", {LM, *REG}),
    AccessCase("funding claim PDF", lambda w: f"/early-career/funding/{w['claim'].pk}/pdf/", {LM, *REG}, method="post"),
    AccessCase("record", lambda w: f"/early-career/{e(w)}/", RECORD),
    AccessCase("confirmation", lambda w: f"/early-career/{e(w)}/done/enrolled/", RECORD),
    AccessCase("learning agreement", lambda w: f"/early-career/{e(w)}/learning-agreement/", {LM}),
    AccessCase("supervision", lambda w: f"/early-career/{e(w)}/supervision/", {LM}),
    AccessCase("protected time", lambda w: f"/early-career/{e(w)}/protected-time/", {LM}),
    AccessCase("caseload", lambda w: f"/early-career/{e(w)}/caseload/", {LM}),
    AccessCase("evidence", lambda w: f"/early-career/{e(w)}/evidence/", {Role.SOCIAL_WORKER, Role.ASSESSOR}),
    AccessCase("evidence file", lambda w: f"/early-career/{e(w)}/evidence/{w['evidence'].pk}/file/", RECORD),
    AccessCase("pause", lambda w: f"/early-career/{e(w)}/pause/", {LM}),
    AccessCase("early completion", lambda w: f"/early-career/{e(w)}/early-completion/", {LM}),
    AccessCase("review window exception", lambda w: f"/early-career/{e(w)}/review-window/", {LM}),
    AccessCase("withdraw", lambda w: f"/early-career/{e(w)}/withdraw/", {LM}),
    AccessCase("review", lambda w: f"/early-career/{e(w)}/reviews/3_months/", {Role.ASSESSOR}),
    AccessCase("internal moderation", lambda w: f"/early-career/{w['moderating'].pk}/moderation/", {LM}),
    AccessCase("external moderation", lambda w: f"/early-career/{w['external'].pk}/external-moderation/", REG),
    AccessCase("record history", lambda w: f"/history/training/enrolment/{e(w)}/", RECORD),
    AccessCase("API: programmes", lambda w: "/api/v1/training/programmes/", SIGNED_IN),
    AccessCase("API: enrolments", lambda w: "/api/v1/training/enrolments/", SIGNED_IN),
    AccessCase("API: enrolment", lambda w: f"/api/v1/training/enrolments/{e(w)}/", RECORD),
    AccessCase(
        "API: supervision",
        lambda w: f"/api/v1/training/enrolments/{e(w)}/supervision/",
        {LM},
        method="post",
        data={"held_on": "2028-09-06", "minutes": 60, "themes": "Cases"},
    ),
    AccessCase(
        "API: evidence",
        lambda w: f"/api/v1/training/enrolments/{e(w)}/evidence/",
        {Role.SOCIAL_WORKER, Role.ASSESSOR},
        method="post",
        data={"kind": "reflective_log", "title": "Log", "occurred_on": "2028-09-01", "text": "Reflection"},
    ),
    AccessCase(
        "API: external moderation",
        lambda w: f"/api/v1/training/enrolments/{w['external'].pk}/external-moderation/",
        REG,
        method="post",
        data={"decision": "pass", "reason": "Sound evidence"},
    ),
    AccessCase(
        "API: learning agreement",
        lambda w: f"/api/v1/training/enrolments/{e(w)}/learning-agreement/",
        {LM},
        method="post",
        data={"agreed_on": "2027-09-10", "development_needs": "Court skills", "support": "Shadowing"},
    ),
    AccessCase(
        "API: protected time",
        lambda w: f"/api/v1/training/enrolments/{e(w)}/protected-time/",
        {LM},
        method="post",
        data={"week_starting": "2028-09-04", "hours": "3.5", "activity": "Reading"},
    ),
    AccessCase(
        "API: caseload",
        lambda w: f"/api/v1/training/enrolments/{e(w)}/caseload/",
        {LM},
        method="post",
        data={"month": "2028-09-01", "cases": 12, "experienced_caseload": 16},
    ),
    AccessCase(
        "API: pause",
        lambda w: f"/api/v1/training/enrolments/{e(w)}/pause/",
        {LM},
        method="post",
        data={"kind": "sickness", "starts_on": "2028-09-01", "ends_on": "2028-09-05", "reason": "Flu"},
    ),
    AccessCase(
        "API: review",
        lambda w: f"/api/v1/training/enrolments/{e(w)}/review/",
        {Role.ASSESSOR},
        method="post",
        data={
            "point": "3_months",
            "held_on": "2027-12-06",  # its due date: inside its window
            "evidence_seen": "Observation",
            # a form post names each standard as judgements.<standard>
            **{f"judgements.{standard}": "on_track" for standard in PCF_DOMAINS},
        },
    ),
    AccessCase(
        "API: early completion",
        lambda w: f"/api/v1/training/enrolments/{e(w)}/early-completion/",
        {LM},
        method="post",
        data={"reason": "All evidence in"},
    ),
    AccessCase(
        "API: internal moderation",
        lambda w: f"/api/v1/training/enrolments/{w['moderating'].pk}/moderation/",
        {LM},
        method="post",
        data={"decision": "confirmed", "reason": "Agreed"},
    ),
    AccessCase(
        "API: allow a review outside its window",
        lambda w: f"/api/v1/training/enrolments/{e(w)}/review-window-exception/",
        {LM},
        method="post",
        data={"point": "6_months", "reason": "Moved teams"},
    ),
    AccessCase(
        "API: withdraw",
        lambda w: f"/api/v1/training/enrolments/{e(w)}/withdraw/",
        {LM},
        method="post",
        data={"reason": "Moved away"},
    ),
    AccessCase("API: funding claims", lambda w: "/api/v1/training/funding-claims/", SIGNED_IN),
    AccessCase("API: funding claim", lambda w: f"/api/v1/training/funding-claims/{w['claim'].pk}/", {LM, *REG}),
    AccessCase("API: national figures", lambda w: "/api/v1/training/national-figures/", REG),
    AccessCase("API: programme", lambda w: f"/api/v1/training/programmes/{w['e'].programme_id}/", SIGNED_IN),
    AccessCase("API: enrol", lambda w: "/api/v1/training/enrolments/", COORD, method="post", allowed_status=(400,)),
    AccessCase(
        "API: make a funding claim",
        lambda w: "/api/v1/training/funding-claims/",
        COORD,
        method="post",
        allowed_status=(400,),
    ),
    AccessCase("API: journey", lambda w: "/api/v1/training/journey/", SIGNED_IN),
    AccessCase("API: evidence items", lambda w: f"/api/v1/training/enrolments/{e(w)}/evidence-items/", RECORD),
    AccessCase(
        "API: evidence file",
        lambda w: f"/api/v1/training/evidence/{w['evidence'].pk}/file/",
        RECORD,
    ),
]


@parametrize_access(CASES)
def test_each_role_is_allowed_or_refused(client, world, case, role):
    check_access(client, world, case, role)
