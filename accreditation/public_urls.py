"""Public addresses, outside /accreditation/ because they are printed on certificates and named in credentials:
``/verify/<code>`` (the QR code's target), the credential check, and the issuer's profile and keys."""

from django.urls import path

from .views import verify

urlpatterns = [
    path("verify/", verify.verify_start, name="verify_start"),
    path("verify/credential/", verify.verify_credential, name="verify_credential"),
    path("verify/<str:code>", verify.verify, name="verify"),
    path("verify/<str:code>/", verify.verify_pasted, name="verify_pasted"),
    path("credentials/issuer", verify.issuer, name="credential_issuer"),
    path("credentials/jwks.json", verify.jwks, name="credential_jwks"),
    path("credentials/status/<str:purpose>/<int:number>", verify.status_list, name="credential_status_list"),
    path("credentials/achievements/<str:level>", verify.achievement, name="credential_achievement"),
]
