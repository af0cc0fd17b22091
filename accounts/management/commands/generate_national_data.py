"""A synthetic England-sized dataset for benchmarks and scale tests (issue 34), with bulk inserts.

    manage.py generate_national_data --scale 100000 --seed 1      # the national figures: minutes, not hours

``--scale`` is the number of register entries; everything else follows from it in the proportions England has
(at 100,000: 5,000 fitness-to-practise cases, 20,000 accreditation candidates, 24,000 early career participants,
400 courses). On top of ``seed_demo`` (reference data, every council's workforce returns for 2017–2024, the
question bank, one demo user per role) it adds, deterministically from ``--seed``:

- register entries with status history and renewals (``generate_register``), CPD records and employment history;
- fitness-to-practise cases with stages, orders and conditions, and courses with their approval history
  (``generate_transfer_data``);
- accreditation candidates at every stage, with practice mappings, knowledge attempts and their answers,
  bookings, observations, scoresheets with domain scores, and accreditations;
- early career participants with supervision sessions and reviews;
- audit events for what the above decided.

The rules that make a row valid (one active candidacy per level, a decided endorsement has a reason, a submitted
scoresheet is complete…) are kept by building rows the way the services would leave them; the services themselves
run one row at a time, which at this volume would take hours. About a tenth of candidates and participants are
at Leeds, the demo line manager's council, and the demo assessor scores about a tenth of observations, so each
role's pages grow with the data. Then ANALYZE (on PostgreSQL), as autovacuum would in production.
"""

import base64
import datetime
import io
import random
import time
from decimal import Decimal

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.management.commands.seed_demo import DEMO_LA_NUMBER, DEMO_USERS
from accounts.models import AuditEvent, Membership, Organisation, Role, User
from accreditation.models import (
    Accreditation,
    AssessmentSession,
    Attempt,
    AttemptItem,
    Booking,
    Candidate,
    Domain,
    DomainScore,
    Item,
    LevelSettings,
    Observation,
    Option,
    PracticeMapping,
    Scoresheet,
    StandardVersion,
)
from regulation.models import CPDRecord, Employment, FitnessToPractiseCase, RegisterEntry
from training import services as training_services
from training.models import Enrolment, Programme, Review, SupervisionSession

GENERATED_DOMAIN = "national.example.org"  # every generated person's email ends with this
BATCH = 5000


def proportions(scale: int) -> dict[str, int]:
    """How many of each record a register of ``scale`` entries brings (England at 100,000)."""
    return {
        "entries": scale,
        "cases": max(2, scale // 20),
        "courses": max(10, scale // 250),
        "candidates": max(10, scale // 5),
        "participants": max(10, scale * 24 // 100),
    }


class Command(BaseCommand):
    help = "Generate a synthetic national dataset (register, cases, workforce, courses, accreditation, early career)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=10_000, help="Register entries (100000 for England).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force", action="store_true", help="Add to a database that already holds people or records."
        )

    def handle(self, *args, scale, seed, force, **options):
        if scale < 10:
            raise CommandError("--scale must be at least 10.")
        if not force:
            self._refuse_real_data()
        self.started = time.monotonic()
        self.rng = random.Random(seed)  # nosec B311 # repeatable synthetic data, not secrets
        self.now = timezone.now()
        self.today = timezone.localdate()
        counts = proportions(scale)
        self._step("reference data, demo users, workforce returns, question bank (seed_demo)")
        call_command("seed_demo", "--demo", "--quiet-users", stdout=io.StringIO())
        self.demo = {email: User.objects.get(email=email) for email, *_ in DEMO_USERS}
        self.leeds = Organisation.objects.get(la_number=DEMO_LA_NUMBER)
        self.councils = list(Organisation.objects.filter(kind="local_authority").order_by("la_number"))

        self._step(f"{counts['entries']:,} register entries with renewals and status history")
        first_new_entry = (RegisterEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        call_command("generate_register", entries=counts["entries"], seed=seed, stdout=io.StringIO())
        entries = list(
            RegisterEntry.objects.filter(pk__gte=first_new_entry, user__isnull=True)
            .order_by("pk")
            .values_list("pk", "registration_number", "first_name", "last_name", "current_employer_id", "registered_on")
        )
        self._step("CPD records and employment history")
        self._cpd_and_employment(entries)
        self._step(f"{counts['cases']:,} fitness-to-practise cases and {counts['courses']:,} courses")
        call_command(
            "generate_transfer_data", cases=counts["cases"], courses=counts["courses"], seed=seed, stdout=io.StringIO()
        )
        people = counts["candidates"] + counts["participants"]
        self._step(f"{people:,} people signed up and linked to their register entries")
        users = self._people(entries[:people])
        self._step(f"{counts['candidates']:,} accreditation candidates at every stage")
        self._accreditation(users[: counts["candidates"]])
        self._step(f"{counts['participants']:,} early career participants with supervision and reviews")
        self._early_career(users[counts["candidates"] :])
        self._step("audit events")
        self._audit()
        if connection.vendor == "postgresql":
            self._step("ANALYZE")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        took = time.monotonic() - self.started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated a national dataset at scale {scale:,} (seed {seed}) in {took:.1f} s: "
                + ", ".join(f"{n:,} {k}" for k, n in counts.items())
                + "."
            )
        )

    # --- guard ---------------------------------------------------------------------------------------------------

    def _refuse_real_data(self):
        """Generated people are indistinguishable from real ones once they are in: they would appear in the public
        register search, in national figures and in mail. So refuse any database holding people or records beyond
        the reference data and the demo users, unless told to on purpose."""
        demo_emails = [email for email, *_ in DEMO_USERS]
        holdings = {
            "users": User.objects.exclude(email__in=demo_emails).count(),
            "register entries": RegisterEntry.objects.count(),
            "accreditation candidates": Candidate.objects.count(),
            "early career enrolments": Enrolment.objects.count(),
        }
        held = {k: n for k, n in holdings.items() if n}
        if held:
            raise CommandError(
                f"This database already holds {', '.join(f'{n:,} {k}' for k, n in held.items())}. Synthetic "
                "people mixed into real records would show in the public register search, national figures and "
                "mail, and could not be told apart afterwards. Use an empty database (migrated), or pass --force "
                "if it is a throw-away database of generated data."
            )

    # --- helpers -------------------------------------------------------------------------------------------------

    def _step(self, what: str):
        self.stdout.write(f"[{time.monotonic() - self.started:7.1f} s] {what}…")
        self.stdout.flush()

    def _employer(self, leeds_share: float = 0.1) -> Organisation:
        return self.leeds if self.rng.random() < leeds_share else self.rng.choice(self.councils)

    def _staff(self, emails: list[str], first_name: str) -> list[User]:
        """Generated staff by email, made if missing (a second run with --force finds the first run's)."""
        have = {u.email: u for u in User.objects.filter(email__in=emails)}
        User.objects.bulk_create(
            [User(email=e, first_name=first_name, last_name=e.split("@")[0]) for e in emails if e not in have]
        )
        have = {u.email: u for u in User.objects.filter(email__in=emails)}
        return [have[e] for e in emails]

    def _days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    # --- register ------------------------------------------------------------------------------------------------

    @transaction.atomic
    def _cpd_and_employment(self, entries):
        cpd, jobs = [], []
        titles = ["Trauma-informed practice", "Court skills", "Working with interpreters", "Neglect toolkit"]
        for pk, _, _, _, employer_id, registered_on in entries:
            for _ in range(self.rng.choice([0, 1, 2, 3, 4])):
                peer = self.rng.random() < 0.5
                cpd.append(
                    CPDRecord(
                        entry_id=pk,
                        title=self.rng.choice(titles),
                        activity_date=self._days_ago(1, 700),
                        learning="What I learned, in a few sentences.",
                        impact="How my practice changed.",
                        discussed_with_peer=peer,
                        peer_name="A colleague" if peer else "",
                        created_at=self.now,
                    )
                )
            if employer_id is None:
                continue
            started = max(registered_on, self._days_ago(30, 2500))
            if self.rng.random() < 0.4 and (started - registered_on).days > 60:
                jobs.append(
                    Employment(
                        entry_id=pk,
                        employer=self.rng.choice(self.councils),
                        role_title="Social worker",
                        started_on=registered_on,
                        ended_on=started - datetime.timedelta(days=1),
                        fte=Decimal("1.00"),
                        contract="permanent",
                        end_reason="Moved on",
                        confirmed_at=self.now,
                    )
                )
            jobs.append(
                Employment(
                    entry_id=pk,
                    employer_id=employer_id,
                    role_title=self.rng.choice(["Social worker", "Senior social worker", "Team manager"]),
                    started_on=started,
                    fte=self.rng.choice([Decimal("1.00"), Decimal("1.00"), Decimal("0.80"), Decimal("0.60")]),
                    contract="permanent" if self.rng.random() < 0.85 else "agency",
                    confirmed_at=self.now,
                )
            )
        CPDRecord.objects.bulk_create(cpd, batch_size=BATCH)
        Employment.objects.bulk_create(jobs, batch_size=BATCH)

    @transaction.atomic
    def _people(self, entries) -> list[User]:
        """A signed-up user for each of ``entries`` (unusable password), linked to the entry, a social worker at
        their employer. Emails carry the register number, so a second run (--force) never collides."""
        users = User.objects.bulk_create(
            [
                User(
                    email=f"{number.lower()}@{GENERATED_DOMAIN}",
                    first_name=first,
                    last_name=last,
                    password=UNUSABLE_PASSWORD_PREFIX,  # nobody signs in as a generated person
                    date_joined=self.now,
                )
                for _, number, first, last, _, _ in entries
            ],
            batch_size=BATCH,
        )
        rows = []
        for user, (pk, number, _, _, employer_id, registered_on) in zip(users, entries, strict=True):
            entry = RegisterEntry(pk=pk, user=user)
            rows.append(entry)
            user.entry_number = number
            user.registered_on = registered_on
            moved = employer_id is None or self.rng.random() < 0.1
            user.employer_id_ = self._employer().pk if moved else employer_id
        RegisterEntry.objects.bulk_update(rows, ["user"], batch_size=1000)
        employer_kinds = dict(Organisation.objects.values_list("pk", "kind"))
        Membership.objects.bulk_create(
            [
                Membership(user=u, organisation_id=u.employer_id_, role=Role.SOCIAL_WORKER)
                for u in users
                if employer_kinds.get(u.employer_id_) == "local_authority"
            ],
            batch_size=BATCH,
        )
        return users

    # --- accreditation -------------------------------------------------------------------------------------------

    @transaction.atomic
    def _accreditation(self, users):
        manager = self.demo["line.manager@example.com"]
        assessor = self.demo["assessor@example.com"]
        regulator = self.demo["regulator@example.com"]
        centre = Organisation.objects.filter(kind="assessment_centre").order_by("pk").first()
        levels = {}
        for level in ("practitioner", "supervisor", "leader"):
            standard = StandardVersion.objects.filter(level=level).order_by("-version").first()
            level_settings = LevelSettings.objects.get(level=level)
            pool = list(
                Item.objects.filter(level__in={level, level_settings.general_items_level}, status="live")
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            domains = list(Domain.objects.filter(standard=standard).values_list("key", flat=True))
            levels[level] = (standard, level_settings, pool, domains)
        # Others assess most observations; the demo assessor about a tenth, so their pages grow with the data.
        assessors = [assessor, *self._staff([f"assessor{n}@{GENERATED_DOMAIN}" for n in range(10)], "Assessor")]
        # One round of 21: a quarter each at the knowledge test and the observation, a fifth accredited, and the
        # rest spread so that even a handful of candidates covers every stage and ending.
        stories = [
            *("knowledge", "observation", "accredited", "decision", "nominated", "requested", "declined"),
            *("withdrawn", "closed", "knowledge", "observation", "accredited", "knowledge", "observation"),
            *("accredited", "decision", "knowledge", "observation", "accredited", "knowledge", "observation"),
        ]
        candidates, plan = [], []
        for n, user in enumerate(users):
            level = self.rng.choice(["practitioner"] * 7 + ["supervisor"] * 2 + ["leader"])
            story = stories[n % len(stories)]
            organisation = self._employer() if story != "requested" else self._employer(0.2)
            at = self.now - datetime.timedelta(days=self.rng.randint(30, 700))
            endorsed = story not in ("requested", "nominated", "declined")
            candidates.append(
                Candidate(
                    user=user,
                    level=level,
                    standard=levels[level][0],
                    organisation=organisation,
                    registration_number=user.entry_number,
                    stage={
                        "requested": "endorsement",
                        "nominated": "endorsement",
                        "declined": "endorsement",
                        "withdrawn": "knowledge",
                        "closed": "knowledge",
                    }.get(story, story),
                    status={"declined": "declined", "withdrawn": "withdrawn", "closed": "closed"}.get(
                        story, "accredited" if story == "accredited" else "active"
                    ),
                    endorsement={"requested": "requested", "nominated": "nominated", "declined": "declined"}.get(
                        story, "endorsed"
                    ),
                    started_by=user if story == "requested" else manager,
                    started_at=at,
                    endorsement_decided_by=manager if endorsed or story == "declined" else None,
                    endorsement_decided_at=at + datetime.timedelta(days=7) if endorsed or story == "declined" else None,
                    endorsement_reason="Consistently strong practice." if endorsed or story == "declined" else "",
                    closed_at=at + datetime.timedelta(days=200) if story in ("withdrawn", "closed") else None,
                    closed_reason="Generated" if story in ("withdrawn", "closed") else "",
                )
            )
            plan.append(story)
        candidates = Candidate.objects.bulk_create(candidates, batch_size=BATCH)
        mappings, attempts = [], []
        for c, story in zip(candidates, plan, strict=True):
            standard, level_settings, pool, domains = levels[c.level]
            if story not in ("requested", "declined"):
                mappings += [
                    PracticeMapping(candidate=c, domain_key=key, statement="Seen in supervision.", updated_by=manager)
                    for key in domains
                ]
            if story in ("knowledge", "observation", "decision", "accredited", "closed"):
                sat = c.endorsement_decided_at + datetime.timedelta(days=14)
                open_now = story == "knowledge" and self.rng.random() < 0.3
                # At the knowledge stage: a test open now, or a first attempt failed and a resit to come.
                passed = story not in ("closed", "knowledge")
                items = min(level_settings.total_items, len(pool))
                score = round(items * (0.85 if passed else 0.5))
                attempts.append(
                    Attempt(
                        candidate=c,
                        number=1,
                        standard=standard,
                        status="in_progress" if open_now else "marked",
                        started_at=self.now - datetime.timedelta(minutes=10) if open_now else sat,
                        deadline=(self.now if open_now else sat) + datetime.timedelta(minutes=level_settings.minutes),
                        submitted_at=None if open_now else sat + datetime.timedelta(minutes=50),
                        pass_mark_percent=level_settings.pass_mark_percent,
                        score=None if open_now else score,
                        max_score=items,
                        passed=None if open_now else passed,
                    )
                )
                if passed:
                    c.knowledge_passed_at = sat + datetime.timedelta(minutes=50)
        PracticeMapping.objects.bulk_create(mappings, batch_size=BATCH)
        attempts = Attempt.objects.bulk_create(attempts, batch_size=BATCH)
        options = {}
        for item, option, is_correct in Option.objects.order_by("pk").values_list("item", "pk", "is_correct"):
            options.setdefault(item, ([], []))[0 if is_correct else 1].append(option)
        answers = []
        for attempt in attempts:
            _, _, pool, _ = levels[attempt.candidate.level]
            drawn = self.rng.sample(pool, attempt.max_score)
            answered = attempt.max_score if attempt.status == "marked" else self.rng.randint(0, attempt.max_score)
            for position, item in enumerate(drawn, start=1):
                done = position <= answered
                right = attempt.status == "marked" and position <= attempt.score
                good, bad = options[item]
                answers.append(
                    AttemptItem(
                        attempt=attempt,
                        position=position,
                        item_id=item,
                        selected=(good if right else bad[: len(good)]) if done else [],
                        answered_at=attempt.started_at + datetime.timedelta(minutes=1) if done else None,
                        correct=(position <= (attempt.score or 0)) if attempt.status == "marked" else None,
                    )
                )
            if len(answers) >= BATCH * 4:
                AttemptItem.objects.bulk_create(answers, batch_size=BATCH)
                answers = []
        AttemptItem.objects.bulk_create(answers, batch_size=BATCH)
        self._observations(candidates, plan, levels, assessors, centre, regulator)

    def _observations(self, candidates, plan, levels, assessors, centre, regulator):
        observed = [
            (c, s) for c, s in zip(candidates, plan, strict=True) if s in ("observation", "decision", "accredited")
        ]
        sessions = AssessmentSession.objects.bulk_create(
            [
                AssessmentSession(
                    kind="centre",
                    venue=centre,
                    date=self.today + datetime.timedelta(days=n // 3 - len(observed) // 9),
                    slot=["morning", "late_morning", "early_afternoon"][n % 3],
                    capacity=3,
                    assessor=assessors[n % len(assessors)],
                    created_by=regulator,
                )
                for n in range((len(observed) + 2) // 3)
            ],
            batch_size=BATCH,
        )
        bookings, awaiting = [], []
        for n, (c, story) in enumerate(observed):
            booked_only = story == "observation" and self.rng.random() < 0.4
            awaiting.append(booked_only)
            bookings.append(
                Booking(
                    session=sessions[n // 3],
                    candidate=c,
                    status="booked" if booked_only else "checked_in",
                    booked_by=c.started_by,
                    photo_id_confirmed=not booked_only,
                    registration_confirmed=not booked_only,
                    recording_consent=not booked_only,
                    checked_in_by=None if booked_only else sessions[n // 3].assessor,
                    checked_in_at=None if booked_only else self.now,
                )
            )
        bookings = Booking.objects.bulk_create(bookings, batch_size=BATCH)
        observations, passed_ids = [], set()
        for booking, booked_only, (c, story) in zip(bookings, awaiting, observed, strict=True):
            if booked_only:
                continue
            decided = story != "observation"
            observations.append(
                Observation(
                    candidate=c,
                    booking=booking,
                    status="decided" if decided else "scoring",
                    outcome="passed" if decided else "pending",
                    decided_at=self.now if decided else None,
                )
            )
            if decided:
                c.observation_passed_at = self.now
                passed_ids.add(c.pk)
        observations = Observation.objects.bulk_create(observations, batch_size=BATCH)
        sheets = Scoresheet.objects.bulk_create(
            [
                Scoresheet(
                    observation=o,
                    marker="first",
                    assessor=o.booking.session.assessor,
                    status="submitted" if o.status == "decided" else "draft",
                    reflection_mark=3 if o.status == "decided" else None,
                    recommendation="pass" if o.status == "decided" else "",
                    summary="Warm, purposeful direct work." if o.status == "decided" else "",
                    submitted_at=self.now if o.status == "decided" else None,
                )
                for o in observations
            ],
            batch_size=BATCH,
        )
        DomainScore.objects.bulk_create(
            [
                DomainScore(
                    scoresheet=sheet,
                    domain_key=key,
                    score=self.rng.choice([2, 3, 3, 4]) if sheet.status == "submitted" else None,
                    evidence="Seen in the observed visit." if sheet.status == "submitted" else "",
                )
                for sheet in sheets
                for key in levels[sheet.observation.candidate.level][3]
            ],
            batch_size=BATCH,
        )
        Candidate.objects.bulk_update(
            [c for c in candidates if c.knowledge_passed_at or c.pk in passed_ids],
            ["knowledge_passed_at", "observation_passed_at"],
            batch_size=1000,
        )
        Accreditation.objects.bulk_create(
            [
                Accreditation(
                    candidate=c,
                    code=base64.b32encode(self.rng.getrandbits(160).to_bytes(20, "big")).decode(),
                    name=f"{c.user.first_name} {c.user.last_name}",
                    registration_number=c.registration_number,
                    level=c.level,
                    awarded_on=self.today - datetime.timedelta(days=self.rng.randint(1, 300)),
                    confirmed_by=regulator,
                    confirm_reason="Both assessments passed.",
                )
                for c, story in observed
                if story == "accredited"
            ],
            batch_size=BATCH,
        )

    # --- early career --------------------------------------------------------------------------------------------

    @transaction.atomic
    def _early_career(self, users):
        manager = self.demo["line.manager@example.com"]
        programmes = list(
            Programme.objects.filter(
                is_active=True, available_from__lte=self.today - datetime.timedelta(days=800)
            ).order_by("code")
        ) or list(Programme.objects.filter(is_active=True).order_by("code"))
        others = [c for c in self.councils if c != self.leeds]
        supervisors = dict(
            zip(
                [c.pk for c in others],
                self._staff([f"supervisor.{c.la_number}@{GENERATED_DOMAIN}" for c in others], "Supervisor"),
                strict=True,
            )
        )
        supervisors[self.leeds.pk] = manager
        statuses = ["active"] * 45 + ["awaiting_moderation"] * 3 + ["passed"] * 40 + ["failed"] * 2 + ["withdrawn"] * 10
        enrolments = []
        for user in users:
            programme = self.rng.choice(programmes)
            status = self.rng.choice(statuses)
            employer = self._employer()
            length = 365 * programme.length_months // 12
            start = max(
                programme.available_from,
                self.today - datetime.timedelta(days=self.rng.randint(10, length - 10))
                if status in Enrolment.OPEN
                else self.today - datetime.timedelta(days=self.rng.randint(length + 30, length + 900)),
            )
            fte = self.rng.choice([Decimal("1.00")] * 4 + [Decimal("0.80")])
            planned = start + datetime.timedelta(days=round(length / float(fte)))
            supervisor = supervisors[employer.pk]
            enrolments.append(
                Enrolment(
                    programme=programme,
                    participant=user,
                    registration_number=user.entry_number,
                    participant_name=f"{user.first_name} {user.last_name}",
                    qualified_on=start - datetime.timedelta(days=90),
                    employer=employer,
                    cohort=f"{start:%B %Y}",
                    team=self.rng.choice(["Assessment", "Children in need", "Looked-after children", "Adults"]),
                    fte=fte,
                    start_date=start,
                    planned_end_date=planned,
                    end_date=planned,
                    supervisor=supervisor,
                    assessor=supervisor,
                    line_manager=supervisor,
                    assessor_is_line_manager=True,
                    status=status,
                    outcome_on=planned if status in ("passed", "failed") else None,
                    withdrawn_reason="Left the council" if status == "withdrawn" else "",
                    created_by=supervisor,
                    created_at=self.now,
                )
            )
        enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        sessions, reviews = [], []
        for e in enrolments:
            until = min(self.today, e.end_date)
            months = max(0, (until - e.start_date).days // 30)
            for m in range(0, months, 2 if months > 12 else 1):
                sessions.append(
                    SupervisionSession(
                        enrolment=e,
                        held_on=e.start_date + datetime.timedelta(days=30 * m + 3),
                        minutes=90,
                        supervisor=e.supervisor,
                        themes="Caseload, reflection, learning",
                        recorded_by=e.supervisor,
                    )
                )
            for point in e.programme.review_points:
                if point["month"] > months or point.get("optional"):
                    continue
                final = bool(point.get("final"))
                reviews.append(
                    Review(
                        enrolment=e,
                        point=point["key"],
                        point_label=point["label"],
                        held_on=e.start_date + datetime.timedelta(days=30 * point["month"]),
                        assessor=e.assessor,
                        judgements={s: ("met" if final else "on_track") for s in e.programme.standards},
                        evidence_seen="Direct observation, case records, supervision notes.",
                        recommendation="pass" if final else "",
                        is_final=final,
                        recorded_by=e.assessor,
                    )
                )
            if len(sessions) >= BATCH * 4:
                SupervisionSession.objects.bulk_create(sessions, batch_size=BATCH)
                sessions = []
        SupervisionSession.objects.bulk_create(sessions, batch_size=BATCH)
        Review.objects.bulk_create(reviews, batch_size=BATCH)
        # Bulk inserts skip the services, which keep each enrolment's schedule dates: derive them as they would.
        training_services.store_schedules(Enrolment.objects.all())

    # --- audit ---------------------------------------------------------------------------------------------------

    @transaction.atomic
    def _audit(self):
        """The history each decision would have left: nomination and endorsement, enrolment, a case's opening."""
        regulator = self.demo["regulator@example.com"]
        events = []
        for model, action, qs, to_state in [
            (Candidate, "endorsed", Candidate.objects.filter(endorsement="endorsed"), "endorsed"),
            (Enrolment, "enrolled", Enrolment.objects.all(), "active"),
            (FitnessToPractiseCase, "opened", FitnessToPractiseCase.objects.all(), "triage"),
        ]:
            content_type = ContentType.objects.get_for_model(model)
            for pk in qs.order_by("pk").values_list("pk", flat=True).iterator():
                events.append(
                    AuditEvent(
                        occurred_at=self.now,
                        actor=regulator,
                        actor_label=regulator.email,
                        action=action,
                        content_type=content_type,
                        object_id=str(pk),
                        object_repr=f"{model._meta.verbose_name} {pk}",
                        to_state=to_state,
                        reason="Generated",
                    )
                )
        AuditEvent.objects.bulk_create(events, batch_size=BATCH)
