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
