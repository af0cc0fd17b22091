"""Signed credentials and their published status, in one run, each beside a baseline taken in the same run:

1. Checking one credential (the verify page's work): the product's ``check_credential`` on an ``eddsa-rdfc-2022``
   credential, beside the same credential signed with ``eddsa-jcs-2022`` (the earlier suite, JSON canonicalisation)
   and beside the floor: parsing the JSON and one bare Ed25519 verification.
2. Publishing the status lists for N accreditations: the first publication (every list signed), a revocation
   (one list re-signed) and beat's every-minute run when nothing changed, beside the floor of reading the rows.

Run: .venv/bin/python benchmarks/credential_status.py [--accreditations 20000] [--repeat 15]
Uses its own SQLite file under var/ unless DATABASE_URL is set (then that database gets the rows).
"""

import argparse
import datetime
import json
import random
import time

from _django import setup, timed

setup("credential_status")

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402


def build(count: int):
    from accounts.models import Organisation, Role, User
    from accreditation.models import Accreditation, Candidate
    from accreditation.services import status_lists
    from accreditation.services.pathway import current_standard, ensure_standards

    ensure_standards()
    standard = current_standard("practitioner")
    employer = Organisation.objects.create(name="Bench Council", kind=Organisation.Kind.LOCAL_AUTHORITY)
    regulator = User.objects.create(email="bench.regulator@example.com", first_name="Ruth", last_name="Bench")
    regulator.memberships.create(organisation=employer, role=Role.REGULATOR_STAFF)
    users = User.objects.bulk_create(User(email=f"bench{n}@example.com", first_name="Sam") for n in range(count))
    candidates = Candidate.objects.bulk_create(
        Candidate(
            user=u,
            level="practitioner",
            standard=standard,
            organisation=employer,
            registration_number=f"SW{900000 + n}",
            stage=Candidate.Stage.ACCREDITED,
            status=Candidate.Status.ACCREDITED,
            endorsement=Candidate.Endorsement.ENDORSED,
            endorsement_reason="Bench",
            started_by=u,
        )
        for n, u in enumerate(users)
    )
    places = random.Random(7).sample(range(status_lists.LIST_SIZE), min(count, status_lists.LIST_FILL))
    today = timezone.localdate()
    Accreditation.objects.bulk_create(
        Accreditation(
            candidate=c,
            code=f"BENCH{n:027d}",
            name=f"Sam Bench {n}",
            registration_number=c.registration_number,
            level="practitioner",
            awarded_on=today,
            confirmed_by=regulator,
            confirm_reason="Bench",
            status_list_number=1 + n // status_lists.LIST_FILL,
            status_list_index=places[n % len(places)],
        )
        for n, c in enumerate(candidates)
    )
    return regulator


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accreditations", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from accreditation.models import Accreditation
    from accreditation.services import credentials, decision, status_lists

    print(f"Building {args.accreditations:,} accreditations…", flush=True)
    regulator = build(args.accreditations)
    one = Accreditation.objects.order_by("pk").first()
    one.credential = credentials.signed_credential(one, at=timezone.now())
    one.save(update_fields=["credential"])
    rdfc_text = json.dumps(one.credential)
    unsigned = {k: v for k, v in one.credential.items() if k != "proof"}
    jcs_text = json.dumps(credentials.sign(unsigned, created=timezone.now(), cryptosuite="eddsa-jcs-2022"))
    floor_key = Ed25519PrivateKey.generate()
    floor_signature = floor_key.sign(rdfc_text.encode())
    assert credentials.check_credential(rdfc_text).valid and credentials.check_credential(jcs_text).valid

    def floor():
        json.loads(rdfc_text)
        floor_key.public_key().verify(floor_signature, rdfc_text.encode())

    rdfc = timed(lambda: credentials.check_credential(rdfc_text), args.repeat)
    jcs = timed(lambda: credentials.check_credential(jcs_text), args.repeat)
    bare = timed(floor, args.repeat)
    print("\n1. Checking one credential (median of", args.repeat, "runs)")
    print(f"   eddsa-rdfc-2022 (product)          {rdfc * 1000:8.2f} ms")
    print(f"   eddsa-jcs-2022 (earlier suite)     {jcs * 1000:8.2f} ms   rdfc / jcs = {rdfc / jcs:5.2f}x")
    print(f"   floor: parse + one Ed25519 verify  {bare * 1000:8.2f} ms   rdfc / floor = {rdfc / bare:5.0f}x")

    def read_rows():
        list(
            Accreditation.objects.filter(status_list_number__isnull=False)
            .values_list("status_list_number", "status_list_index", "status", "registration_number")
            .iterator(chunk_size=5000)
        )

    start = time.perf_counter()
    lists = status_lists.publish_status_lists()
    first = time.perf_counter() - start
    unchanged = timed(status_lists.publish_status_lists, max(3, args.repeat // 3))
    rows = timed(read_rows, max(3, args.repeat // 3))
    victim = Accreditation.objects.order_by("-pk").first()
    decision.revoke_accreditation(accreditation=victim, by=regulator, reason="Bench revocation")
    start = time.perf_counter()
    resigned = status_lists.publish_status_lists()
    revoked = time.perf_counter() - start
    print(f"\n2. Publishing the status lists for {args.accreditations:,} accreditations")
    print(f"   first publication ({lists} lists signed)   {first * 1000:8.1f} ms")
    print(f"   after a revocation ({resigned} re-signed)     {revoked * 1000:8.1f} ms")
    print(f"   beat, nothing changed              {unchanged * 1000:8.1f} ms   / floor = {unchanged / rows:5.2f}x")
    print(f"   floor: reading the rows            {rows * 1000:8.1f} ms")
    print(f"\nFinished {datetime.datetime.now():%H:%M:%S}.")


if __name__ == "__main__":
    main()
