"""What a long-lived web process does once the application is loaded (config/wsgi.py, config/asgi.py)."""

import gc


def settle_process() -> None:
    """Set Python's cyclic garbage collector up for a server process.

    Django, the apps, their URLs, views and libraries leave some 190,000 objects that live as long as the process;
    the collector walked them all again whenever it ran a full collection, and ran a young one every 700 new objects
    (a page of 50 enrolments makes some 3,000 model instances). Measured at national scale: 9 to 16 ms of
    collection on a heavy page (about a tenth of it), 0 to 3 ms after this. The objects made so far are set aside
    for good (``gc.freeze``: they are never garbage), the URLconf and every view imported first so they are among
    them, and young collections run every ``GC_GEN0_THRESHOLD`` new objects; garbage with cycles still goes at the
    next collection."""
    from django.conf import settings
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  imports the URLconf and every view now, before the freeze
    gc.freeze()
    gc.set_threshold(settings.GC_GEN0_THRESHOLD, 20, 20)
