"""Demo data for the decision and certificate: one accredited social worker with a certificate (made here, in
process) and a signed credential, and one candidate waiting for regulator staff's decision. Safe to run again.

Both go through every stage with the stages' own services (the observation by the demo assessor). Called from
``seed_accreditation_demo``."""

from __future__ import annotations

from accreditation import services
from accreditation.demo_observation import pass_observation
from accreditation.models import Accreditation, Candidate
from accreditation.services import certificates, decision

ACCREDITED_EMAIL = "olivia.bennett@example.com"
WAITING_EMAIL = "marcus.reid@example.com"


def _to_decision(command, candidate, user, manager, regulator):
    candidate = command._map_and_endorse(candidate, manager)
    command._sit(candidate, user, right=27)
    candidate = pass_observation(candidate, regulator)
    assert candidate.stage == Candidate.Stage.DECISION, "the demo observation should pass"  # nosec B101
    return candidate


def seed(command, *, regulator, manager, leeds) -> None:
    """``command`` is the seed_accreditation_demo command, whose helpers make people and take their tests."""
    made = []
    user = command._person(ACCREDITED_EMAIL, "Olivia", "Bennett", leeds, regulator)
    if not Accreditation.objects.filter(candidate__user=user).exists():
        candidate = services.nominate(manager=manager, user=user, level="practitioner", organisation=leeds)
        candidate = _to_decision(command, candidate, user, manager, regulator)
        accreditation = decision.confirm_accreditation(
            candidate=candidate, by=regulator, reason="Demo: every stage passed; evidence checked."
        )
        certificates.issue_certificate(accreditation=accreditation)
        made.append(f"{ACCREDITED_EMAIL} accredited (verify at /verify/{accreditation.code})")
    waiting = command._person(WAITING_EMAIL, "Marcus", "Reid", leeds, regulator)
    if not Candidate.objects.filter(user=waiting).exists():
        candidate = services.nominate(manager=manager, user=waiting, level="practitioner", organisation=leeds)
        _to_decision(command, candidate, waiting, manager, regulator)
        made.append(f"{WAITING_EMAIL} waiting for a decision")
    command.stdout.write(f"Decisions and certificates: {'; '.join(made) or 'already there'}.")
