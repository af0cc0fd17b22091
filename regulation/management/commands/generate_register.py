"""Build a large synthetic register for benchmarks, with bulk inserts (100,000 entries in well under a minute)."""

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from regulation.models import (
    EntryStatus,
    RegisterEntry,
    RegistrationNumber,
    Renewal,
    StatusChange,
    normalise_name,
)

FIRST = [
    "Amira",
    "Ben",
    "Chloe",
    "David",
    "Ella",
    "Femi",
    "Grace",
    "Hassan",
    "Isla",
    "Jack",
    "Kavya",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Priya",
    "Quinn",
    "Ruth",
    "Sam",
    "Tom",
    "Uma",
    "Victor",
    "Wei",
    "Yusuf",
    "Zara",
    "Zoë",
    "Siân",
]
LAST = [
    "Adams",
    "Begum",
    "Clarke",
    "Davies",
    "Evans",
    "Fisher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Okafor",
    "Patel",
    "Quinn",
    "Roberts",
    "Smith",
    "Taylor",
    "Usman",
    "Walker",
    "Wright",
    "Young",
    "Zhang",
    "Brontë-Smith",
    "O'Neill",
    "O’Brien",
]
STATUSES = (
    [EntryStatus.REGISTERED] * 90
    + [EntryStatus.LAPSED] * 6
    + [EntryStatus.REGISTERED_WITH_CONDITIONS] * 2
    + [EntryStatus.VOLUNTARILY_REMOVED, EntryStatus.SUSPENDED]
)


class Command(BaseCommand):
    help = "Add N synthetic register entries (with renewal and status history) using bulk inserts."

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, entries, seed, batch, **options):
        if entries < 1:
            raise CommandError("--entries must be at least 1.")
        rng = random.Random(seed)  # nosec B311 # repeatable synthetic test data, not secrets
        started = time.monotonic()
        employers = list(
            Organisation.objects.filter(kind__in=["local_authority", "other_employer"]).values_list("pk", flat=True)
        )
        today = timezone.localdate()
        year_end = datetime.date(today.year + (1 if today.month == 12 else 0), 11, 30)
        now = timezone.now()
        made = 0
        while made < entries:
            size = min(batch, entries - made)
            with transaction.atomic():
                numbers = RegistrationNumber.objects.bulk_create(
                    [RegistrationNumber(allocated_at=now) for _ in range(size)]
                )
                rows = []
                for allocation in numbers:
                    first, last = (
                        rng.choice(FIRST),
                        rng.choice(LAST) + ("" if rng.random() < 0.7 else f"-{rng.choice(LAST)}"),
                    )
                    registered_on = today - datetime.timedelta(days=rng.randint(30, 365 * 12))
                    status = rng.choice(STATUSES)
                    rows.append(
                        RegisterEntry(
                            number_allocation=allocation,
                            registration_number=allocation.number,
                            email=f"{allocation.number.lower()}@register.example.org",
                            first_name=first,
                            last_name=last,
                            surname_key=normalise_name(last),
                            name_key=normalise_name(f"{first} {last}"),
                            date_of_birth=datetime.date(
                                rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28)
                            ),
                            qualification="BA Social Work",
                            qualified_on=registered_on - datetime.timedelta(days=60),
                            registered_on=registered_on,
                            registered_until=max(
                                year_end if status != EntryStatus.LAPSED else datetime.date(year_end.year - 1, 11, 30),
                                registered_on,
                            ),
                            status=status,
                            current_employer_id=rng.choice(employers) if employers and rng.random() < 0.9 else None,
                        )
                    )
                created = RegisterEntry.objects.bulk_create(rows)
                renewals, changes = [], []
                for entry in created:
                    changes.append(
                        StatusChange(entry=entry, to_status=EntryStatus.REGISTERED, reason="Generated", changed_at=now)
                    )
                    if entry.status != EntryStatus.REGISTERED:
                        changes.append(
                            StatusChange(
                                entry=entry,
                                from_status=EntryStatus.REGISTERED,
                                to_status=entry.status,
                                reason="Generated",
                                changed_at=now,
                            )
                        )
                    for back in range(1, min(4, (today - entry.registered_on).days // 365 + 1)):
                        renewals.append(
                            Renewal(
                                entry=entry,
                                year_end=datetime.date(year_end.year - back, 11, 30),
                                renewed_at=now,
                                cpd_count=2,
                                peer_reflection_count=1,
                            )
                        )
                StatusChange.objects.bulk_create(changes)
                Renewal.objects.bulk_create(renewals, ignore_conflicts=True)
            made += size
        self.stdout.write(f"Added {made:,} register entries in {time.monotonic() - started:.1f} s.")
