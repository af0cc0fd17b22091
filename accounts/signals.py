"""Sign-in events from allauth go into the audit trail, so a person's account history is complete."""

from allauth.account.signals import password_changed, password_reset, user_logged_in
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.dispatch import receiver

from .services import record_event


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    record_event(user, "signed_in", by=user)


@receiver(password_changed)
def _password_changed(sender, request, user, **kwargs):
    record_event(user, "password_changed", by=user)


@receiver(password_reset)
def _password_reset(sender, request, user, **kwargs):
    record_event(user, "password_reset", by=user)


@receiver(authenticator_added)
def _authenticator_added(sender, request, user, authenticator, **kwargs):
    record_event(user, "authenticator_added", by=user, to_state=authenticator.type)


@receiver(authenticator_removed)
def _authenticator_removed(sender, request, user, authenticator, **kwargs):
    record_event(user, "authenticator_removed", by=user, from_state=authenticator.type)
