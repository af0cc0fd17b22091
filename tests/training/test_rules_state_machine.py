"""Stateful property-based test of the early-career rules (issue #31): Hypothesis drives the real services with random
sequences of days passing, pauses, reviews on random dates, exceptions, the final assessment, moderation and funding
claims, and after every step checks what the regulator's rules promise:

- no review is ever dated inside a pause, and none outside its window without a co-ordinator's recorded exception;
- no final assessment (so no completion) without every review that is not optional;
- the end date is the planned end moved by exactly the days paused;
- funding pays each milestone once, only once reached, and never for a review the rules would refuse;
- a refused action changes nothing;
- the cohort's state counted in SQL from the stored schedule dates is what each record says, on any day.

Each example runs in a savepoint rolled back at its end. The number of examples is bounded (``MAX_EXAMPLES``).
"""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from accounts.services import ServiceError
from tests.state_machines import run_machine
from training import funding, selectors, services
from training.models import Enrolment, FundingClaimLine, ReviewWindowException

from .conftest import START, all_on_track, at, enrol, final_evidence, final_judgements

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 12
STEPS = 14
POINTS = ["3_months", "6_months", "9_months", "final"]


class EarlyCareerRules(RuleBasedStateMachine):
    team: dict
    clock = None

    @initialize()
    def enrol_a_participant(self):
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.today = START
        self.clock.move_to(at(self.today), tick=False)
        self.enrolment = enrol(self.team)
        self.claimed_on: dict[str, datetime.date] = {}

    def teardown(self):
        if getattr(self, "savepoint", None) is not None:
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)
            self.savepoint = None

    def _refresh(self) -> Enrolment:
        self.enrolment = Enrolment.objects.select_related("programme").get(pk=self.enrolment.pk)
        return self.enrolment

    def _refused_changes_nothing(self, action) -> None:
        before = (self.enrolment.reviews.count(), self.enrolment.pauses.count(), self._refresh().status)
        try:
            action()
        except ServiceError:
            after = (self.enrolment.reviews.count(), self.enrolment.pauses.count(), self._refresh().status)
            assert after == before, "a refused action changed the record"

    # --- What people do -----------------------------------------------------------------------------------------

    @rule(days=st.integers(min_value=1, max_value=75))
    def days_pass(self, days):
        self.today += datetime.timedelta(days=days)
        self.clock.move_to(at(self.today), tick=False)

    @rule(starts_in=st.integers(min_value=-20, max_value=20), length=st.integers(min_value=1, max_value=40))
    def pause(self, starts_in, length):
        starts_on = self.today + datetime.timedelta(days=starts_in)
        self._refused_changes_nothing(
            lambda: services.add_pause(
                enrolment=self.enrolment,
                by=self.team["coordinator"],
                kind="sickness",
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(days=length - 1),
                reason="Off sick",
            )
        )

    @rule(point=st.sampled_from(POINTS), days_ago=st.integers(min_value=0, max_value=120))
    def review(self, point, days_ago):
        held_on = self.today - datetime.timedelta(days=days_ago)
        final = point == "final"
        programme = self.enrolment.programme
        self._refused_changes_nothing(
            lambda: services.record_review(
                enrolment=self.enrolment,
                by=self.enrolment.assessor,
                point=point,
                held_on=held_on,
                judgements=final_judgements(self.enrolment.programme)
                if final
                else all_on_track(self.enrolment.programme),
                evidence_seen="Observation",
                recommendation="pass" if final else "",
                standard_evidence=final_evidence(programme) if final else None,
            )
        )

    @rule(point=st.sampled_from(POINTS[:3]))
    def allow_outside_window(self, point):
        self._refused_changes_nothing(
            lambda: services.grant_review_window_exception(
                enrolment=self.enrolment, by=self.team["coordinator"], point=point, reason="Moving teams"
            )
        )

    @rule()
    def approve_early_completion(self):
        self._refused_changes_nothing(
            lambda: services.approve_early_completion(
                enrolment=self.enrolment, by=self.team["coordinator"], reason="Ready early"
            )
        )

    @rule()
    def moderate(self):
        self._refused_changes_nothing(
            lambda: services.moderate_internally(
                enrolment=self.enrolment, by=self.team["coordinator"], decision="confirmed", reason="Agreed"
            )
        )

    @rule(days_ago=st.integers(min_value=0, max_value=30))
    def supervision(self, days_ago):
        self._refused_changes_nothing(
            lambda: services.record_supervision(
                enrolment=self.enrolment,
                by=self.team["supervisor"],
                held_on=self.today - datetime.timedelta(days=days_ago),
                minutes=60,
                supervisor=self.team["supervisor"],
                themes="Case planning",
            )
        )

    @rule(weeks_ago=st.integers(min_value=0, max_value=8), hours=st.integers(min_value=1, max_value=40))
    def protected_time(self, weeks_ago, hours):
        self._refused_changes_nothing(
            lambda: services.record_protected_time(
                enrolment=self.enrolment,
                by=self.team["coordinator"],
                week_starting=self.today - datetime.timedelta(weeks=weeks_ago),
                hours=Decimal(hours),
                activity="Reading",
            )
        )

    @rule(cases=st.integers(min_value=0, max_value=20))
    def caseload(self, cases):
        self._refused_changes_nothing(
            lambda: services.record_caseload(
                enrolment=self.enrolment,
                by=self.team["coordinator"],
                month=self.today,
                cases=cases,
                experienced_caseload=18,
            )
        )

    @rule()
    def claim_funding(self):
        try:
            funding.create_claim(
                employer=self.team["council"],
                by=self.team["coordinator"],
                period_start=datetime.date(2027, 4, 1),
                period_end=datetime.date(2031, 3, 31),
            )
        except ServiceError:
            return
        for line in FundingClaimLine.objects.filter(enrolment=self.enrolment):
            self.claimed_on.setdefault(line.milestone, self.today)

    # --- What the rules promise ---------------------------------------------------------------------------------

    @invariant()
    def reviews_are_held_while_working_and_in_their_windows(self):
        if not hasattr(self, "enrolment"):
            return
        e = self._refresh()
        pauses = list(e.pauses.all())
        excepted = set(ReviewWindowException.objects.filter(enrolment=e).values_list("point", flat=True))
        for review in e.reviews.filter(returned_at__isnull=True):
            assert not any(p.starts_on <= review.held_on <= p.ends_on for p in pauses), f"{review.point} in a pause"
            spec = e.programme.review_point(review.point)
            if spec.get("final"):
                continue
            opens, closes = e.review_window(spec, pauses, held_on=review.held_on)  # as it stood when held
            assert opens <= review.held_on <= closes or review.point in excepted, f"{review.point} out of window"

    @invariant()
    def no_final_assessment_without_the_reviews_that_are_not_optional(self):
        if not hasattr(self, "enrolment"):
            return
        e = self.enrolment
        points = set(e.reviews.filter(returned_at__isnull=True).values_list("point", flat=True))
        if "final" in points or e.status in (Enrolment.Status.AWAITING_MODERATION, Enrolment.Status.PASSED):
            required = {p["key"] for p in e.programme.review_points if not p.get("optional") and not p.get("final")}
            assert required <= points, f"final assessment without {required - points}"

    @invariant()
    def the_end_date_moves_by_exactly_the_days_paused(self):
        if not hasattr(self, "enrolment"):
            return
        e = self.enrolment
        paused = sum(p.days for p in e.pauses.all())
        assert e.end_date == e.planned_end_date + datetime.timedelta(days=paused)

    @invariant()
    def the_cohort_counted_in_sql_agrees_with_each_record_read_in_python(self):
        """The cohort page counts and filters from the stored schedule dates; the record page reads the records.
        On any day from now on they must tell the same story (not before now: a session held since then would
        not have been recorded yet)."""
        if not hasattr(self, "enrolment"):
            return
        for offset in (0, 1, 6, 13, 30, 120, 400):
            day = self.today + datetime.timedelta(days=offset)
            flags = selectors.with_due_flags(Enrolment.objects.filter(pk=self.enrolment.pk), day).get()
            (row,) = selectors.cohort_rows(selectors.with_due_flags(Enrolment.objects.filter(pk=flags.pk), day), day)
            assert flags.is_overdue == bool(row.overdue), (day, row.overdue)
            assert flags.is_paused == (row.paused is not None), day
            assert flags.is_short_of_protected_time == row.protected.behind, (day, row.protected)
            assert flags.caseload_months_above == row.caseload_above

    @invariant()
    def funding_pays_each_milestone_once_and_only_once_reached(self):
        if not hasattr(self, "enrolment"):
            return
        lines = list(FundingClaimLine.objects.filter(enrolment=self.enrolment))
        assert len({line.milestone for line in lines}) == len(lines), "a milestone paid twice"
        for line in lines:
            assert line.reached_on <= self.claimed_on.get(line.milestone, self.today), "paid before it happened"


def test_the_early_career_rules_hold_whatever_people_do(team, time_machine):
    EarlyCareerRules.team = team
    EarlyCareerRules.clock = time_machine
    run_machine(EarlyCareerRules, examples=MAX_EXAMPLES, steps=STEPS)
