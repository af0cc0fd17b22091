"""The drill's candidates, each with a knowledge test open, and the demo assessor's draft scoresheets, as JSON for
scripts/drill.py.

Runs inside the rehearsal's environment (scripts/drill.py starts it with the cluster's settings). Each candidate is
a social worker at the demo council, nominated, mapped and endorsed through the services, who has started the test.
"""

import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from accounts.models import Organisation, User  # noqa: E402
from accreditation import services  # noqa: E402
from accreditation.management.commands.seed_accreditation_demo import Command as AccreditationDemo  # noqa: E402
from accreditation.models import Candidate, Scoresheet  # noqa: E402
from accreditation.services.pathway import current_standard  # noqa: E402


def main(size: int) -> None:
    leeds = Organisation.objects.get(la_number="383")
    manager = User.objects.get(email="line.manager@example.com")
    regulator = User.objects.get(email="regulator@example.com")
    standard = current_standard("practitioner")
    cohort = []
    for n in range(size):
        email = f"drill.candidate{n}@example.com"
        user = AccreditationDemo()._person(email, "Drill", f"Candidate {n}", leeds, regulator)
        candidate = Candidate.objects.filter(user=user, status="active").first()
        if candidate is None:
            candidate = services.nominate(manager=manager, user=user, level="practitioner", organisation=leeds)
            services.save_mapping(
                candidate=candidate, by=manager, statements={d.key: "Drill" for d in standard.domains.all()}
            )
            services.endorse(candidate=candidate, by=manager, reason="Drill")
        attempt = services.start_attempt(candidate=candidate, by=user, rng=random.Random(n))  # nosec B311 # which questions, not a secret
        questions = [
            {"position": row.position, "options": [option.pk for option in row.item.options.all()]}
            for row in attempt.items.select_related("item").prefetch_related("item__options")
        ]
        cohort.append({"email": email, "attempt": attempt.pk, "questions": questions})
    sheets = [
        {"id": sheet.pk, "domains": [score.domain_key for score in sheet.scores.all()]}
        for sheet in Scoresheet.objects.filter(assessor__email="assessor@example.com", status="draft")
    ]
    print(json.dumps({"candidates": cohort, "scoresheets": sheets}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
