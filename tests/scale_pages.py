"""Each role's main pages (home, search, lists), as the scale tests and the pages benchmark load them.

The people are seed_demo's (``generate_national_data`` runs it first); ``None`` is someone not signed in.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

ROLE_PAGES: dict[str | None, list[str]] = {
    None: ["/", "/register/check/?q=smith", "/courses/"],
    "social.worker@example.com": ["/", "/register/me/", "/register/me/cpd/", "/accreditation/", "/early-career/me/"],
    "line.manager@example.com": ["/", "/accreditation/nominees/", "/early-career/"],
    "assessor@example.com": ["/", "/accreditation/assessor/"],
    "workforce.lead@example.com": ["/", "/workforce/", "/workforce/report/"],
    "course.lead@example.com": ["/", "/courses/provider/"],
    "regulator@example.com": [
        "/",
        "/register/entries/?q=smith",
        "/register/entries/?status=suspended",
        "/api/v1/register/entries/",
        "/register/cases/",
        "/register/applications/",
        "/accreditation/staff/",
        "/accreditation/staff/moderation/",
        "/accreditation/staff/sessions/",
        "/accreditation/staff/decisions/",
        "/accreditation/staff/accreditations/",
        "/early-career/national/",
        "/courses/queue/",
        "/workforce/authorities/",
        "/audit/",
    ],
}


def clients() -> dict:
    """A Django test client per person in ROLE_PAGES, signed in."""
    from django.test import Client

    from accounts.models import User

    made = {}
    for email in ROLE_PAGES:
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))
        made[email] = client
    return made


def query_counts(only: str = "") -> dict[tuple, tuple[int, int]]:
    """(person, path) → (status code, queries the request ran), each page loaded once to warm caches first; ``only``:
    just the pages whose "person path" contains it."""
    counts = {}
    for email, client in clients().items():
        for path in ROLE_PAGES[email]:
            if only not in f"{email or 'anonymous'} {path}":
                continue
            client.get(path)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            counts[(email, path)] = (response.status_code, len(ctx.captured_queries))
    return counts
