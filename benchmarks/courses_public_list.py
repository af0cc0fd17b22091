"""The public list of approved and formerly approved courses at 400 courses with their history, beside a plain SELECT.

Run: .venv/bin/python benchmarks/courses_public_list.py [--courses 400]
Uses its own SQLite file under var/ unless DATABASE_URL is set (then that database gets the generated rows).
Prints each request's median time, its ratio to the baseline (a plain SQL SELECT of the same rows joined to
their provider, from the same run), and the queries each request costs.
"""

import argparse
import datetime

from _django import setup, timed

setup("courses")

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Organisation, Region, User  # noqa: E402
from regulation.courses.models import (  # noqa: E402
    Course,
    CourseApplication,
    CourseCondition,
    CourseStatusChange,
    EducationProvider,
    Level,
    Mode,
)

PROVIDERS = 75


@transaction.atomic
def generate(count: int) -> None:
    """400 courses at 75 providers, each with an application, its status history, and for some a condition."""
    today = timezone.localdate()
    now = timezone.now()
    person, _ = User.objects.get_or_create(email="bench@example.com")
    region, _ = Region.objects.get_or_create(code="E12000003", defaults={"name": "Yorkshire and The Humber"})
    providers = []
    for n in range(PROVIDERS):
        organisation = Organisation.objects.create(
            name=f"University {n:02d}", kind=Organisation.Kind.EDUCATION_PROVIDER, region=region
        )
        providers.append(EducationProvider.objects.create(organisation=organisation, region=region))
    levels, modes = Level.values, Mode.values
    courses = Course.objects.bulk_create(
        Course(
            provider=providers[i % PROVIDERS],
            title=f"Social Work course {i:03d}",
            award="BA (Hons) Social Work",
            level=levels[i % len(levels)],
            mode=modes[i % len(modes)],
            site="Main campus",
            annual_places=20 + i % 60,
            first_intake=datetime.date(2015 + i % 10, 9, 1),
            status="closed" if i % 7 == 0 else "approved",
            approved_on=today - datetime.timedelta(days=300 + i * 5),
            approval_ended_on=today - datetime.timedelta(days=10) if i % 7 == 0 else None,
        )
        for i in range(count)
    )
    applications = CourseApplication.objects.bulk_create(
        CourseApplication(
            course=course,
            created_by=person,
            status="decided",
            outcome="approved_with_conditions" if i % 3 == 0 else "approved",
            decision_reason="Meets the standards",
            submitted_at=now - datetime.timedelta(days=400),
            decided_at=now - datetime.timedelta(days=300),
            decided_by=person,
        )
        for i, course in enumerate(courses)
    )
    CourseStatusChange.objects.bulk_create(
        CourseStatusChange(course=course, from_status=a, to_status=b, reason="History", changed_by=person)
        for i, course in enumerate(courses)
        for a, b in [("", "proposed"), ("proposed", "approved")] + ([("approved", "closed")] if i % 7 == 0 else [])
    )
    CourseCondition.objects.bulk_create(
        CourseCondition(
            course=course,
            application=application,
            text="Add a module",
            due_on=today + datetime.timedelta(days=60),
            status="open" if i % 2 else "met",
        )
        for i, (course, application) in enumerate(zip(courses, applications, strict=True))
        if i % 3 == 0
    )


BASELINE_SQL = """
SELECT c.id, c.title, c.award, c.level, c.mode, c.site, c.status, c.approved_on, c.approval_ended_on, o.name
FROM regulation_course c
JOIN regulation_educationprovider p ON p.id = c.provider_id
JOIN accounts_organisation o ON o.id = p.organisation_id
WHERE c.approved_on IS NOT NULL
ORDER BY o.name, c.title, c.id
"""


class QueryCounter:
    """Counts queries by wrapping execution (Django resets its own query log when each request starts)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--courses", type=int, default=400)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Course.objects.exists():
        generate(args.courses)
    total = Course.objects.filter(approved_on__isnull=False).count()
    client = Client()

    def select(limit):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(BASELINE_SQL + f" LIMIT {int(limit)}")
                return cursor.fetchall()

        return run

    requests = {
        "public list, first page (25)": (lambda: client.get("/courses/"), select(25)),
        "public list, filtered search": (
            lambda: client.get("/courses/", {"q": "course 1", "level": "undergraduate"}),
            select(25),
        ),
        "public list CSV (all rows)": (
            lambda: b"".join(client.get("/courses/approved.csv").streaming_content),
            select(total),
        ),
        "public API, first page (50)": (lambda: client.get("/api/v1/courses/"), select(50)),
    }
    print(f"{total} approved and formerly approved courses, with their applications, history and conditions")
    for name, (fn, baseline) in requests.items():
        fn()
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            fn()
        base = timed(baseline)
        seconds = timed(fn)
        print(
            f"  {name:<32} {seconds * 1000:8.2f} ms   plain SELECT {base * 1000:6.2f} ms   "
            f"ratio {seconds / base:6.1f}×   {counter.count} queries"
        )
    layout = timed(lambda: client.get("/accessibility/"))
    print(f"  (for scale: a static page in the same layout takes {layout * 1000:.2f} ms)")


if __name__ == "__main__":
    main()
