from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .seed_demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code for the demo assessor and regulator sign-ins."

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.DEMO_MODE):
            raise CommandError("Demo codes exist only in demo mode.")
        counters = list(yield_hotp_counters_from_time())
        current = counters[len(counters) // 2]
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, current)))
