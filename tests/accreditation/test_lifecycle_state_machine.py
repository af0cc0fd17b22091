"""Stateful property-based test of an accreditation candidacy (issue #31, docs/lifecycles.md): Hypothesis drives the
real services with random sequences of endorsement decisions (by the manager, or by the candidate themselves),
knowledge tests passed or failed, days passing, observations scored by the first and second assessor with any
recommendation, moderation, an interim suspension on the register and its revocation, withdrawal and the regulator's
confirmation; after every step it checks what the pathway promises:

- stages are passed in order and never go back;
- past endorsement means endorsed by someone other than the candidate, with a reason;
- past the knowledge stage means a passed, marked test; no more attempts than the level allows;
- at the decision stage or accredited means an observation whose final result is a pass;
- an accreditation exists only for a candidate who passed every stage, confirmed by someone other than the
  candidate while they were practising, and only one;
- a refused action changes nothing.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from accounts.services import ServiceError
from accreditation import services
from accreditation.models import (
    Accreditation,
    Attempt,
    Candidate,
    Level,
    LevelSettings,
    Observation,
    Recommendation,
    Scoresheet,
)
from accreditation.services import decision
from regulation import services as register_services
from regulation.models import Order, RegisterEntry
from tests.accreditation.certification_factories import CandidateAtDecisionFactory
from tests.state_machines import run_machine, run_seeded_proof

from .conftest import answer_all_correctly, build_bank, map_all
from .observation_helpers import NO_SAMPLE, assessor, fill, on_the_day, session

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 10
STEPS = 14
START = datetime.datetime(2027, 3, 2, 10, 0, tzinfo=datetime.UTC)
STAGES = [*Candidate.STAGES, Candidate.Stage.ACCREDITED]
RECOMMENDATIONS = list(Recommendation.values)


class CandidacyRules(RuleBasedStateMachine):
    world: dict
    clock = None

    @initialize(start_at=st.sampled_from(Candidate.STAGES))
    def nominated_by_the_manager(self, start_at):
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.now = START
        self.clock.move_to(self.now, tick=False)
        w = self.world
        self.worker, self.manager, self.regulator = w["worker"], w["manager"], w["regulator"]
        self.candidate = services.nominate(
            manager=self.manager, user=self.worker, level=Level.PRACTITIONER, organisation=w["employer"]
        )
        map_all(self.candidate, self.manager)
        self.furthest = 0
        self.practising_when_confirmed = None
        # Each example starts at a random stage, reached the way a candidate doing well would reach it, so the later
        # stages see as many random actions as the first.
        while self._candidate().stage != start_at:
            self.takes_the_next_step()

    def teardown(self):
        if getattr(self, "savepoint", None) is not None:
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)
            self.savepoint = None

    def _candidate(self) -> Candidate:
        return Candidate.objects.get(pk=self.candidate.pk)

    def _move_to(self, moment: datetime.datetime) -> None:
        self.now = moment
        self.clock.move_to(self.now, tick=False)

    def _waiting(self, status) -> bool:
        return Observation.objects.filter(candidate=self.candidate, status=status).exists()

    def _snapshot(self):
        c = self._candidate()
        return (
            c.stage,
            c.status,
            c.endorsement,
            c.attempts.count(),
            c.bookings.count(),
            c.observations.count(),
            Accreditation.objects.filter(candidate=c).count(),
        )

    def _refused_changes_nothing(self, action):
        before = self._snapshot()
        try:
            return action()
        except ServiceError:
            assert self._snapshot() == before, "a refused action changed the record"
            return None

    # --- What people do -----------------------------------------------------------------------------------------

    @rule()
    def takes_the_next_step(self):
        """What a candidate, manager and assessor doing well would do next; the other rules try everything else."""
        stage = self._candidate().stage
        if stage == Candidate.Stage.ENDORSEMENT:
            self.endorse(False, "Consistently strong practice")
        elif stage == Candidate.Stage.KNOWLEDGE:
            self.sit_the_test(0)
        elif stage == Candidate.Stage.OBSERVATION:
            self.observed_and_scored(Recommendation.PASS, 4)
        elif stage == Candidate.Stage.DECISION:
            self.regulator_confirms(False)

    @rule(days=st.sampled_from([1, 30, 91]))
    def days_pass(self, days):
        self._move_to(self.now + datetime.timedelta(days=days))

    @rule(by_the_candidate=st.booleans(), reason=st.sampled_from(["", "Consistently strong practice"]))
    def endorse(self, by_the_candidate, reason):
        by = self.worker if by_the_candidate else self.manager
        self._refused_changes_nothing(lambda: services.endorse(candidate=self.candidate, by=by, reason=reason))

    @rule()
    def decline(self):
        self._refused_changes_nothing(
            lambda: services.decline(candidate=self.candidate, by=self.manager, reason="Needs more experience")
        )

    @rule(wrong=st.sampled_from([0, 2, 20]))
    def sit_the_test(self, wrong):
        attempt = self._refused_changes_nothing(
            lambda: services.start_attempt(candidate=self.candidate, by=self.worker)
        )
        if attempt is None:
            return
        answer_all_correctly(attempt, self.worker, wrong=wrong)
        services.submit_attempt(attempt=attempt, by=self.worker)

    @rule(first=st.sampled_from(RECOMMENDATIONS), mark=st.sampled_from([1, 2, 3, 4]))
    def observed_and_scored(self, first, mark):
        booked = self._refused_changes_nothing(
            lambda: services.book_session(
                candidate=self.candidate, session=session(self.regulator, self.world["alex"]), by=self.worker
            )
        )
        if booked is None:
            return
        on_the_day(booked.session)
        self._move_to(datetime.datetime.combine(booked.session.date, datetime.time(10), tzinfo=datetime.UTC))
        observation = self._refused_changes_nothing(
            lambda: services.check_in(
                booking=booked, by=self.world["alex"], photo_id=True, registration_number=True, recording_consent=True
            )
        )
        if observation is None:
            return
        sheet = observation.scoresheets.get(marker=Scoresheet.Marker.FIRST)
        fill(sheet, self.world["alex"], mark, first)
        services.submit_scores(scoresheet=sheet, by=self.world["alex"], rng=NO_SAMPLE)

    @precondition(lambda self: self._waiting(Observation.Status.SECOND_MARKING))
    @rule(recommendation=st.sampled_from(RECOMMENDATIONS), mark=st.sampled_from([1, 2, 3, 4]))
    def second_assessor_scores(self, recommendation, mark):
        sheet = Scoresheet.objects.filter(
            observation__candidate=self.candidate, marker=Scoresheet.Marker.SECOND, status=Scoresheet.Status.DRAFT
        ).first()
        if sheet is None:
            return
        fill(sheet, sheet.assessor, mark, recommendation)
        self._refused_changes_nothing(lambda: services.submit_scores(scoresheet=sheet, by=sheet.assessor))

    @precondition(lambda self: self._waiting(Observation.Status.MODERATION))
    @rule(passed=st.booleans())
    def moderator_decides(self, passed):
        observation = Observation.objects.filter(candidate=self.candidate, status=Observation.Status.MODERATION).first()
        if observation is None:
            return
        outcome = Observation.Outcome.PASSED if passed else Observation.Outcome.NOT_PASSED
        self._refused_changes_nothing(
            lambda: services.resolve_moderation(
                observation=observation, by=self.regulator, outcome=outcome, reason="Watched the recording"
            )
        )

    @rule()
    def suspended_while_investigated(self):
        entry = RegisterEntry.objects.get(user=self.worker)
        today = timezone.localdate()
        case = register_services.open_case(
            entry=entry, by=self.regulator, concern="A concern", source="Employer", received_on=today
        )
        register_services.make_interim_order(
            case=case,
            by=self.regulator,
            kind=Order.Kind.INTERIM_SUSPENSION,
            starts_on=today,
            review_on=today + datetime.timedelta(days=30),
            expires_on=today + datetime.timedelta(days=180),
            reason="Risk while investigated",
        )

    @rule()
    def suspension_lifted(self):
        for order in Order.objects.filter(entry__user=self.worker, status=Order.Status.IN_FORCE):
            register_services.revoke_order(order=order, by=self.regulator, reason="Concern not substantiated")

    @rule()
    def withdraws(self):
        self._refused_changes_nothing(
            lambda: services.withdraw(candidate=self.candidate, by=self.worker, reason="Changing role")
        )

    @rule(by_the_candidate=st.booleans())
    def regulator_confirms(self, by_the_candidate):
        standing = _practising(self.worker)
        accreditation = self._refused_changes_nothing(
            lambda: decision.confirm_accreditation(
                candidate=self.candidate,
                by=self.worker if by_the_candidate else self.regulator,
                reason="Every stage passed",
            )
        )
        if accreditation is not None:
            self.practising_when_confirmed = standing

    # --- What the pathway promises --------------------------------------------------------------------------------

    def _ready(self) -> bool:
        return hasattr(self, "candidate")

    @invariant()
    def stages_are_passed_in_order_and_never_go_back(self):
        if not self._ready():
            return
        reached = STAGES.index(self._candidate().stage)
        event(f"reached {STAGES[reached]}")  # shown by --hypothesis-show-statistics: how far the examples went
        assert reached >= self.furthest, "a candidate went back a stage"
        self.furthest = reached

    @invariant()
    def each_stage_rests_on_the_one_before(self):
        if not self._ready():
            return
        c = self._candidate()
        reached = STAGES.index(c.stage)
        if reached >= STAGES.index(Candidate.Stage.KNOWLEDGE):
            assert c.endorsement == Candidate.Endorsement.ENDORSED
            assert c.endorsement_decided_by_id not in (None, c.user_id), "endorsed by the candidate"
            assert c.endorsement_reason.strip()
        if reached >= STAGES.index(Candidate.Stage.OBSERVATION):
            assert c.attempts.filter(status=Attempt.Status.MARKED, passed=True).exists(), "no passed test"
        if reached >= STAGES.index(Candidate.Stage.DECISION):
            assert c.observations.filter(
                status=Observation.Status.DECIDED, outcome=Observation.Outcome.PASSED
            ).exists(), "no passed observation"
        limit = LevelSettings.objects.get(level=c.level).attempt_limit
        assert c.attempts.count() <= limit, "more attempts than the level allows"

    @invariant()
    def an_accreditation_only_for_every_stage_passed_confirmed_by_another_while_practising(self):
        if not self._ready():
            return
        c = self._candidate()
        accreditations = list(Accreditation.objects.filter(candidate=c))
        assert len(accreditations) <= 1, "accredited twice"
        if not accreditations:
            assert c.status != Candidate.Status.ACCREDITED
            return
        accreditation = accreditations[0]
        assert c.stage == Candidate.Stage.ACCREDITED and c.status == Candidate.Status.ACCREDITED
        assert accreditation.confirmed_by_id != c.user_id, "confirmed their own accreditation"
        assert c.observations.filter(outcome=Observation.Outcome.PASSED).exists()
        assert self.practising_when_confirmed is True, "accredited while not practising"


def _practising(user) -> bool:
    from regulation.selectors import practice_standing

    standing = practice_standing([user.pk]).get(user.pk)
    return bool(standing and standing["practising"])


@pytest.fixture
def candidacy_world(worker, manager, leeds, regulator, author):
    build_bank(Level.PRACTITIONER, author, scenarios=3)
    # Sign one credential before Hypothesis runs: the first JSON-LD expansion of the Open Badges context in a test
    # process, when made inside Hypothesis, has been seen to lose values (never in a plain process; issue #31 note).
    decision.confirm_accreditation(
        candidate=CandidateAtDecisionFactory(regulator=regulator, first_name="Ada"), by=regulator, reason="Checked"
    )
    return {
        "worker": worker,
        "manager": manager,
        "employer": leeds,
        "regulator": regulator,
        "alex": assessor("alex@centre.example"),
        "bea": assessor("bea@centre.example"),
    }


def _ready(world, clock):
    CandidacyRules.world = world
    CandidacyRules.clock = clock


def test_the_pathway_rules_hold_whatever_people_do(candidacy_world, time_machine):
    _ready(candidacy_world, time_machine)
    run_machine(CandidacyRules, examples=MAX_EXAMPLES, steps=STEPS)


def test_the_machine_catches_an_accreditation_while_suspended(candidacy_world, time_machine, monkeypatch):
    """The invariants can fail: with the decision's guard blind to the register, the same machine finds a candidate
    accredited while suspended (a fixed seed, so this proof is repeatable)."""
    original = decision.ready_for_decision

    def blind_to_the_register(candidate):
        ok, why = original(candidate)
        return (True, "") if "practising" in why else (ok, why)

    monkeypatch.setattr(decision, "ready_for_decision", blind_to_the_register)
    _ready(candidacy_world, time_machine)
    with pytest.raises(AssertionError, match="accredited while not practising"):
        run_seeded_proof(CandidacyRules, examples=80, steps=STEPS)
