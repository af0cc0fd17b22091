import pytest
from django.core.management import call_command

from accreditation.models import Attempt, BankStatus, Candidate, Item, LevelSettings, Scenario
from accreditation.services.pathway import current_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--quiet-users")
    return True


def test_demo_bank_covers_every_domain_with_two_full_forms_per_level(seeded):
    for level in ("practitioner", "supervisor", "leader"):
        s = LevelSettings.objects.get(level=level)
        general = Item.objects.filter(level=s.general_items_level, scenario__isnull=True, status=BankStatus.LIVE)
        assert general.count() >= 2 * s.general_items
        keys = {d.key for d in current_standard(s.general_items_level).domains.all()}
        assert set(general.values_list("domain_key", flat=True)) == keys
        full = [sc for sc in Scenario.objects.filter(level=level) if sc.items.count() >= s.applied_items]
        assert len(full) >= 2
        applied_keys = set(
            Item.objects.filter(level=level, scenario__isnull=False).values_list("domain_key", flat=True)
        )
        assert applied_keys == {d.key for d in current_standard(level).domains.all()}


def test_demo_people_stand_at_each_stage_and_a_second_run_changes_nothing(seeded):
    stages = set(Candidate.objects.values_list("stage", flat=True))
    assert {"endorsement", "knowledge", "observation"} <= stages
    assert Attempt.objects.filter(passed=True).exists() and Attempt.objects.filter(passed=False).exists()
    before = (Item.objects.count(), Candidate.objects.count(), Attempt.objects.count())
    call_command("seed_accreditation_demo")
    assert (Item.objects.count(), Candidate.objects.count(), Attempt.objects.count()) == before
