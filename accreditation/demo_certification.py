"""Demo data for the decision and certificate: one accredited social worker with a certificate (made here, in
process) and a signed credential, and one candidate waiting for regulator staff's decision. Safe to run again.

Stage 3 (the observation) is not part of this module: the demo candidates are moved past it directly, as the
observation's final result would move them. Called from ``seed_accreditation_demo``."""

from __future__ import annotations

from accounts.services import record_event
from accreditation import services
from accreditation.models import Accreditation, Candidate
from accreditation.services import certificates, decision

ACCREDITED_EMAIL = "olivia.bennett@example.com"
WAITING_EMAIL = "marcus.reid@example.com"


def _to_decision(command, candidate, user, manager):
    candidate = command._map_and_endorse(candidate, manager)
    command._sit(candidate, user, right=27)
    Candidate.objects.filter(pk=candidate.pk).update(stage=Candidate.Stage.DECISION)
    record_event(candidate, "observation_passed", by=None, reason="Demo data.", to_state=Candidate.Stage.DECISION)
    return Candidate.objects.get(pk=candidate.pk)


def seed(command, *, regulator, manager, leeds) -> None:
    """``command`` is the seed_accreditation_demo command, whose helpers make people and take their tests."""
    made = []
    user = command._person(ACCREDITED_EMAIL, "Olivia", "Bennett", leeds, regulator)
    if not Accreditation.objects.filter(candidate__user=user).exists():
        candidate = services.nominate(manager=manager, user=user, level="practitioner", organisation=leeds)
        candidate = _to_decision(command, candidate, user, manager)
        accreditation = decision.confirm_accreditation(
            candidate=candidate, by=regulator, reason="Demo: every stage passed; evidence checked."
        )
        certificates.issue_certificate(accreditation=accreditation)
        made.append(f"{ACCREDITED_EMAIL} accredited (verify at /verify/{accreditation.code})")
    waiting = command._person(WAITING_EMAIL, "Marcus", "Reid", leeds, regulator)
    if not Candidate.objects.filter(user=waiting).exists():
        candidate = services.nominate(manager=manager, user=waiting, level="practitioner", organisation=leeds)
        _to_decision(command, candidate, waiting, manager)
        made.append(f"{WAITING_EMAIL} waiting for a decision")
    command.stdout.write(f"Decisions and certificates: {'; '.join(made) or 'already there'}.")
