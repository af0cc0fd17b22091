"""Record that a retired signing key is compromised: python manage.py mark_credential_key_compromised KEY --from WHEN
--reason TEXT --by EMAIL. Anything it signed from WHEN on fails every check; re-issue the credentials it signed
(``manage.py reissue_credentials``) so their holders have ones that verify everywhere."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.services import ServiceError
from accreditation.services import signing_keys

from ._staff import staff_member


class Command(BaseCommand):
    help = "Mark a signing key compromised from a moment on (recorded with who, when and why)."

    def add_arguments(self, parser):
        parser.add_argument("key", help="The key's id as published (key-… or the whole verification method URL).")
        parser.add_argument("--from", dest="since", required=True, help="ISO 8601 date or time the compromise began.")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--by", required=True, help="Email of the regulator staff account recording it.")

    def handle(self, *args, **options):
        by = staff_member(options["by"])
        try:
            since = datetime.datetime.fromisoformat(options["since"])
        except ValueError as exc:
            raise CommandError("--from must be a date or time such as 2026-12-01 or 2026-12-01T09:30Z.") from exc
        if timezone.is_naive(since):
            since = timezone.make_aware(since)
        try:
            record = signing_keys.mark_key_compromised(
                fragment=options["key"].rsplit("#", 1)[-1], compromised_from=since, by=by, reason=options["reason"]
            )
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        signed = record.credentials.count()
        self.stdout.write(
            self.style.SUCCESS(f"{record.fragment} is marked compromised from {since:%-d %B %Y %H:%M %Z}. ")
            + f"{signed} credential(s) were signed with it: re-issue them with `manage.py reissue_credentials`."
        )
