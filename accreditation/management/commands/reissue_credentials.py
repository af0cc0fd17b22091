"""Re-issue the credentials that need it (no published status, or a compromised key) in a background job:
python manage.py reissue_credentials --reason TEXT --by EMAIL. The job's page shows its progress."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from accounts.services import ServiceError
from accreditation.services import reissue

from ._staff import staff_member


class Command(BaseCommand):
    help = "Start the job that re-issues credentials without a published status or signed with a compromised key."

    def add_arguments(self, parser):
        parser.add_argument("--reason", required=True)
        parser.add_argument("--by", required=True, help="Email of the regulator staff account asking for it.")

    def handle(self, *args, **options):
        by = staff_member(options["by"])
        try:
            job = reissue.start_reissue(by=by, reason=options["reason"])
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        url = settings.SITE_URL + reverse("job_detail", kwargs={"pk": job.pk})
        self.stdout.write(self.style.SUCCESS(f"{job.title}: started. Follow it at {url}"))
