import pytest
from django.core.management import call_command

from accreditation.models import AssessmentSession, Candidate, Observation, Scoresheet
from accreditation.selectors.observation import assessor_work

pytestmark = pytest.mark.django_db


def test_demo_assessor_has_sessions_a_half_done_draft_and_a_moderation_case(settings):
    from accounts.models import User

    settings.DEBUG = True
    call_command("seed_demo", "--quiet-users")
    assessor = User.objects.get(email="assessor@example.com")
    work = assessor_work(assessor)
    assert len(work["sessions"]) >= 3 and work["to_check_in"]
    draft = Scoresheet.objects.get(observation__candidate__user__email="grace.mensah@example.com")
    scored = draft.scores.filter(score__isnull=False).count()
    assert 0 < scored < draft.scores.count() and draft in work["drafts"]
    assert Observation.objects.filter(status="moderation").exists()
    assert Candidate.objects.filter(stage="decision", user__email="mia.roberts@example.com").exists()
    before = (AssessmentSession.objects.count(), Scoresheet.objects.count())
    call_command("seed_accreditation_demo")
    assert (AssessmentSession.objects.count(), Scoresheet.objects.count()) == before
