"""Public pages, no sign-in: check a certificate by its code, check a signed credential, and the issuer's keys.

They reveal nothing beyond name, registration number, level, dates and status.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_GET

from accounts.throttles import throttled

from .. import forms
from ..models import Level
from ..selectors import certification as selectors
from ..services import credentials, status_lists
from ..services.decision import normalise_code


@never_cache
def verify_start(request):
    code_form = forms.VerifyCodeForm(request.GET or None)
    if request.GET and code_form.is_valid():
        return redirect("verify", code=normalise_code(code_form.cleaned_data["code"]) or "-")
    return render(
        request,
        "accreditation/certification/verify_start.html",
        {
            "code_form": code_form,
            "credential_form": forms.CredentialCheckForm(),
            "form": code_form if request.GET else None,
            "page_title": "Check a social work accreditation",
        },
    )


def verify_pasted(request, code):
    """The address as people paste it, with a trailing slash: the same check, at its one address."""
    return redirect("verify", code=normalise_code(code) or "-", permanent=True)


@never_cache
@throttled("verify_page")
def verify(request, code):
    if normalise_code(code) and normalise_code(code) != code:
        # As printed (groups of four, with dashes or spaces) or typed in lower case: the one address for the code.
        return redirect("verify", code=normalise_code(code), permanent=True)
    accreditation = selectors.by_code(code)
    if accreditation is None:
        return render(
            request,
            "accreditation/certification/verify_not_found.html",
            {"page_title": "We cannot find that certificate"},
            status=404,
        )
    return render(
        request,
        "accreditation/certification/verify.html",
        {
            "v": selectors.public_view(accreditation),
            "code": accreditation.code_for_reading,
            "page_title": "Accreditation check",
        },
    )


@never_cache
@throttled("verify_page")
def verify_credential(request):
    if request.method != "POST":
        return redirect("verify_start")
    form = forms.CredentialCheckForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        result = credentials.check_credential(form.cleaned_data["text"])
    return render(
        request,
        "accreditation/certification/verify_credential.html",
        {
            "form": form,
            "credential_form": form,
            "result": result,
            "v": result.facts if result else None,
            "issuer_name": settings.CREDENTIAL_ISSUER_NAME,
            "page_title": "Credential check" if result else "Check a signed credential",
        },
        status=200 if result else 400,
    )


def _for_any_client(response, *, max_age: int):
    """Public, cacheable, and readable by a wallet's or an employer's page from any origin (nothing here is private)."""
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def issuer(request):
    return _for_any_client(
        JsonResponse(credentials.issuer_profile(), json_dumps_params={"indent": 2}), max_age=KEYS_MAX_AGE
    )


@require_GET
def jwks(request):
    return _for_any_client(JsonResponse(credentials.jwks(), json_dumps_params={"indent": 2}), max_age=KEYS_MAX_AGE)


# Keys change rarely (a rotation); a verifier that caches them an hour still sees a new key's first credential soon.
KEYS_MAX_AGE = 3600


def _status_list(request, purpose, number):
    if purpose not in status_lists.PURPOSES:
        raise Http404
    found = status_lists.published(purpose=purpose, number=number)
    if found is None:
        raise Http404
    return found


def _status_list_etag(request, purpose, number):
    found = _status_list(request, purpose, number)
    return hashlib.sha256(found.encoded_list.encode() + found.published_at.isoformat().encode()).hexdigest()[:32]


@require_GET
@condition(
    etag_func=_status_list_etag,
    last_modified_func=lambda request, purpose, number: _status_list(request, purpose, number).published_at,
)
def status_list(request, purpose, number):
    """The signed BitstringStatusListCredential. A verifier polling it gets 304 Not Modified until it changes."""
    found = _status_list(request, purpose, number)
    return _for_any_client(
        JsonResponse(found.credential, json_dumps_params={"indent": 2}),
        max_age=settings.CREDENTIAL_STATUS_TTL_SECONDS,
    )


@require_GET
def achievement(request, level):
    if level not in Level.values:
        raise Http404
    return JsonResponse(
        {"@context": credentials.CONTEXT, **credentials.achievement(level)}, json_dumps_params={"indent": 2}
    )
