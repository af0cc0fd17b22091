"""API tokens a signed-in person creates and revokes from their account page (DRF's one token per user).

The token's key is shown once, straight after it is made; the history records that a token was made or revoked,
never the key itself.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from .models import User
from .services import record_event


@transaction.atomic
def create_api_token(*, user: User) -> Token:
    """A new token replaces any earlier one, so a lost key is dealt with by making another."""
    user = User.objects.select_for_update().get(pk=user.pk)
    replaced = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    record_event(user, "api_token_created", by=user, changes={"replaced_earlier_token": replaced})
    return token


@transaction.atomic
def revoke_api_token(*, user: User, by: User | None = None) -> bool:
    """``by``: who revoked it, if not its holder (regulator staff, in the administration)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    revoked = Token.objects.filter(user=user).delete()[0] > 0
    if revoked:
        record_event(user, "api_token_revoked", by=by or user)
    return revoked


@require_POST
@login_required
@never_cache
def api_token_create(request):
    """The key is shown on this response's page and nowhere else: not in a message, whose cookie is signed but not
    encrypted, nor in any cache (``never_cache``)."""
    token = create_api_token(user=request.user)
    return render(request, "accounts/api_token_created.html", {"key": token.key, "page_title": "Your new API token"})


@require_POST
@login_required
def api_token_revoke(request):
    if revoke_api_token(user=request.user):
        messages.success(request, "Your API token has been revoked. Systems using it can no longer sign in.")
    return redirect("account_settings")
