import datetime
import io

import pytest
from django.core.management import call_command

from regulation import selectors as register
from training import selectors
from training.models import Enrolment

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_cohorts_at_different_points_and_is_idempotent(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC), tick=False)
    call_command("seed_demo", "--demo", "--quiet-users", stdout=io.StringIO())
    assert Enrolment.objects.count() == 5
    rows = {
        r.enrolment.participant.email: r
        for r in selectors.cohort_rows(selectors._with_records(Enrolment.objects.all()))
    }
    assert rows["asye.overdue@example.com"].supervision.overdue
    assert rows["asye.overdue@example.com"].protected.behind
    assert not rows["asye.review@example.com"].protected.behind
    assert rows["asye.review@example.com"].next_point.state == "due_soon"
    assert not rows["asye.review@example.com"].overdue
    assert rows["asye.paused@example.com"].paused is not None
    passed = rows["asye.passed@example.com"].enrolment
    assert passed.status == "passed"
    entry = register.entry_with_annotations(passed.participant)
    assert "early_career_completed" in [a.kind for a in entry.annotations.all()]
    assert {r.enrolment.programme.code for r in rows.values()} == {"asye", "ecp"}
    out = io.StringIO()
    call_command("seed_training_demo", stdout=out)
    assert "already in place" in out.getvalue() and Enrolment.objects.count() == 5
