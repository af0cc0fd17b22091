"""Every page and API endpoint of the pathway, for every role."""

from dataclasses import replace

import pytest

from accounts.models import Role
from accreditation import services
from accreditation.models import Item, Level, LevelSettings
from tests.access import SIGNED_IN, AccessCase, check_access, parametrize_access
from tests.regulation.conftest import register

from .certification_factories import certification_world
from .conftest import build_bank, employ, map_all
from .observation_helpers import add_observation_world

pytestmark = pytest.mark.django_db

SW = {Role.SOCIAL_WORKER}
LM = {Role.LINE_MANAGER}
REG = {Role.REGULATOR_STAFF}
ASSESSOR = {Role.ASSESSOR}


@pytest.fixture
def world(role_users, time_machine):
    from .conftest import NOW

    time_machine.move_to(NOW, tick=False)
    regulator = role_users[Role.REGULATOR_STAFF]
    manager = role_users[Role.LINE_MANAGER]
    worker = role_users[Role.SOCIAL_WORKER]
    employer = manager.active_memberships[0].organisation
    employ(register(worker, regulator), employer)
    # Small forms keep the table quick; the form sizes themselves are tested in test_assessment_services.
    LevelSettings.objects.filter(level__in=["practitioner", "leader"]).update(general_items=3, applied_items=2)
    build_bank(Level.PRACTITIONER, regulator, general=3, applied=2)
    build_bank(Level.LEADER, regulator, general=3, applied=2)
    practitioner = services.nominate(manager=manager, user=worker, level="practitioner", organisation=employer)
    leader = services.nominate(manager=manager, user=worker, level="leader", organisation=employer)
    for c in (practitioner, leader):
        map_all(c, manager)
        services.endorse(candidate=c, by=manager, reason="Ready")
    marked = services.submit_attempt(attempt=services.start_attempt(candidate=practitioner, by=worker), by=worker)
    open_attempt = services.start_attempt(candidate=leader, by=worker)
    world = {
        "users": role_users,
        "candidate": leader,
        "marked": marked,
        "attempt": open_attempt,
        "option": open_attempt.items.get(position=1).item.options.first(),
        "item": Item.objects.filter(kind="single").first(),
        "worker": worker,
        "employer": employer,
        **certification_world(regulator=regulator, worker=worker, employer=employer),
    }
    return add_observation_world(world)


def c(w):
    return w["candidate"].pk


def acc(w):
    return w["accreditation"].pk


# The decision and certificate (stage 4). The world's social worker holds the accreditation; the verify pages and
# the issuer's keys are public.
CERTIFICATION_CASES = [
    AccessCase("decisions to confirm", lambda w: "/accreditation/staff/decisions/", REG),
    AccessCase("confirm a decision", lambda w: f"/accreditation/staff/decisions/{w['decision'].pk}/", REG),
    AccessCase("accreditations", lambda w: "/accreditation/staff/accreditations/", REG),
    AccessCase("revoke", lambda w: f"/accreditation/staff/accreditations/{acc(w)}/revoke/", REG),
    AccessCase(
        "make the certificate again",
        lambda w: f"/accreditation/staff/accreditations/{acc(w)}/certificate/",
        REG,
        method="post",
    ),
    AccessCase("certificates for a cohort", lambda w: "/accreditation/staff/certificates/", REG),
    AccessCase("re-issue credentials", lambda w: "/accreditation/staff/credentials/reissue/", REG),
    AccessCase("holders accreditation", lambda w: f"/accreditation/accreditations/{acc(w)}/", SW | REG),
    AccessCase("certificate PDF", lambda w: f"/accreditation/accreditations/{acc(w)}/certificate.pdf", SW | REG),
    AccessCase("credential", lambda w: f"/accreditation/accreditations/{acc(w)}/credential.json", SW | REG),
    AccessCase("accreditation history", lambda w: f"/history/accreditation/accreditation/{acc(w)}/", SW | REG),
    AccessCase("verify", lambda w: "/verify/", set(), public=True),
    AccessCase("verify a code", lambda w: f"/verify/{w['accreditation'].code}", set(), public=True),
    AccessCase(
        "verify a pasted code",
        lambda w: f"/verify/{w['accreditation'].code}/",
        set(),
        public=True,
        allowed_status=(301,),
    ),
    AccessCase(
        "verify a credential",
        lambda w: "/verify/credential/",
        set(),
        method="post",
        public=True,
        allowed_status=(400,),  # no credential given: the form asks for one
    ),
    AccessCase("issuer profile", lambda w: "/credentials/issuer", set(), public=True),
    AccessCase("issuer keys", lambda w: "/credentials/jwks.json", set(), public=True),
    AccessCase(
        "status list",
        lambda w: f"/credentials/status/revocation/{w['accreditation'].status_list_number}",
        set(),
        public=True,
    ),
    AccessCase("achievement", lambda w: "/credentials/achievements/supervisor", set(), public=True),
    AccessCase("API: decisions", lambda w: "/api/v1/accreditation/decisions/", REG),
    AccessCase(
        "API: confirm",
        lambda w: f"/api/v1/accreditation/decisions/{w['decision'].pk}/confirm/",
        REG,
        method="post",
        data={"reason": "Every stage passed."},
    ),
    AccessCase("API: accreditations", lambda w: "/api/v1/accreditation/accreditations/", SIGNED_IN),
    AccessCase("API: holders accreditation", lambda w: f"/api/v1/accreditation/accreditations/{acc(w)}/", SW | REG),
    AccessCase("API: credential", lambda w: f"/api/v1/accreditation/accreditations/{acc(w)}/credential/", SW | REG),
    AccessCase("API: certificate", lambda w: f"/api/v1/accreditation/accreditations/{acc(w)}/certificate/", SW | REG),
    AccessCase(
        "API: revoke",
        lambda w: f"/api/v1/accreditation/accreditations/{acc(w)}/revoke/",
        REG,
        method="post",
        data={"reason": "Issued in error."},
    ),
    AccessCase(
        "API: certificate batch",
        lambda w: "/api/v1/accreditation/certificate-batches/",
        REG,
        method="post",
        data={"level": "supervisor"},
    ),
    AccessCase(
        "API: re-issue credentials",
        lambda w: "/api/v1/accreditation/credential-reissues/",
        REG,
        method="post",
        data={"reason": "Issued before the status lists."},
    ),
    AccessCase(
        "API: verify a code", lambda w: f"/api/v1/accreditation/verify/{w['accreditation'].code}/", set(), public=True
    ),
    AccessCase(
        "API: verify a credential",
        lambda w: "/api/v1/accreditation/verify/",
        set(),
        method="post",
        public=True,
        data={"credential": {"type": ["VerifiableCredential"]}},
    ),
]

CASES = [
    AccessCase("pathway", lambda w: "/accreditation/", SIGNED_IN),
    AccessCase("ask for endorsement", lambda w: "/accreditation/ask/", SW),
    AccessCase("candidate", lambda w: f"/accreditation/candidates/{c(w)}/", SW | LM | REG),
    AccessCase("withdraw", lambda w: f"/accreditation/candidates/{c(w)}/withdraw/", SW, method="post"),
    AccessCase("start the test", lambda w: f"/accreditation/candidates/{c(w)}/test/", SW),
    AccessCase("question page", lambda w: f"/accreditation/tests/{w['attempt'].pk}/questions/1/", SW),
    AccessCase(
        "save an answer",
        lambda w: f"/accreditation/tests/{w['attempt'].pk}/questions/1/",
        SW,
        method="post",
        data={"go": "next"},
    ),
    AccessCase("check your answers", lambda w: f"/accreditation/tests/{w['attempt'].pk}/check/", SW),
    AccessCase("result", lambda w: f"/accreditation/tests/{w['marked'].pk}/result/", SW | REG),
    AccessCase("nominees", lambda w: "/accreditation/nominees/", LM),
    AccessCase("nominees CSV", lambda w: "/accreditation/nominees.csv", LM),
    AccessCase("nominate", lambda w: "/accreditation/nominate/", LM),
    AccessCase("standards", lambda w: "/accreditation/standards/", SIGNED_IN),
    AccessCase("pipeline", lambda w: "/accreditation/staff/", REG),
    AccessCase("adjustment", lambda w: f"/accreditation/staff/candidates/{c(w)}/adjustment/", REG),
    AccessCase("revise a standard", lambda w: "/accreditation/staff/standards/leader/", REG),
    AccessCase("settings", lambda w: "/accreditation/staff/settings/leader/", REG),
    AccessCase("bank", lambda w: "/accreditation/staff/bank/", REG),
    AccessCase("write an item", lambda w: "/accreditation/staff/bank/new/", REG),
    AccessCase("write a scenario", lambda w: "/accreditation/staff/bank/scenarios/new/", REG),
    AccessCase("item", lambda w: f"/accreditation/staff/bank/{w['item'].pk}/", REG),
    AccessCase("statistics", lambda w: "/accreditation/staff/statistics/", REG),
    AccessCase("candidate history", lambda w: f"/history/accreditation/candidate/{c(w)}/", SW | LM | REG),
    AccessCase("item history", lambda w: f"/history/accreditation/item/{w['item'].pk}/", REG),
    AccessCase("API: standards", lambda w: "/api/v1/accreditation/standards/", SIGNED_IN),
    AccessCase("API: settings", lambda w: "/api/v1/accreditation/settings/", SIGNED_IN),
    AccessCase(
        "API: change settings",
        lambda w: "/api/v1/accreditation/settings/leader/",
        REG,
        method="post",
        data={"minutes": 70, "reason": "Longer"},
    ),
    AccessCase(
        "API: revise a standard",
        lambda w: "/api/v1/accreditation/standards/leader/revise/",
        REG,
        method="post",
        data={"domains": [{"key": "l1", "position": 1, "title": "Context"}], "reason": "Short"},
    ),
    AccessCase("API: pathway", lambda w: "/api/v1/accreditation/pathway/", SIGNED_IN),
    AccessCase("API: candidates", lambda w: "/api/v1/accreditation/candidates/", SIGNED_IN),
    AccessCase("API: candidate", lambda w: f"/api/v1/accreditation/candidates/{c(w)}/", SW | LM | REG),
    AccessCase(
        "API: nominate",
        lambda w: "/api/v1/accreditation/candidates/nominate/",
        LM,
        method="post",
    ),
    AccessCase(
        "API: ask",
        lambda w: "/api/v1/accreditation/candidates/request/",
        SW,
        method="post",
    ),
    AccessCase(
        "API: mapping",
        lambda w: f"/api/v1/accreditation/candidates/{c(w)}/mapping/",
        set(),  # past endorsement: the worker and manager are refused by the service (400), others by the rule
        method="post",
    ),
    AccessCase("API: endorse", lambda w: f"/api/v1/accreditation/candidates/{c(w)}/endorse/", set(), method="post"),
    AccessCase("API: decline", lambda w: f"/api/v1/accreditation/candidates/{c(w)}/decline/", set(), method="post"),
    AccessCase(
        "API: withdraw",
        lambda w: f"/api/v1/accreditation/candidates/{c(w)}/withdraw/",
        set(),  # the worker has a test open, so even they are refused (400)
        method="post",
        data={"reason": "x"},
    ),
    AccessCase(
        "API: adjustment",
        lambda w: f"/api/v1/accreditation/candidates/{c(w)}/adjustment/",
        REG,
        method="post",
        data={"extra_minutes": 10, "note": "Dyslexia"},
    ),
    AccessCase("API: start test", lambda w: f"/api/v1/accreditation/candidates/{c(w)}/tests/", SW, method="post"),
    AccessCase("API: open test", lambda w: f"/api/v1/accreditation/tests/{w['attempt'].pk}/", SW | REG),
    AccessCase("API: marked test", lambda w: f"/api/v1/accreditation/tests/{w['marked'].pk}/", SW | REG),
    AccessCase(
        "API: answer",
        lambda w: f"/api/v1/accreditation/tests/{w['attempt'].pk}/answers/",
        SW,
        method="post",
    ),
    AccessCase("API: submit", lambda w: f"/api/v1/accreditation/tests/{w['attempt'].pk}/submit/", SW, method="post"),
    AccessCase("API: items", lambda w: "/api/v1/accreditation/items/", REG),
    AccessCase("API: item", lambda w: f"/api/v1/accreditation/items/{w['item'].pk}/", REG),
    AccessCase("API: write an item", lambda w: "/api/v1/accreditation/items/", REG, method="post"),
    AccessCase(
        "API: revise item",
        lambda w: f"/api/v1/accreditation/items/{w['item'].pk}/revise/",
        REG,
        method="post",
        data={"stem": "Reworded", "options": [{"text": f"O{n}", "correct": n == 0} for n in range(4)]},
    ),
    AccessCase(
        "API: send item for review",
        lambda w: f"/api/v1/accreditation/items/{w['item'].pk}/send-for-review/",
        set(),  # the item is live, so even regulator staff are refused by the service (400)
        method="post",
    ),
    AccessCase(
        "API: review item",
        lambda w: f"/api/v1/accreditation/items/{w['item'].pk}/review/",
        set(),  # not waiting for review (400 for regulator staff)
        method="post",
        data={"approve": True, "reason": "Fine"},
    ),
    AccessCase(
        "API: retire item",
        lambda w: f"/api/v1/accreditation/items/{w['item'].pk}/retire/",
        REG,
        method="post",
        data={"reason": "Weak"},
    ),
    # Practice observation
    AccessCase(
        "book an observation", lambda w: f"/accreditation/candidates/{w['obs_candidate'].pk}/observation/book/", SW
    ),
    AccessCase(
        "cancel a booking",
        lambda w: f"/accreditation/bookings/{w['booking'].pk}/cancel/",
        SW,
        method="post",
        data={"reason": "Ill"},
    ),
    AccessCase("assessor's work", lambda w: "/accreditation/assessor/", ASSESSOR),
    AccessCase("check in", lambda w: f"/accreditation/assessor/bookings/{w['today_booking'].pk}/check-in/", ASSESSOR),
    AccessCase("scoresheet", lambda w: f"/accreditation/assessor/scoresheets/{w['sheet'].pk}/", ASSESSOR),
    AccessCase(
        "save a draft",
        lambda w: f"/accreditation/assessor/scoresheets/{w['sheet'].pk}/",
        ASSESSOR,
        method="post",
        data={"action": "draft", "reflection_mark": "3"},
    ),
    AccessCase(
        "autosave",
        lambda w: f"/accreditation/assessor/scoresheets/{w['sheet'].pk}/autosave/",
        ASSESSOR,
        method="post",
        data={"reflection_mark": "3"},
    ),
    AccessCase("own calibration", lambda w: "/accreditation/assessor/calibration/", ASSESSOR),
    AccessCase("moderation", lambda w: "/accreditation/staff/moderation/", REG),
    AccessCase("moderation case", lambda w: f"/accreditation/staff/moderation/{w['observation'].pk}/", REG),
    AccessCase("calibration", lambda w: "/accreditation/staff/calibration/", REG),
    AccessCase("calibration CSV", lambda w: "/accreditation/staff/calibration.csv", REG),
    AccessCase("assessment sessions", lambda w: "/accreditation/staff/sessions/", REG),
    AccessCase("observation statistics", lambda w: "/accreditation/staff/observation/", REG),
    AccessCase(
        "API: sessions to book", lambda w: f"/api/v1/accreditation/candidates/{w['obs_candidate'].pk}/sessions/", SW
    ),
    AccessCase(
        "API: book",
        lambda w: f"/api/v1/accreditation/candidates/{w['obs_candidate'].pk}/sessions/",
        SW,  # the same session again within minutes gives the one booking back
        method="post",
    ),
    AccessCase(
        "API: cancel booking",
        lambda w: f"/api/v1/accreditation/bookings/{w['booking'].pk}/cancel/",
        SW,
        method="post",
        data={"reason": "Ill"},
    ),
    AccessCase(
        "API: check in",
        lambda w: f"/api/v1/accreditation/bookings/{w['today_booking'].pk}/check-in/",
        ASSESSOR,
        method="post",
        data={"photo_id": True, "registration_number": True, "recording_consent": True},
    ),
    AccessCase("API: scoresheets", lambda w: "/api/v1/accreditation/scoresheets/", ASSESSOR),
    AccessCase("API: scoresheet", lambda w: f"/api/v1/accreditation/scoresheets/{w['sheet'].pk}/", ASSESSOR),
    AccessCase(
        "API: save a draft",
        lambda w: f"/api/v1/accreditation/scoresheets/{w['sheet'].pk}/",
        ASSESSOR,
        method="patch",
        data={"reflection_mark": 3, "scores": []},
    ),
    AccessCase(
        "API: submit scores",
        lambda w: f"/api/v1/accreditation/scoresheets/{w['sheet'].pk}/submit/",
        set(),  # nothing scored yet: the assessor is refused by the service (400)
        method="post",
    ),
    AccessCase("API: moderation", lambda w: "/api/v1/accreditation/moderation/", REG),
    AccessCase(
        "API: resolve moderation",
        lambda w: f"/api/v1/accreditation/moderation/{w['observation'].pk}/resolve/",
        set(),  # still with the second assessor: regulator staff are refused by the service (400)
        method="post",
        data={"outcome": "passed", "reason": "Evidence supports met"},
    ),
    AccessCase("API: calibration", lambda w: "/api/v1/accreditation/calibration/", ASSESSOR | REG),
    AccessCase("API: pipeline", lambda w: "/api/v1/accreditation/pipeline/", REG),
    AccessCase("API: statistics", lambda w: "/api/v1/accreditation/statistics/", REG),
    *CERTIFICATION_CASES,
]

# The rule lets these people act, but the candidate's state refuses it (400 with the reason).
SERVICE_REFUSED = {
    "API: mapping": SW | LM,  # past the endorsement stage
    "API: endorse": LM,  # already decided
    "API: decline": LM,
    "API: withdraw": SW,  # a test is open
    "API: send item for review": REG,
    "API: review item": REG,
    "API: submit scores": ASSESSOR,  # nothing scored
    "API: resolve moderation": REG,  # with the second assessor
}


def _after_withdrawing(w, candidate) -> dict:
    services.withdraw(candidate=candidate, by=w["worker"], reason="Moving to another team")
    return {"organisation": w["employer"].pk}


# Bodies that need the world's ids.
POST_BODIES = {
    # The world's worker is on the pathway at every level, so another of the manager's staff is nominated, and
    # the worker asks again at a level after withdrawing from it.
    "API: nominate": lambda w: {"user": w["observed_user"].pk, "level": "supervisor", "organisation": w["employer"].pk},
    "API: ask": lambda w: _after_withdrawing(w, w["marked"].candidate) | {"level": "practitioner"},
    "API: answer": lambda w: {"position": 1, "options": [w["option"].pk]},
    "API: book": lambda w: {"session": w["booking"].session_id},
    "API: write an item": lambda w: {
        "level": "leader",
        "domain_key": "l1",
        "kind": "single",
        "stem": "Which creates a context for excellent practice?",
        "options": [{"text": f"Option {n}", "correct": n == 0} for n in range(4)],
    },
}


@parametrize_access(CASES)
def test_each_role_is_allowed_or_refused(client, world, case, role):
    if case.name in POST_BODIES:
        case = replace(case, data=POST_BODIES[case.name](world))
    if case.name.startswith("API") and case.method in ("post", "patch"):
        check_access(client, world, case, role, check=_check_json)
        return
    check_access(client, world, case, role)


def _check_json(client, world, case, role):
    """check_access posts form data; the API's nested bodies go as JSON, judged by the same rule."""
    from tests.access import ANONYMOUS

    user = world["users"].get(role)
    if user is not None:
        client.force_login(user)
    response = getattr(client, case.method)(case.url(world), data=case.data, content_type="application/json")
    if role in case.allowed or case.public:
        assert response.status_code in (200, 201), f"{role} should reach {case.name}: {response.status_code}"
    elif role == ANONYMOUS:
        assert response.status_code in (401, 403), f"anonymous reached {case.name}"
    else:
        expected = (400,) if role in SERVICE_REFUSED.get(case.name, ()) else (403, 404)
        assert response.status_code in expected, f"{role} should be refused {case.name}: {response.status_code}"
