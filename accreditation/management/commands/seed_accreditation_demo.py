"""Demo data for the pathway: a reviewed question bank for all three levels (enough for two full forms per
level over every domain) and demo social workers standing at each stage. Safe to run again."""

import datetime
import random
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, User
from accreditation import demo_certification, services
from accreditation import demo_observation as observation_demo
from accreditation.demo_bank_leader import GENERAL as LEADER_GENERAL
from accreditation.demo_bank_leader import SCENARIOS as LEADER_SCENARIOS
from accreditation.demo_bank_practitioner import GENERAL as PRACTITIONER_GENERAL
from accreditation.demo_bank_practitioner import SCENARIOS as PRACTITIONER_SCENARIOS
from accreditation.demo_bank_supervisor import SCENARIOS as SUPERVISOR_SCENARIOS
from accreditation.models import Candidate, Item
from regulation import services as register
from regulation.models import RegisterEntry

REGULATOR_EMAIL = "regulator@example.com"
MANAGER_EMAIL = "line.manager@example.com"
WORKER_EMAIL = "social.worker@example.com"
LEEDS_LA_NUMBER = "383"
DEMO_PASSWORD = "demo-password-2026"  # nosec B105 # demo users exist only with DEMO_MODE on

BANK = [
    ("practitioner", PRACTITIONER_GENERAL, PRACTITIONER_SCENARIOS),
    ("supervisor", [], SUPERVISOR_SCENARIOS),
    ("leader", LEADER_GENERAL, LEADER_SCENARIOS),
]

# email, first name, last name, level, where they stand
CANDIDATES = [
    ("aaliyah.begum@example.com", "Aaliyah", "Begum", "practitioner", "nominated"),
    ("tom.price@example.com", "Tom", "Price", "supervisor", "requested"),
    ("grace.mensah@example.com", "Grace", "Mensah", "practitioner", "passed"),
    ("daniel.hughes@example.com", "Daniel", "Hughes", "practitioner", "failed"),
    ("chris.walker@example.com", "Chris", "Walker", "leader", "paused"),
]


def _options(texts: list[str], seed: str) -> list[tuple[str, bool]]:
    """Shuffle (deterministically) so the correct answer has no favourite position."""
    options = [(t.lstrip("*").strip(), t.startswith("*")) for t in texts]
    random.Random(seed).shuffle(options)  # nosec B311 # a repeatable demo order, not a secret
    return options


class Command(BaseCommand):
    help = "Load the demo question bank and put demo social workers at each stage of the pathway (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        regulator = User.objects.filter(email=REGULATOR_EMAIL).first()
        manager = User.objects.filter(email=MANAGER_EMAIL).first()
        leeds = Organisation.objects.filter(la_number=LEEDS_LA_NUMBER).first()
        if regulator is None or manager is None or leeds is None:
            self.stdout.write("Accreditation demo: no demo regulator, manager or Leeds (run seed_demo); nothing to do.")
            return
        items = self._bank(regulator)
        people = self._candidates(regulator, manager, leeds)
        people += observation_demo.seed(self, regulator=regulator, manager=manager, leeds=leeds)
        self.stdout.write(f"Accreditation demo: {items} new bank items; {people} demo candidates placed.")
        demo_certification.seed(self, regulator=regulator, manager=manager, leeds=leeds)

    def _bank(self, author) -> int:
        if Item.objects.exists():
            return 0
        count = 0
        for level, general, scenarios in BANK:
            for domain, stem, texts in general:
                kind = Item.Kind.SINGLE if len(texts) == 4 else Item.Kind.MULTIPLE
                services.create_item(
                    level=level,
                    domain_key=domain,
                    kind=kind,
                    stem=stem,
                    options=_options(texts, stem),
                    by=author,
                    _live=True,
                )
                count += 1
            for title, passage, scenario_items in scenarios:
                scenario = services.create_scenario(level=level, title=title, passage=passage, by=author, live=True)
                for domain, stem, texts in scenario_items:
                    kind = Item.Kind.SINGLE if len(texts) == 4 else Item.Kind.MULTIPLE
                    services.create_item(
                        level=level,
                        domain_key=domain,
                        kind=kind,
                        stem=stem,
                        options=_options(texts, title + stem),
                        by=author,
                        scenario=scenario,
                        _live=True,
                    )
                    count += 1
        return count

    def _person(self, email, first, last, leeds, regulator) -> User:
        user, created = User.objects.get_or_create(email=email, defaults={"first_name": first, "last_name": last})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        Membership.objects.get_or_create(user=user, organisation=leeds, role=Role.SOCIAL_WORKER, ended_on=None)
        if not RegisterEntry.objects.filter(user=user).exists():
            application = register.submit_application(
                applicant=user,
                first_name=first,
                last_name=last,
                date_of_birth=datetime.date(1988, 5, 17),
                email=email,
                address="Demo address, Leeds",
                qualification="BA Social Work, Leeds Beckett University",
                qualified_on=datetime.date(2018, 7, 1),
                employer=None,
            )
            entry = register.approve_application(application=application, by=regulator, reason="Demo data.")
            register.add_employment(
                entry=entry,
                by=user,
                employer=leeds,
                role_title="Social worker, children's services",
                started_on=timezone.localdate() - datetime.timedelta(days=700),
                fte=Decimal("1.00"),
                contract="permanent",
            )
        return user

    def _map_and_endorse(self, candidate, manager):
        services.save_mapping(
            candidate=candidate,
            by=manager,
            statements={
                d.key: f"Demo: observed in supervision and on joint visits; strong examples for “{d.title}”."
                for d in candidate.standard.domains.all()
            },
        )
        return services.endorse(candidate=candidate, by=manager, reason="Demo: consistently strong practice.")

    def _sit(self, candidate, user, *, right: int):
        """Take a test as the candidate, answering the first ``right`` questions correctly."""
        attempt = services.start_attempt(candidate=candidate, by=user, rng=random.Random(candidate.pk))  # nosec B311 # repeatable demo forms
        for row in attempt.items.select_related("item").prefetch_related("item__options"):
            options = list(row.item.options.all())
            good = [o.pk for o in options if o.is_correct]
            bad = [o.pk for o in options if not o.is_correct][: len(good)]
            services.save_answer(
                attempt=attempt, position=row.position, option_ids=good if row.position <= right else bad, by=user
            )
        return services.submit_attempt(attempt=attempt, by=user)

    def _candidates(self, regulator, manager, leeds) -> int:
        placed = 0
        worker = User.objects.filter(email=WORKER_EMAIL).first()
        if worker is not None and hasattr(worker, "register_entry") and not worker.candidacies.exists():
            # The demo social worker has a test waiting to be taken.
            c = services.nominate(manager=manager, user=worker, level="practitioner", organisation=leeds)
            self._map_and_endorse(c, manager)
            placed += 1
        for email, first, last, level, stage in CANDIDATES:
            user = self._person(email, first, last, leeds, regulator)
            if Candidate.objects.filter(user=user).exists():
                continue
            placed += 1
            if stage == "requested":
                services.request_endorsement(
                    user=user, level=level, organisation=leeds, reason="I supervise two newly qualified workers."
                )
                continue
            c = services.nominate(manager=manager, user=user, level=level, organisation=leeds)
            if stage == "nominated":
                services.save_mapping(
                    candidate=c,
                    by=user,
                    statements={"p1": "Demo: weekly direct work with a sibling group using life-story work."},
                )
                continue
            c = self._map_and_endorse(c, manager)
            if stage == "passed":
                self._sit(c, user, right=27)
            elif stage == "failed":
                self._sit(c, user, right=15)
            elif stage == "paused":
                entry = user.register_entry
                today = timezone.localdate()
                case = register.open_case(
                    entry=entry, by=regulator, concern="Demo concern.", source="Employer", received_on=today
                )
                register.make_interim_order(
                    case=case,
                    by=regulator,
                    kind="interim_suspension",
                    starts_on=today,
                    review_on=today + datetime.timedelta(days=90),
                    expires_on=today + datetime.timedelta(days=180),
                    reason="Demo: interim suspension while a concern is investigated.",
                    conditions=[],
                )
        return placed
