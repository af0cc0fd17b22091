import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from accreditation import services
from accreditation.models import Item, Level
from accreditation.services.pathway import current_standard, ensure_standards
from regulation import services as register_services
from tests.factories import LocalAuthorityFactory, make_user
from tests.regulation.conftest import register

from .observation_helpers import assessor, at_observation, observed

NOW = datetime.datetime(2027, 3, 2, 10, 0, tzinfo=datetime.UTC)


def employ(entry, organisation):
    return register_services.add_employment(
        entry=entry,
        by=entry.user,
        employer=organisation,
        role_title="Social worker",
        started_on=entry.registered_on,
        fte=Decimal("1"),
        contract="permanent",
    )


def build_bank(level: str, author, *, general: int = 20, scenarios: int = 1, applied: int = 12, general_level=None):
    """Live items enough for forms: ``general`` items over the domains of the general level, and scenarios."""
    general_level = general_level or level
    keys = [d.key for d in current_standard(general_level).domains.all()]
    for i in range(general):
        kind = Item.Kind.SINGLE if i % 3 else Item.Kind.MULTIPLE
        services.create_item(
            level=general_level,
            domain_key=keys[i % len(keys)],
            kind=kind,
            stem=f"{general_level} general question {i}",
            options=_options(kind, i),
            by=author,
            _live=True,
        )
    own_keys = [d.key for d in current_standard(level).domains.all()]
    for s in range(scenarios):
        scenario = services.create_scenario(
            level=level, title=f"Case {s}", passage="A family of four…", by=author, live=True
        )
        for i in range(applied):
            services.create_item(
                level=level,
                domain_key=own_keys[i % len(own_keys)],
                kind=Item.Kind.SINGLE,
                stem=f"{level} applied question {s}.{i}",
                options=_options(Item.Kind.SINGLE, i),
                by=author,
                scenario=scenario,
                _live=True,
            )


def _options(kind, seed):
    count, correct = Item.SHAPE[kind]
    return [(f"Option {seed}-{n}", n < correct) for n in range(count)]


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def regulator(db):
    return make_user(Role.REGULATOR_STAFF, email="ruth@regulator.example")


@pytest.fixture
def accreditation(now, regulator):
    """A confirmed accreditation with its certificate made (a module may define its own)."""
    from accreditation.services import certificates, decision

    from .certification_factories import CandidateAtDecisionFactory

    confirmed = decision.confirm_accreditation(
        candidate=CandidateAtDecisionFactory(regulator=regulator), by=regulator, reason="Checked."
    )
    return certificates.issue_certificate(accreditation=confirmed)


@pytest.fixture
def author(db):
    return make_user(Role.REGULATOR_STAFF, email="author@regulator.example")


@pytest.fixture
def leeds(db):
    return LocalAuthorityFactory(name="Leeds City Council", town="Leeds")


@pytest.fixture
def manager(leeds):
    return make_user(Role.LINE_MANAGER, organisation=leeds, first_name="Priya", last_name="Shah")


@pytest.fixture
def worker(now, leeds, regulator):
    ensure_standards()  # a transactional test's flush empties what the data migration seeded
    user = make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name="Sam", last_name="Okafor")
    entry = register(user, regulator)
    employ(entry, leeds)
    return user


@pytest.fixture
def bank(author):
    build_bank(Level.PRACTITIONER, author)
    return author


def map_all(candidate, by):
    return services.save_mapping(
        candidate=candidate,
        by=by,
        statements={d.key: f"Practice example for {d.title}" for d in candidate.standard.domains.all()},
    )


@pytest.fixture
def nominated(worker, manager, leeds):
    return services.nominate(manager=manager, user=worker, level=Level.PRACTITIONER, organisation=leeds)


@pytest.fixture
def endorsed(nominated, manager):
    map_all(nominated, manager)
    return services.endorse(candidate=nominated, by=manager, reason="Consistently strong practice.")


def answer_all_correctly(attempt, by, *, wrong: int = 0):
    """Answer every question (the first ``wrong`` ones with a wrong answer)."""
    for row in attempt.items.select_related("item").prefetch_related("item__options").order_by("position"):
        options = list(row.item.options.all())
        if row.position <= wrong:
            chosen = [o.pk for o in options if not o.is_correct][:1]
        else:
            chosen = [o.pk for o in options if o.is_correct]
        services.save_answer(attempt=attempt, position=row.position, option_ids=chosen, by=by)


# Practice observation: a candidate at the observation stage, two assessors from a centre, and the first
# assessor's scoresheet after check-in.


@pytest.fixture
def candidate(endorsed):
    return at_observation(endorsed)


@pytest.fixture
def alex(db):
    return assessor("alex@centre.example")


@pytest.fixture
def bea(db):
    return assessor("bea@centre.example")


@pytest.fixture
def sheet(candidate, regulator, alex):
    return observed(candidate, regulator, alex)
