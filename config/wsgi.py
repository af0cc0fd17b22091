import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Django, the apps and their libraries leave some 190,000 objects that live as long as the process; Python's cyclic
# garbage collector walked them all again whenever it ran a full collection, and ran a young one every 700 new
# objects (a page of 50 enrolments makes some 3,000 model instances). Measured at national scale: 9 to 16 ms of
# collection a page (about a tenth of a heavy page), 0 to 3 ms after this. The objects made so far are set aside
# for good (gc.freeze: they are never garbage), and young collections run every 20,000 new objects; garbage with
# cycles still goes at the next collection. GC_GEN0_THRESHOLD=700 restores Python's default.
gc.freeze()
gc.set_threshold(int(os.environ.get("GC_GEN0_THRESHOLD", "20000")), 20, 20)
