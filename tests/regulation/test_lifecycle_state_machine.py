"""Stateful property-based test of the register entry's lifecycle (issue #31, docs/lifecycles.md): Hypothesis drives
the real services with random sequences of days passing (with the nightly expiry and lapse tasks), fitness to
practise cases, interim orders on random dates, final outcomes, revocations, CPD, renewal and voluntary removal,
for a person who holds an accreditation; after every step it checks what the register promises:

- the status recorded is the one the facts give today (orders and conditions in force, renewal), and a removal
  stays until someone decides otherwise;
- every change of status is in the history, in order, with a reason;
- a removal revokes every accreditation the person holds, with who and why; a valid accreditation never outlives
  its holder's registration;
- an interim order's review date falls between its start and its expiry;
- only a practising entry counts as practising for the pathway;
- a refused action changes nothing.
"""

import datetime
import itertools

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from accounts.models import Role
from accounts.services import ServiceError
from accreditation.models import Accreditation
from accreditation.services import decision
from regulation import selectors, services
from regulation.models import PRACTISING, EntryStatus, FitnessToPractiseCase, Order, RegisterEntry, StatusChange
from tests.factories import make_user
from tests.state_machines import run_machine, run_seeded_proof

from .conftest import add_cpd

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 12
STEPS = 16
START = datetime.datetime(2027, 3, 2, 10, 0, tzinfo=datetime.UTC)
OUTCOMES = list(FitnessToPractiseCase.Outcome.values)


class RegisterEntryRules(RuleBasedStateMachine):
    clock = None
    world: dict

    @initialize()
    def an_accredited_registered_social_worker(self):
        # Each example starts from the same accredited person (made once, by the fixture) and is rolled back.
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.now = START
        self.clock.move_to(self.now, tick=False)
        self.regulator, self.accreditation, self.entry = (
            self.world["regulator"],
            self.world["accreditation"],
            self.world["entry"],
        )

    def teardown(self):
        if getattr(self, "savepoint", None) is not None:
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)
            self.savepoint = None

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def _entry(self) -> RegisterEntry:
        return RegisterEntry.objects.get(pk=self.entry.pk)

    def _snapshot(self):
        e = self._entry()
        return (
            e.status,
            e.registered_until,
            e.status_changes.count(),
            e.orders.count(),
            e.orders.filter(status=Order.Status.IN_FORCE).count(),
            e.ftp_cases.filter(stage=FitnessToPractiseCase.Stage.CLOSED).count(),
            e.ftp_cases.count(),
            Accreditation.objects.get(pk=self.accreditation.pk).status,
        )

    def _refused_changes_nothing(self, action) -> None:
        before = self._snapshot()
        try:
            action()
        except ServiceError:
            assert self._snapshot() == before, "a refused action changed the record"

    def _open_case(self):
        return self._entry().ftp_cases.exclude(stage=FitnessToPractiseCase.Stage.CLOSED).first()

    # --- What happens ---------------------------------------------------------------------------------------------

    @rule(days=st.sampled_from([1, 7, 30, 90, 200, 400]))
    def days_pass_and_the_nightly_tasks_run(self, days):
        self.now += datetime.timedelta(days=days)
        self.clock.move_to(self.now, tick=False)
        services.apply_order_expiries(today=self.today)
        services.lapse_unrenewed(today=self.today)

    @rule(received_days_ago=st.integers(min_value=-2, max_value=60))
    def a_concern_arrives(self, received_days_ago):
        self._refused_changes_nothing(
            lambda: services.open_case(
                entry=self.entry,
                by=self.regulator,
                concern=f"Concern raised {received_days_ago} days ago",
                source="Employer",
                received_on=self.today - datetime.timedelta(days=received_days_ago),
            )
        )

    @rule(
        kind=st.sampled_from(list(Order.INTERIM)),
        starts_in=st.integers(min_value=-10, max_value=20),
        review_in=st.integers(min_value=-15, max_value=120),
        expires_in=st.integers(min_value=-5, max_value=200),
    )
    def an_interim_order(self, kind, starts_in, review_in, expires_in):
        case = self._open_case()
        if case is None:
            return
        days = datetime.timedelta
        self._refused_changes_nothing(
            lambda: services.make_interim_order(
                case=case,
                by=self.regulator,
                kind=kind,
                starts_on=self.today + days(days=starts_in),
                review_on=self.today + days(days=review_in),
                expires_on=self.today + days(days=expires_in),
                reason="Risk to the public while the case is investigated",
                conditions=["Supervised practice only"],
            )
        )

    @rule(outcome=st.sampled_from(OUTCOMES), expires_in=st.sampled_from([-1, 30, 365]))
    def the_case_is_decided(self, outcome, expires_in):
        case = self._open_case()
        if case is None:
            return
        self._refused_changes_nothing(
            lambda: services.record_outcome(
                case=case,
                by=self.regulator,
                outcome=outcome,
                reason="Panel's decision",
                expires_on=self.today + datetime.timedelta(days=expires_in),
                conditions=["Supervised practice only"],
            )
        )

    @rule(which=st.integers(min_value=0, max_value=3))
    def an_order_is_revoked(self, which):
        orders = list(self._entry().orders.filter(status=Order.Status.IN_FORCE).order_by("pk"))
        if not orders:
            return
        order = orders[which % len(orders)]
        self._refused_changes_nothing(
            lambda: services.revoke_order(order=order, by=self.regulator, reason="Revoked on review")
        )

    @rule(count=st.integers(min_value=1, max_value=3))
    def cpd_is_recorded(self, count):
        for n in range(count):
            self._refused_changes_nothing(
                lambda n=n: add_cpd(self.entry, self.entry.user, title=f"Workshop {n}", day=self.today)
            )

    @rule()
    def renews(self):
        self._refused_changes_nothing(lambda: services.renew_registration(entry=self._entry(), by=self.entry.user))

    @rule()
    def asks_to_leave_the_register(self):
        self._refused_changes_nothing(
            lambda: services.remove_voluntarily(entry=self._entry(), by=self.regulator, reason="Retiring")
        )

    # --- What the register promises -------------------------------------------------------------------------------

    def _ready(self) -> bool:
        return hasattr(self, "entry")

    @invariant()
    def the_status_recorded_is_the_one_the_facts_give(self):
        if not self._ready():
            return
        e = self._entry()
        # Between nightly runs the pages show today's status from the facts; after a run the record agrees.
        fresh = RegisterEntry.objects.get(pk=e.pk)
        services.apply_order_expiries(today=self.today)
        services.lapse_unrenewed(today=self.today)
        e = self._entry()
        assert e.status == fresh.status_today, f"recorded {e.status}, the facts give {fresh.status_today}"
        derived, _ = services.derived_status(e, self.today)
        if e.status != EntryStatus.REMOVED:
            assert e.status == derived or e.status in (EntryStatus.LAPSED, EntryStatus.VOLUNTARILY_REMOVED)

    @invariant()
    def every_change_of_status_is_in_the_history_in_order_with_a_reason(self):
        if not self._ready():
            return
        e = self._entry()
        changes = list(StatusChange.objects.filter(entry=e).order_by("changed_at", "id"))
        for before, after in itertools.pairwise(changes):
            assert after.from_status == before.to_status, "a gap in the status history"
        if changes:
            assert changes[-1].to_status == e.status
        assert all(c.reason.strip() for c in changes), "a change of status without a reason"

    @invariant()
    def a_removal_revokes_the_accreditation(self):
        if not self._ready():
            return
        e = self._entry()
        accreditation = Accreditation.objects.get(pk=self.accreditation.pk)
        if e.status == EntryStatus.REMOVED:
            assert accreditation.status == Accreditation.Status.REVOKED, "removed but still accredited"
            assert accreditation.revoked_at and accreditation.revoked_reason.strip()
        if accreditation.status == Accreditation.Status.VALID:
            assert not e.status_changes.filter(to_status=EntryStatus.REMOVED).exists()

    @invariant()
    def interim_orders_are_reviewed_within_their_term(self):
        if not self._ready():
            return
        for order in self._entry().orders.filter(kind__in=Order.INTERIM):
            assert order.starts_on <= order.review_on <= order.expires_on

    @invariant()
    def only_a_practising_entry_counts_as_practising(self):
        if not self._ready():
            return
        e = self._entry()
        standing = selectors.practice_standing([e.user_id])[e.user_id]
        assert standing["practising"] == (e.status_today in PRACTISING)


@pytest.fixture
def accredited(time_machine):
    from tests.accreditation.certification_factories import CandidateAtDecisionFactory

    time_machine.move_to(START, tick=False)
    regulator = make_user(Role.REGULATOR_STAFF)
    candidate = CandidateAtDecisionFactory(regulator=regulator)
    accreditation = decision.confirm_accreditation(candidate=candidate, by=regulator, reason="Checked")
    RegisterEntryRules.world = {
        "regulator": regulator,
        "accreditation": accreditation,
        "entry": RegisterEntry.objects.get(user=candidate.user),
    }
    RegisterEntryRules.clock = time_machine


@pytest.mark.usefixtures("accredited")
def test_the_register_rules_hold_whatever_happens():
    run_machine(RegisterEntryRules, examples=MAX_EXAMPLES, steps=STEPS)


@pytest.mark.usefixtures("accredited")
def test_the_machine_catches_a_removal_that_leaves_the_accreditation_valid(monkeypatch):
    """The invariants can fail: with the pathway deaf to removals, the same machine finds a removed person still
    accredited (a fixed seed, so this proof is repeatable)."""
    from accreditation.services import decision as decision_services

    monkeypatch.setattr(decision_services, "revoke_after_removal", lambda **kwargs: 0)
    with pytest.raises(AssertionError, match="removed but still accredited"):
        run_seeded_proof(RegisterEntryRules, examples=80, steps=STEPS)
