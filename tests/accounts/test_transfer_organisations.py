"""A predecessor's regions, organisations and people, taken in through accounts' own services when a regulator's
transfer bundle loads (regulation.transfer.importer): a region by its ONS code, a local authority by its DfE number
and name, anything else added, never merged by name; a person by email, or made as an account that cannot sign in."""

import datetime

import pytest

from accounts.models import AuditEvent, Organisation, Region, Role, User
from accounts.services import (
    TransferClash,
    organisation_from_transfer,
    people_named_in_transfer,
    region_from_transfer,
)
from tests.factories import LocalAuthorityFactory, OrganisationFactory, RegionFactory, make_user

pytestmark = pytest.mark.django_db


def details(**changes):
    return {
        "name": "Leeds City Council",
        "kind": Organisation.Kind.LOCAL_AUTHORITY,
        "employer_type": "",
        "la_number": "383",
        "region_id": None,
        "town": "Leeds",
        "is_active": True,
        "closed_on": None,
        **changes,
    }


def test_a_region_is_the_one_held_with_its_code_or_is_added():
    held = RegionFactory(code="E12000003", name="Yorkshire and The Humber")
    assert region_from_transfer(code="E12000003", name="Yorkshire") == held.pk
    assert Region.objects.get(pk=held.pk).name == "Yorkshire and The Humber"  # kept as it is
    added = region_from_transfer(code="E12000009", name="South West")
    assert Region.objects.get(pk=added).code == "E12000009" and added != held.pk


def test_a_local_authority_held_is_matched_by_its_number_and_name_and_kept_as_it_is():
    held = LocalAuthorityFactory(name="Leeds City Council", la_number="383", town="")
    assert organisation_from_transfer(**details()) == held.pk
    held.refresh_from_db()
    assert held.town == "" and Organisation.objects.count() == 1


def test_a_local_authority_with_another_name_here_is_refused_and_nothing_is_added():
    LocalAuthorityFactory(name="Leeds Council", la_number="383")
    with pytest.raises(
        TransferClash, match="local authority 383 is “Leeds City Council” in the bundle but “Leeds Council” here"
    ):
        organisation_from_transfer(**details())
    assert Organisation.objects.count() == 1


def test_any_other_organisation_is_added_never_merged_by_name():
    own = OrganisationFactory(name="Leeds Beckett University", kind=Organisation.Kind.EDUCATION_PROVIDER)
    region = RegionFactory()
    made = organisation_from_transfer(
        **details(
            name="Leeds Beckett University",
            kind=Organisation.Kind.EDUCATION_PROVIDER,
            la_number=None,
            region_id=region.pk,
            is_active=False,
            closed_on=datetime.date(2026, 7, 31),
        )
    )
    assert made != own.pk
    added = Organisation.objects.get(pk=made)
    assert (added.name, added.region, added.is_active, added.closed_on) == (
        "Leeds Beckett University",
        region,
        False,
        datetime.date(2026, 7, 31),
    )
    # Recorded with the load as a whole (transfer_imported), not one by one: the audit log comes back as it went.
    assert not AuditEvent.objects.exists()


def test_people_are_matched_by_email_or_made_as_accounts_that_cannot_sign_in_until_invited():
    held = make_user(Role.REGULATOR_STAFF, email="ruth@regulator.example")
    found = people_named_in_transfer(emails={"ruth@regulator.example", "kim@former.example"})
    assert found["ruth@regulator.example"] == held.pk
    kim = User.objects.get(pk=found["kim@former.example"])
    assert kim.email == "kim@former.example" and not kim.is_active and not kim.has_usable_password()
    assert people_named_in_transfer(emails={"kim@former.example"}) == {"kim@former.example": kim.pk}
