"""The person a key or credential command acts for: regulator staff, named so the audit says who did it."""

from django.core.management.base import CommandError

from accounts.models import User


def staff_member(email: str) -> User:
    by = User.objects.filter(email__iexact=email).first()
    if by is None or not by.has_perm("accreditation.make_certificates"):
        raise CommandError(f"{email} is not a regulator staff account here: the change must be recorded under one.")
    return by
