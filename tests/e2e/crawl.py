"""Visit every page a person can reach from their home page (two links deep) and check each as GOV.UK would:
axe with the WCAG 2.2 AA rules, and reflow at 320 CSS pixels (WCAG 1.4.10: the page never scrolls sideways; a
data table may scroll inside its own labelled region).

Long lists are sampled: URLs are grouped by their pattern (numbers, ids and codes in the path replaced), and only
the first couple of each pattern are visited, so a list of 500 records costs two visits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urlsplit

from .conftest import AXE_TAGS

# The WCAG 2.2 AA rules, and the best-practice rules on landmarks and table headers the service also keeps to.
EXTRA_RULES = ["region", "landmark-unique", "landmark-one-main", "page-has-heading-one", "empty-table-header"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "rules": {rule: {"enabled": True} for rule in EXTRA_RULES},
    "resultTypes": ["violations"],  # passes are not sent back: much less to carry per page
}
WIDTH = 320
PER_PATTERN = 2
# Links that are not pages to read: they sign out, download a file, or belong to the API's machine endpoints.
SKIP = re.compile(
    r"^/(accounts/logout|api/(?!docs/$)|static/|media/|healthz|admin/logout|jobs/.+/download)"
    r"|/(download|export|csv|pdf|certificate\.pdf|credential\.json|jwks\.json)(/|$)"
    r"|\.(csv|pdf|json|zip|png|jpg|svg|xml|txt)$"
)
ID_LIKE = re.compile(
    r"^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|SW\d+|[A-Z0-9]{16,}|[A-Z0-9-]{12,}"
    r"|\d{4}(-\d\d)?(-\d\d)?)$",
    re.I,
)

# What the browser measures: how wide the page is, and which elements stick out beyond the viewport (outside a
# scroll region) — named so a failure says where to look.
MEASURE = """() => {
  const width = document.documentElement.scrollWidth;
  const culprits = [];
  if (width > window.innerWidth) {
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.right <= window.innerWidth + 1 || el.closest('.app-table-scroll')) continue;
      if (el.parentElement && el.parentElement.getBoundingClientRect().right > window.innerWidth + 1
          && !el.parentElement.closest('.app-table-scroll') && el.parentElement !== document.body) continue;
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      culprits.push(name + ' (' + Math.round(box.right) + 'px)');
      if (culprits.length >= 4) break;
    }
  }
  return {width, culprits};
}"""


def pattern(url: str) -> str:
    """The page's shape: /early-career/12/reviews/3/ and /early-career/40/reviews/1/ are one pattern."""
    parts = urlsplit(url)
    path = "/".join(":id" if ID_LIKE.match(segment) else segment for segment in parts.path.split("/"))
    keys = sorted({key for key, _ in parse_qsl(parts.query)} - {"page"})
    return path + ("?" + "&".join(keys) if keys else "")


@dataclass
class Crawl:
    """The pages one person visited, and what was wrong with them."""

    who: str
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def same_site_links(page, base_url: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    links = []
    for href in hrefs:
        href = urldefrag(href)[0]
        if not href.startswith(base_url):
            continue
        path = href[len(base_url) :] or "/"
        parts = urlsplit(path)
        if not SKIP.search(parts.path) and "format=" not in parts.query:
            links.append(path)
    return links


def check_page(page, path: str, result: Crawl, axe) -> bool:
    """Visit and check one page; False when it is not an HTML page (so its links are not followed)."""
    from playwright.sync_api import Error

    try:
        response = page.goto(path)
    except Error as exc:  # a link that turns out to be a download
        if "Download is starting" in str(exc):
            return False
        raise
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return False
    result.visited.append(path)
    if response.status >= 400:  # a link shown to someone who may not follow it, or to nowhere
        result.problems.append(f"{result.who} {path}: status {response.status}")
    if response.status >= 500:
        return False
    measured = page.evaluate(MEASURE)
    if measured["width"] > WIDTH:
        result.problems.append(
            f"{result.who} {path}: {measured['width']}px wide at {WIDTH}px: {', '.join(measured['culprits'])}"
        )
    try:
        report = axe.run(page, options=AXE_OPTIONS)
    except Error as exc:  # a page that refreshes itself (a job's progress) moved on under axe: check it again
        if "context was destroyed" not in str(exc):
            raise
        page.wait_for_load_state()
        report = axe.run(page, options=AXE_OPTIONS)
    for violation in report.response["violations"]:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        result.problems.append(f"{result.who} {path}: axe {violation['id']}: {violation['help']} [{targets}]")
    return True


def crawl(page, base_url: str, who: str, start: list[str], *, depth: int = 2, seen_patterns=None) -> Crawl:
    """Breadth first from ``start``, ``depth`` links deep, at most PER_PATTERN pages of each pattern.
    ``seen_patterns`` (shared between people) lets one person's visit stand for another's where the page is
    the same shape; each person's start pages are always checked."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    result = Crawl(who)
    counts = seen_patterns if seen_patterns is not None else {}
    visited: set[str] = set()
    level = list(dict.fromkeys(start))
    for step in range(depth + 1):
        following: list[str] = []
        for path in level:
            if path in visited:
                continue
            key = (who, pattern(path)) if step == 0 else pattern(path)
            if counts.get(key, 0) >= PER_PATTERN:
                continue
            counts[key] = counts.get(key, 0) + 1
            visited.add(path)
            if check_page(page, path, result, axe) and step < depth:
                following.extend(same_site_links(page, base_url))
        level = [p for p in dict.fromkeys(following) if p not in visited]
    return result


def sign_in(page, email: str, password: str, totp_secret: str | None = None) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    if totp_secret:
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

        counters = list(yield_hotp_counters_from_time())
        page.get_by_label("Code", exact=True).fill(
            format_hotp_value(hotp_value(totp_secret, counters[len(counters) // 2]))
        )
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_load_state()
