"""Early career over the API: the same services and rules as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.models import Organisation, User
from accounts.pagination import IdsFirstPagination
from accounts.services import ServiceError

from . import evidence_files, funding, journey, selectors, services
from .models import Enrolment, Evidence, FundingClaim, Programme
from .serializers import (
    CaseloadInputSerializer,
    ClaimInputSerializer,
    EnrolInputSerializer,
    EnrolmentSerializer,
    EvidenceInputSerializer,
    EvidenceSerializer,
    ExternalModerationInputSerializer,
    FundingClaimSerializer,
    InternalModerationInputSerializer,
    JourneyStepSerializer,
    LearningAgreementInputSerializer,
    NationalFiguresSerializer,
    PauseInputSerializer,
    ProgrammeSerializer,
    ProtectedTimeInputSerializer,
    ReasonInputSerializer,
    ReviewInputSerializer,
    ReviewWindowExceptionInputSerializer,
    SupervisionInputSerializer,
)


def _service(call):
    try:
        return call()
    except ServiceError as exc:
        raise ValidationError({"detail": str(exc)}) from exc


@extend_schema(tags=["early career"])
class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgrammeSerializer
    queryset = Programme.objects.filter(is_active=True).order_by("available_from")


def _write(input_serializer, perm: str, summary: str):
    """An action on one enrolment: check the rule, validate the input, call the service, return the record."""

    def decorator(fn):
        def view(self, request, pk=None):
            enrolment = self.get_object()
            if not request.user.has_perm(perm, enrolment):
                raise PermissionDenied
            data = input_serializer(data=request.data)
            data.is_valid(raise_exception=True)
            _service(lambda: fn(self, request, enrolment, data.validated_data))
            fresh = selectors.cohort(request.user).get(pk=enrolment.pk)
            return Response(EnrolmentSerializer(fresh).data, status=status.HTTP_201_CREATED)

        # DRF routes an action by its function name, so the name is set before @action reads it.
        view.__name__ = view.__qualname__ = fn.__name__
        view.__doc__ = summary
        view = action(detail=True, methods=["post"], url_path=fn.__name__.replace("_", "-"))(view)
        return extend_schema(
            request=input_serializer, responses={201: EnrolmentSerializer}, summary=summary, tags=["early career"]
        )(view)

    return decorator


@extend_schema(tags=["early career"])
class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Enrolments you may see: your own, those you supervise or assess, your employer's, or all (regulator staff)."""

    serializer_class = EnrolmentSerializer
    queryset = Enrolment.objects.none()
    pagination_class = IdsFirstPagination

    def get_queryset(self):
        return selectors.cohort(self.request.user)

    def get_object(self):
        try:
            return selectors.cohort(self.request.user).get(pk=self.kwargs["pk"])
        except Enrolment.DoesNotExist:
            raise Http404 from None

    @extend_schema(request=EnrolInputSerializer, responses={201: EnrolmentSerializer}, summary="Enrol a participant")
    def create(self, request):
        if not request.user.has_perm("training.add_enrolment"):
            raise PermissionDenied
        data = EnrolInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        employer = Organisation.objects.filter(pk=d["employer"]).first()
        if employer is None:
            raise ValidationError({"employer": "No such organisation."})
        people = User.objects.in_bulk([d["supervisor"], d["assessor"], d.get("line_manager") or 0])
        enrolment = _service(
            lambda: services.enrol(
                by=request.user,
                programme=d["programme"],
                registration_number=d["registration_number"],
                employer=employer,
                start_date=d["start_date"],
                supervisor=people.get(d["supervisor"]),
                assessor=people.get(d["assessor"]),
                line_manager=people.get(d.get("line_manager") or 0),
                team=d["team"],
                fte=d["fte"],
                cohort=d.get("cohort", ""),
            )
        )
        fresh = selectors.cohort(request.user).get(pk=enrolment.pk)
        return Response(EnrolmentSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @_write(SupervisionInputSerializer, "training.record_support", "Record a supervision session")
    def supervision(self, request, e, d):
        return services.record_supervision(enrolment=e, by=request.user, supervisor=e.supervisor, **d)

    @_write(LearningAgreementInputSerializer, "training.record_support", "Record the learning agreement")
    def learning_agreement(self, request, e, d):
        return services.record_learning_agreement(enrolment=e, by=request.user, **d)

    @_write(ProtectedTimeInputSerializer, "training.record_support", "Record protected development time")
    def protected_time(self, request, e, d):
        return services.record_protected_time(enrolment=e, by=request.user, **d)

    @_write(CaseloadInputSerializer, "training.record_support", "Record a month's caseload")
    def caseload(self, request, e, d):
        return services.record_caseload(enrolment=e, by=request.user, **d)

    @_write(EvidenceInputSerializer, "training.add_evidence", "Add evidence")
    def evidence(self, request, e, d):
        return services.add_evidence(
            enrolment=e,
            by=request.user,
            kind=d["kind"],
            title=d["title"],
            occurred_on=d["occurred_on"],
            text=d.get("text", ""),
            upload=d.get("file"),
        )

    @_write(PauseInputSerializer, "training.add_pause", "Pause the programme")
    def pause(self, request, e, d):
        return services.add_pause(enrolment=e, by=request.user, **d)

    @_write(ReviewInputSerializer, "training.record_review", "Record a review or the final assessment")
    def review(self, request, e, d):
        return services.record_review(enrolment=e, by=request.user, **d)

    @_write(
        ReviewWindowExceptionInputSerializer,
        "training.allow_review_outside_window",
        "Allow a review outside its window (a co-ordinator's recorded decision)",
    )
    def review_window_exception(self, request, e, d):
        return services.grant_review_window_exception(enrolment=e, by=request.user, **d)

    @_write(ReasonInputSerializer, "training.approve_early_completion", "Approve early completion")
    def early_completion(self, request, e, d):
        return services.approve_early_completion(enrolment=e, by=request.user, **d)

    @_write(InternalModerationInputSerializer, "training.moderate_internally", "Internal moderation")
    def moderation(self, request, e, d):
        return services.moderate_internally(enrolment=e, by=request.user, **d)

    @_write(ExternalModerationInputSerializer, "training.moderate_externally", "External moderation (final)")
    def external_moderation(self, request, e, d):
        return services.moderate_externally(enrolment=e, by=request.user, **d)

    @_write(ReasonInputSerializer, "training.withdraw_enrolment", "Withdraw from the programme")
    def withdraw(self, request, e, d):
        return services.withdraw(enrolment=e, by=request.user, **d)


@extend_schema(tags=["early career"], responses=EvidenceSerializer(many=True))
class EvidenceListView(GenericAPIView):
    """The evidence on one record (text and the files' details), for those who may see the record."""

    serializer_class = EvidenceSerializer
    queryset = Enrolment.objects.none()
    pagination_class = None

    def get(self, request, pk):
        enrolment = _visible_enrolment(request, pk)
        items = enrolment.evidence.order_by("-occurred_on", "-id")
        return Response(EvidenceSerializer(items, many=True).data)


@extend_schema(
    tags=["early career"],
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    summary="Download an evidence file",
)
class EvidenceFileView(GenericAPIView):
    """The file itself, as it was uploaded; a 404 for anyone who may not see the record."""

    queryset = Enrolment.objects.none()
    serializer_class = None

    def get(self, request, pk):
        item = Evidence.objects.select_related("enrolment").filter(pk=pk).first()
        if item is None or not item.file or not request.user.has_perm("training.view_enrolment", item.enrolment):
            raise Http404
        response = evidence_files.download(item)
        response["Cache-Control"] = "no-store"
        return response


def _visible_enrolment(request, pk) -> Enrolment:
    enrolment = Enrolment.objects.filter(pk=pk).first()
    if enrolment is None or not request.user.has_perm("training.view_enrolment", enrolment):
        raise Http404
    return enrolment


@extend_schema(tags=["early career"])
class FundingClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FundingClaimSerializer
    queryset = FundingClaim.objects.none()

    def get_queryset(self):
        return selectors.funding_claims(self.request.user).prefetch_related("lines__enrolment")

    @extend_schema(request=ClaimInputSerializer, responses={201: FundingClaimSerializer}, summary="Make a claim")
    def create(self, request):
        if not request.user.has_perm("training.add_fundingclaim"):
            raise PermissionDenied
        data = ClaimInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        employer = Organisation.objects.filter(pk=d["employer"]).first()
        if employer is None:
            raise ValidationError({"employer": "No such organisation."})
        claim = _service(
            lambda: funding.create_claim(
                employer=employer, by=request.user, period_start=d["period_start"], period_end=d["period_end"]
            )
        )
        return Response(FundingClaimSerializer(selectors.claim_detail(claim.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["early career"],
    parameters=[OpenApiParameter("year", int, description="Start year"), OpenApiParameter("programme", str)],
    responses=NationalFiguresSerializer,
)
class NationalFiguresView(GenericAPIView):
    """Counts by employer, region and start year; completion rate. Regulator staff."""

    serializer_class = NationalFiguresSerializer
    queryset = Enrolment.objects.none()

    def get(self, request):
        if not request.user.has_perm("training.view_national_figures"):
            raise PermissionDenied
        year = request.query_params.get("year")
        if year and not (year.isdigit() and 2000 <= int(year) <= 2100):
            raise ValidationError({"year": "Enter a year from 2000 to 2100, for example 2027."})
        code = request.query_params.get("programme")
        programme = Programme.objects.filter(code=code).first() if code else None
        figures = selectors.national_figures(
            year=int(year) if year else None, programme_id=programme.pk if programme else None
        )
        return Response(NationalFiguresSerializer(figures).data)


@extend_schema(tags=["early career"], responses=JourneyStepSerializer(many=True))
class JourneyView(GenericAPIView):
    """The signed-in person's journey: registration, early career, accreditation levels, expert practitioner."""

    serializer_class = JourneyStepSerializer
    queryset = Enrolment.objects.none()
    pagination_class = None  # a handful of steps: the schema says a plain list, as the view answers

    def get(self, request):
        return Response(JourneyStepSerializer(journey.journey_for(request.user), many=True).data)
