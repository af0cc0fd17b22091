"""Sign-in events from allauth go into the audit trail, so a person's account history is complete."""

from allauth.account.signals import password_changed, password_reset, user_logged_in
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from .middleware import start_idle_clock
from .services import record_event


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    record_event(user, "signed_in", by=user)


@receiver(auth_signals.user_logged_in)
def _idle_clock_starts(sender, request, user, **kwargs):
    # Signing in saves the session, so its idle expiry starts now: the first page after it need not move it again.
    if request is not None and hasattr(request, "session"):
        start_idle_clock(request.session)


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
