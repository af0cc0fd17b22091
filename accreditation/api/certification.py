"""The decision and certificate stage in the API, under the same rules as the pages."""

from __future__ import annotations

import json

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from accounts.api import API_PERMISSIONS
from accounts.serializers import JobSerializer

from ..models import Accreditation, Candidate
from ..selectors import certification as selectors
from ..serializers import AccreditationReasonSerializer
from ..serializers.certification import (
    AccreditationSerializer,
    BatchSerializer,
    CredentialCheckRequestSerializer,
    CredentialCheckResultSerializer,
    DecisionCandidateSerializer,
    PublicAccreditationSerializer,
)
from ..services import certificates, credentials, decision, reissue
from . import HasPerm, _require, _service

TAGS = ["accreditation: decisions and certificates"]
PUBLIC_TAGS = ["accreditation: verify (public)"]
PUBLIC_THROTTLES = [AnonRateThrottle, UserRateThrottle]


@extend_schema(tags=TAGS, responses=DecisionCandidateSerializer(many=True))
class DecisionsView(APIView):
    """Candidates who have passed every stage, waiting for regulator staff to confirm."""

    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.confirm_decision"

    def get(self, request):
        return Response(DecisionCandidateSerializer(selectors.decisions_to_confirm(), many=True).data)


@extend_schema(tags=TAGS, request=AccreditationReasonSerializer, responses={201: AccreditationSerializer})
class ConfirmView(APIView):
    """Confirm the accreditation of a candidate at the decision stage; the certificate is made by the worker."""

    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.confirm_decision"

    def post(self, request, pk):
        candidate = get_object_or_404(Candidate, pk=pk)
        data = AccreditationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accreditation = _service(
            lambda: decision.confirm_accreditation(
                candidate=candidate, by=request.user, reason=data.validated_data["reason"]
            )
        )
        return Response(AccreditationSerializer(accreditation).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class AccreditationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Accreditations the caller may see: their own, or (regulator staff) everyone's."""

    queryset = Accreditation.objects.none()
    serializer_class = AccreditationSerializer
    permission_classes = API_PERMISSIONS
    filterset_fields = ["level", "status"]
    object_permissions = {"GET": "accreditation.view_accreditation"}

    def get_queryset(self):
        if self.request.user.has_perm("accreditation.make_certificates"):
            return selectors.accreditations()
        return Accreditation.objects.filter(candidate__user=self.request.user).order_by("-confirmed_at", "-pk")

    def _one(self, perm) -> Accreditation:
        accreditation = get_object_or_404(Accreditation.objects.select_related("candidate"), pk=self.kwargs["pk"])
        _require(self.request, perm, accreditation)
        return accreditation

    def retrieve(self, request, *args, **kwargs):
        return Response(AccreditationSerializer(self._one("accreditation.view_accreditation")).data)

    @staticmethod
    def _gone(accreditation):
        return Response(
            {"detail": f"This accreditation was revoked on {accreditation.revoked_at:%-d %B %Y}.", "status": "revoked"},
            status=status.HTTP_410_GONE,
        )

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT, 410: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def credential(self, request, pk=None):
        """The signed Open Badges 3.0 credential (410 once revoked)."""
        accreditation = self._one("accreditation.view_accreditation")
        if accreditation.is_revoked:
            return self._gone(accreditation)
        return Response(accreditation.credential)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, 410: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def certificate(self, request, pk=None):
        """The certificate PDF (410 once revoked; 404 while it is being made)."""
        accreditation = self._one("accreditation.view_accreditation")
        if accreditation.is_revoked:
            return self._gone(accreditation)
        if not accreditation.certificate:
            raise Http404("The certificate is still being made.")
        return FileResponse(
            accreditation.certificate.open("rb"),
            as_attachment=True,
            filename=certificates.certificate_filename(accreditation),
            content_type="application/pdf",
        )

    @extend_schema(request=AccreditationReasonSerializer, responses=AccreditationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke with a reason (regulator staff): the register annotation ends."""
        accreditation = self._one("accreditation.revoke_accreditation")
        data = AccreditationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = _service(
            lambda: decision.revoke_accreditation(
                accreditation=accreditation, by=request.user, reason=data.validated_data["reason"]
            )
        )
        return Response(AccreditationSerializer(done).data)


@extend_schema(tags=TAGS, request=BatchSerializer, responses={201: JobSerializer})
class CertificateBatchView(APIView):
    """Make the certificates of a cohort in one background job; follow it at /api/v1/jobs/<id>/."""

    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.make_certificates"

    def post(self, request):
        data = BatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = _service(lambda: certificates.start_batch(by=request.user, **data.validated_data))
        return Response(JobSerializer(job, context={"request": request}).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, request=AccreditationReasonSerializer, responses={201: JobSerializer})
class CredentialReissueView(APIView):
    """Re-issue every credential without a published status or signed with a compromised key, in one background
    job (each with its certificate made again); follow it at /api/v1/jobs/<id>/. 400 when none needs it."""

    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.make_certificates"

    def post(self, request):
        data = AccreditationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = _service(lambda: reissue.start_reissue(by=request.user, reason=data.validated_data["reason"]))
        return Response(JobSerializer(job, context={"request": request}).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=PUBLIC_TAGS, responses={200: PublicAccreditationSerializer})
class VerifyCodeView(APIView):
    """Check a certificate's verification code: name, registration number, level, dates and status only."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = PUBLIC_THROTTLES

    def get(self, request, code):
        accreditation = selectors.by_code(code)
        if accreditation is None:
            raise Http404("No accreditation has this verification code.")
        return Response(PublicAccreditationSerializer(selectors.public_view(accreditation)).data)


@extend_schema(tags=PUBLIC_TAGS, request=CredentialCheckRequestSerializer, responses=CredentialCheckResultSerializer)
class VerifyCredentialView(APIView):
    """Check a signed credential: its shape, issuer and signature, then whether it has been revoked."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = PUBLIC_THROTTLES

    def post(self, request):
        data = CredentialCheckRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        value = data.validated_data["credential"]
        result = credentials.check_credential(value if isinstance(value, dict | str) else json.dumps(value))
        return Response(
            CredentialCheckResultSerializer(
                {
                    "status": result.status,
                    "reasons": result.reasons,
                    "accreditation": result.facts,
                }
            ).data
        )
