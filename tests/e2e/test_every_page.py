"""Every page each person can reach, checked as GOV.UK would check it, so a new page is checked on arrival.

The demo data (``manage.py seed_demo``) gives each role realistic pages: a registered social worker with CPD and
an early career programme, candidates at each stage of accreditation, workforce returns, courses under approval,
fitness-to-practise cases. From each role's home page (and the public pages) the crawl follows links two deep.
On every page it runs axe (WCAG 2.2 AA and the landmark rules), checks reflow at 320px, and checks the link led
somewhere the person may go (no 403, 404 or 500). Long lists are sampled (a couple of pages of each URL
pattern), and a pattern one person has checked is not checked again for another.
"""

import io
import time

import pytest
from django.core.management import call_command

from accounts.management.commands.seed_demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.e2e.crawl import WIDTH, crawl, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/register/check/",
    "/register/check/?q=Okafor",
    "/courses/",
    "/verify/",
    "/accessibility/",
    "/privacy/",
    "/api/docs/",
]
PEOPLE = [
    ("social.worker@example.com", False),
    ("line.manager@example.com", False),
    ("assessor@example.com", True),
    ("workforce.lead@example.com", False),
    ("course.lead@example.com", False),
    ("regulator@example.com", True),
]


def test_every_reachable_page_passes_axe_and_reflows_at_320px(browser, live_server, settings, capsys):
    settings.DEMO_MODE = True
    call_command("seed_demo", "--quiet-users", stdout=io.StringIO())
    started = time.monotonic()
    seen: dict = {}
    results = []
    for who, needs_code in [("anonymous", False), *PEOPLE]:
        context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 900})
        context.set_default_timeout(20_000)
        try:
            page = context.new_page()
            if who != "anonymous":
                sign_in(page, who, DEMO_PASSWORD, DEMO_TOTP_SECRET if needs_code else None)
            start = PUBLIC if who == "anonymous" else ["/"]
            results.append(crawl(page, live_server.url, who, start, seen_patterns=seen))
        finally:
            context.close()
    took = time.monotonic() - started
    with capsys.disabled():
        print(f"\nChecked {sum(len(r.visited) for r in results)} pages in {took:.0f}s")
    # Every role reached more than its home page, so a broken sign-in cannot pass as "no problems".
    assert all(len(r.visited) > 3 for r in results), [(r.who, r.visited) for r in results]
    problems = [p for r in results for p in r.problems]
    assert not problems, "\n".join(problems)
