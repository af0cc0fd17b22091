"""Who may reach each course-approval page: the access table for course approval."""

import datetime

import pytest

from accounts.models import Role
from regulation.courses import services
from tests.access import EVERY_ROLE, AccessCase, check_access, parametrize_access

from .conftest import COURSE, PDF, approve, inspect_with_report, not_listed_application, submitted, upload

pytestmark = pytest.mark.django_db

LEAD = {Role.COURSE_LEAD}
REG = {Role.REGULATOR_STAFF}
BOTH = LEAD | REG
TODAY = datetime.date.today()


@pytest.fixture
def world(role_users):
    lead = role_users[Role.COURSE_LEAD]
    regulator = role_users[Role.REGULATOR_STAFF]
    provider = services.provider_for_organisation(organisation=lead.active_memberships[0].organisation)
    course = services.add_course(provider=provider, by=lead, **COURSE)
    application = approve(course, lead, regulator, conditions=[("Add a module", TODAY + datetime.timedelta(days=30))])
    monitoring = services.open_monitoring_return(
        course=course, by=regulator, due_on=TODAY + datetime.timedelta(days=30)
    )
    draft_course = services.add_course(provider=provider, by=lead, **{**COURSE, "title": "BA Social Work"})
    draft = services.start_application(course=draft_course, by=lead, kind="new")
    document = services.upload_evidence(application=draft, by=lead, standard="admissions", upload=upload("a.pdf", PDF))
    inspected_course = services.add_course(provider=provider, by=lead, **{**COURSE, "title": "MSc Social Work"})
    inspection = inspect_with_report(submitted(inspected_course, lead), regulator)
    condition = services.respond_to_condition(
        condition=course.conditions.get(), by=lead, response="Added.", evidence_file=upload("timetable.pdf", PDF)
    )
    return {
        "users": role_users,
        "course": course,
        "draft_course": draft_course,
        "application": application,
        "draft": draft,
        "document": document,
        "condition": condition,
        "monitoring": monitoring,
        "inspection": inspection,
        "unmatched": not_listed_application(),
    }


def c(w):
    return w["course"].pk


def a(w):
    return w["application"].pk


CASES = [
    AccessCase("public course list", lambda w: "/courses/?level=postgraduate", EVERY_ROLE, public=True),
    AccessCase("public course CSV", lambda w: "/courses/approved.csv", EVERY_ROLE, public=True),
    AccessCase("public course API", lambda w: "/api/v1/courses/", EVERY_ROLE, public=True),
    AccessCase("provider home", lambda w: "/courses/provider/", LEAD),
    AccessCase("provider details", lambda w: "/courses/provider/details/", LEAD),
    AccessCase("add a course", lambda w: "/courses/provider/courses/add/", LEAD),
    AccessCase("course page", lambda w: f"/courses/{c(w)}/", BOTH),
    AccessCase("change course", lambda w: f"/courses/{w['draft_course'].pk}/change/", LEAD),
    AccessCase("apply for approval", lambda w: f"/courses/{c(w)}/apply/", LEAD),
    AccessCase("course history", lambda w: f"/courses/{c(w)}/history/", BOTH),
    AccessCase("application", lambda w: f"/courses/applications/{a(w)}/", BOTH),
    AccessCase(
        "evidence for a standard", lambda w: f"/courses/applications/{w['draft'].pk}/standards/admissions/", LEAD
    ),
    AccessCase("application sent", lambda w: f"/courses/applications/{a(w)}/sent/", BOTH),
    AccessCase("check answers", lambda w: f"/courses/applications/{w['draft'].pk}/check/", LEAD),
    AccessCase("document download", lambda w: f"/courses/documents/{w['document'].pk}/", BOTH),
    AccessCase("answer a request", lambda w: f"/courses/applications/{a(w)}/respond/", LEAD),
    AccessCase("respond to a condition", lambda w: f"/courses/conditions/{w['condition'].pk}/respond/", LEAD),
    AccessCase(
        "condition evidence document", lambda w: f"/courses/conditions/{w['condition'].pk}/evidence/", LEAD | REG
    ),
    AccessCase("annual monitoring return", lambda w: f"/courses/monitoring/{w['monitoring'].pk}/", BOTH),
    AccessCase("regulator queue", lambda w: "/courses/queue/", REG),
    AccessCase("course figures", lambda w: "/courses/figures/", REG),
    AccessCase("course figures CSV", lambda w: "/courses/figures.csv", REG),
    AccessCase("assign reviewer", lambda w: f"/courses/applications/{w['draft'].pk}/assign/", REG),
    AccessCase("review a standard", lambda w: f"/courses/applications/{a(w)}/review/admissions/", REG),
    AccessCase("request information", lambda w: f"/courses/applications/{a(w)}/request-information/", REG),
    AccessCase("record inspection", lambda w: f"/courses/applications/{a(w)}/inspection/", REG),
    AccessCase("inspection exemption", lambda w: f"/courses/applications/{a(w)}/inspection-exemption/", REG),
    AccessCase("record decision", lambda w: f"/courses/applications/{a(w)}/decision/", REG),
    AccessCase("decide a condition", lambda w: f"/courses/conditions/{w['condition'].pk}/decide/", REG),
    AccessCase("ask for monitoring", lambda w: f"/courses/{c(w)}/monitoring/open/", REG),
    AccessCase("withdraw or close", lambda w: f"/courses/{c(w)}/end-approval/", REG),
    AccessCase("choose a provider", lambda w: "/courses/provider/choose/", LEAD),
    AccessCase("withdraw an application", lambda w: f"/courses/applications/{w['draft'].pk}/withdraw/", LEAD),
    AccessCase("application withdrawn", lambda w: f"/courses/applications/{a(w)}/withdrawn/", BOTH),
    AccessCase("inspection report download", lambda w: f"/courses/inspections/{w['inspection'].pk}/report/", BOTH),
    AccessCase("course figures Excel", lambda w: "/courses/figures.xlsx", REG),
    AccessCase("course figures PDF", lambda w: "/courses/figures.pdf", REG),
    AccessCase("register applications to match", lambda w: "/courses/register-matching/", REG),
    AccessCase("match a register application", lambda w: f"/courses/register-matching/{w['unmatched'].pk}/", REG),
    AccessCase(
        "withdraw an application (API)",
        lambda w: f"/api/v1/courses/applications/{w['draft'].pk}/withdraw/",
        LEAD,
        method="post",
        allowed_status=(400,),
    ),
    AccessCase(
        "exempt from inspection (API)",
        lambda w: f"/api/v1/courses/applications/{a(w)}/inspection-exemption/",
        REG,
        method="post",
        allowed_status=(400,),
    ),
    AccessCase("course figures (API)", lambda w: "/api/v1/courses/figures/", REG),
    AccessCase("register applications to match (API)", lambda w: "/api/v1/courses/register-matching/", REG),
    AccessCase(
        "match a register application (API)",
        lambda w: f"/api/v1/courses/register-matching/{w['unmatched'].pk}/",
        REG,
        method="post",
        allowed_status=(400,),
    ),
    AccessCase(
        "remove a document",
        lambda w: f"/courses/documents/{w['document'].pk}/remove/",
        LEAD,
        method="post",
    ),
]


@parametrize_access(CASES)
def test_each_role_is_allowed_or_refused(client, world, case, role):
    check_access(client, world, case, role)


def test_a_lead_at_another_provider_is_refused_everything_of_this_one(client, world):
    from tests.factories import make_user

    stranger = make_user(Role.COURSE_LEAD, email="stranger@elsewhere.example")
    client.force_login(stranger)
    for case in CASES:
        if case.public or Role.COURSE_LEAD not in case.allowed or case.url(world).startswith("/courses/provider"):
            continue
        response = getattr(client, case.method)(case.url(world))
        assert response.status_code in (403, 404), f"{case.name}: {response.status_code}"
