"""Candidates standing at the decision stage, made directly (stage 3's services move real candidates there)."""

import datetime

import factory
from django.utils import timezone

from accounts.models import Role
from accreditation.models import Candidate, Level
from accreditation.services.pathway import current_standard, ensure_standards
from tests.factories import LocalAuthorityFactory, make_user
from tests.regulation.conftest import register


class CandidateAtDecisionFactory(factory.django.DjangoModelFactory):
    """A registered social worker who has passed endorsement, the knowledge assessment and the observation."""

    class Meta:
        model = Candidate

    class Params:
        regulator = None
        first_name = "Sam"
        last_name = "Okafor"

    level = Level.PRACTITIONER
    organisation = factory.SubFactory(LocalAuthorityFactory)
    user = factory.LazyAttribute(
        lambda o: make_user(
            Role.SOCIAL_WORKER, organisation=o.organisation, first_name=o.first_name, last_name=o.last_name
        )
    )
    standard = factory.LazyAttribute(lambda o: (ensure_standards(), current_standard(o.level))[1])
    registration_number = factory.LazyAttribute(
        lambda o: (
            register(
                o.user,
                o.regulator or make_user(Role.REGULATOR_STAFF),
                date_of_birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=o.user.pk),
            ).registration_number
        )
    )
    stage = Candidate.Stage.DECISION
    status = Candidate.Status.ACTIVE
    endorsement = Candidate.Endorsement.ENDORSED
    endorsement_reason = "Consistently strong practice."
    started_by = factory.LazyAttribute(lambda o: o.user)
    endorsement_decided_at = factory.LazyFunction(timezone.now)
    knowledge_passed_at = factory.LazyFunction(timezone.now)


def certification_world(*, regulator, worker, employer) -> dict:
    """For the access table: a decision waiting for someone else, and an accreditation the worker holds (its
    certificate made in-process). The accreditation is made directly, without the register annotation, so the
    table's other rows can still nominate the worker at every level."""
    from accreditation.models import Accreditation
    from accreditation.services import certificates, credentials, decision, status_lists
    from regulation.models import RegisterEntry

    waiting = CandidateAtDecisionFactory(regulator=regulator, first_name="Wendy", last_name="Waiting")
    entry = RegisterEntry.objects.get(user=worker)
    own = CandidateAtDecisionFactory(
        regulator=regulator,
        user=worker,
        organisation=employer,
        level=Level.SUPERVISOR,
        registration_number=entry.registration_number,
        stage=Candidate.Stage.ACCREDITED,
        status=Candidate.Status.ACCREDITED,
    )
    accreditation = Accreditation.objects.create(
        candidate=own,
        code=decision.new_code(),
        name=entry.full_name,
        registration_number=entry.registration_number,
        level=own.level,
        awarded_on=timezone.localdate(),
        confirmed_by=regulator,
        confirm_reason="Every stage passed.",
    )
    status_lists.allocate_status_entry(accreditation)
    accreditation.credential = credentials.signed_credential(accreditation)
    accreditation.save(update_fields=["credential"])
    accreditation = certificates.issue_certificate(accreditation=accreditation)
    return {"decision": waiting, "accreditation": accreditation}
