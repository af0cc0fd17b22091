"""Real headless Chromium (Debian's) against a live server, with axe on every page visited.

Under CI (``CI=true``) a missing browser fails the run instead of skipping it.
"""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop in-thread

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM}; CI must run the browser tests.")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


class AccessiblePage:
    """A Playwright page that runs axe (WCAG 2.2 AA) after every navigation it is asked to check."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.checked: list[str] = []

    def __getattr__(self, name):
        return getattr(self.page, name)

    def visit(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def check(self):
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert results.violations_count == 0, f"{self.page.url}\n{results.generate_report()}"
        self.checked.append(self.page.url)


@pytest.fixture
def page(browser, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    browser_page = context.new_page()
    yield AccessiblePage(browser_page, live_server.url)
    context.close()


def sign_in(page: AccessiblePage, email: str, password: str, *, totp_secret: str | None = None):
    """Sign in through the real allauth pages, checking each with axe; enter a TOTP code if asked."""
    page.visit("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    page.check()
    if totp_secret:
        import time

        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

        for attempt in range(2):
            counters = list(yield_hotp_counters_from_time())
            code = format_hotp_value(hotp_value(totp_secret, counters[len(counters) // 2]))
            page.get_by_label("Code", exact=True).fill(code)
            page.get_by_role("button", name="Sign in", exact=True).click()
            page.wait_for_load_state()
            page.check()
            if attempt or not page.get_by_label("Code", exact=True).count():
                break
            # Refused: a code is good for its own 30 seconds only, and once (allauth remembers it for those 30
            # seconds, by user id, which an earlier test's user may have had). The next code is tried once.
            time.sleep(30 - time.time() % 30 + 1)


@pytest.fixture
def background_worker(monkeypatch):
    """Runs each job a few seconds after it is handed over, in its own thread, as a worker would, so the page
    really waits and shows its progress bar."""
    import threading
    import time

    from django.db import connections

    from accounts import jobs as platform_jobs

    threads = []

    def dispatch(job_id):
        # Dispatch runs in the live server's thread, whose connection goes on serving requests: the worker opens
        # its own, as a real one would (the SQLite test database is a file, so it can).
        def work():
            try:
                time.sleep(5)
                platform_jobs.run(str(job_id))
            finally:
                connections.close_all()

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        threads.append(thread)
        return True

    monkeypatch.setattr(platform_jobs, "dispatch", dispatch)
    yield
    for thread in threads:
        thread.join(timeout=60)
