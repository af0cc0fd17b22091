"""The register's API: the public search as JSON, and authenticated endpoints for each function of the pages."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from accounts.api import API_PERMISSIONS
from accounts.pagination import IdsFirstPagination
from accounts.services import ServiceError

from . import selectors, services
from .forms import BulkLookupForm, PublicSearchForm
from .models import (
    Annotation,
    Application,
    Condition,
    Employment,
    EntryStatus,
    FitnessToPractiseCase,
    Order,
    RegisterEntry,
)
from .rules import employer_org_ids
from .serializers import (
    AnnotationSerializer,
    ApplicantResponseSerializer,
    ApplicationSerializer,
    BulkLookupSerializer,
    CaseSerializer,
    ConditionSerializer,
    CPDRecordSerializer,
    DecisionSerializer,
    DirectWorkSerializer,
    EmploymentSerializer,
    EndAnnotationSerializer,
    EndEmploymentSerializer,
    InterimOrderSerializer,
    OrderSerializer,
    OutcomeSerializer,
    PublicEntrySerializer,
    ReasonSerializer,
    RegisterEntrySerializer,
    StageSerializer,
)
from .views import more_than_shown, public_row, searched_for

PUBLIC_THROTTLES = [AnonRateThrottle, UserRateThrottle]


def _service(call):
    try:
        return call()
    except ServiceError as exc:
        raise ValidationError({"detail": str(exc)}) from exc


def _form_errors(form) -> dict:
    return {field or "detail": [str(e) for e in errors] for field, errors in form.errors.items()}


class IsRegulatorStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("regulation.search_register")


@extend_schema(
    tags=["register (public)"],
    parameters=[OpenApiParameter("q", str, description="Name or registration number"), OpenApiParameter("town", str)],
    responses=PublicEntrySerializer(many=True),
)
class PublicSearchView(generics.GenericAPIView):
    """Check the register: the same public facts as the web page; no sign-in."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = PUBLIC_THROTTLES
    serializer_class = PublicEntrySerializer
    queryset = RegisterEntry.objects.none()

    def get(self, request):
        form = PublicSearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        results = selectors.public_search(query=form.cleaned_data["q"], town=form.cleaned_data["town"])
        page = self.paginate_queryset(results)
        response = self.get_paginated_response(PublicEntrySerializer([public_row(e) for e in page], many=True).data)
        searched = searched_for(form.cleaned_data["q"], form.cleaned_data["town"])
        if not response.data["count"]:
            response.data["message"] = f"No one on the register matches {searched}."
        elif message := more_than_shown(results, searched):
            response.data["message"] = message
        return response


@extend_schema(tags=["register (public)"], request=BulkLookupSerializer, responses=PublicEntrySerializer(many=True))
class PublicBulkLookupView(APIView):
    """Up to 100 registration numbers at once; any malformed number refuses the whole request."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = PUBLIC_THROTTLES

    def post(self, request):
        payload = BulkLookupSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        form = BulkLookupForm({"numbers": "\n".join(payload.validated_data["numbers"])})
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        rows = []
        for number, entry in selectors.bulk_lookup(form.cleaned_data["numbers"]):
            rows.append(
                {"registration_number": number, "found": entry is not None, **(public_row(entry) if entry else {})}
            )
        return Response({"results": rows})


def _visible_entries(user):
    # The conditions and orders in force today come with the page: each entry's status today without a query of
    # its own (108 queries for a page of 50 before).
    entries = RegisterEntry.objects.select_related("current_employer").prefetch_related(
        *selectors.public_prefetches(timezone.localdate())[:2], "status_changes__changed_by"
    )
    if user.has_perm("regulation.search_register"):
        return entries
    orgs = employer_org_ids(user)
    return entries.filter(
        Q(user=user) | Q(employments__employer_id__in=orgs, employments__ended_on__isnull=True)
    ).distinct()


class RegisterEntryFilter(django_filters.FilterSet):
    """``status`` is the status today (as the entries show it), not the one the nightly task last recorded."""

    status = django_filters.ChoiceFilter(choices=EntryStatus.choices, method="status_today")

    class Meta:
        model = RegisterEntry
        fields = ["status", "registration_number"]

    def status_today(self, queryset, name, value):
        return selectors.with_status_today(queryset, value)


@extend_schema(tags=["register"])
class RegisterEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """Entries the caller may see: their own, their staff's, or (regulator staff) all of them; in name order
    (surname, then full name), as the staff search lists them."""

    queryset = RegisterEntry.objects.none()
    serializer_class = RegisterEntrySerializer
    permission_classes = API_PERMISSIONS
    filterset_class = RegisterEntryFilter
    # The order of the surname search index, a page's ids found first: the whole register was sorted with its
    # joins to give 50 entries.
    pagination_class = IdsFirstPagination

    def get_queryset(self):
        return selectors.in_name_order(_visible_entries(self.request.user))


class _EntryScoped(generics.GenericAPIView):
    permission_classes = API_PERMISSIONS

    def entry(self) -> RegisterEntry:
        entry = get_object_or_404(RegisterEntry, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, entry)
        return entry


@extend_schema(tags=["register"])
class EntryCPDView(_EntryScoped):
    """A person's CPD records; they add their own."""

    serializer_class = CPDRecordSerializer
    object_permissions = {"GET": "regulation.view_cpdrecord", "POST": "regulation.add_cpdrecord"}

    def get(self, request, pk):
        return Response(CPDRecordSerializer(self.entry().cpd_records.all(), many=True).data)

    def post(self, request, pk):
        entry = self.entry()
        data = CPDRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = _service(lambda: services.record_cpd(entry=entry, by=request.user, **data.validated_data))
        return Response(CPDRecordSerializer(record).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["register"], request=None, responses=RegisterEntrySerializer)
class EntryRenewView(_EntryScoped):
    """Renew for the next registration year, if the window is open and CPD is complete."""

    serializer_class = RegisterEntrySerializer
    object_permissions = {"POST": "regulation.renew_registration"}

    def post(self, request, pk):
        entry = self.entry()
        _service(lambda: services.renew_registration(entry=entry, by=request.user))
        entry.refresh_from_db()
        return Response(RegisterEntrySerializer(entry).data)


@extend_schema(tags=["register"])
class EntryDirectWorkView(_EntryScoped):
    """Direct-work hours: the person logs them; their employer can read them."""

    serializer_class = DirectWorkSerializer
    object_permissions = {"GET": "regulation.view_directworklog", "POST": "regulation.add_directworklog"}

    def get(self, request, pk):
        entry = self.entry()
        return Response(
            {
                "total_this_year": str(selectors.direct_work_total(entry)),
                "logs": DirectWorkSerializer(entry.direct_work.all(), many=True).data,
            }
        )

    def post(self, request, pk):
        entry = self.entry()
        data = DirectWorkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        log = _service(lambda: services.log_direct_work(entry=entry, by=request.user, **data.validated_data))
        return Response(DirectWorkSerializer(log).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["register"])
class EntryEmploymentView(_EntryScoped):
    """Employment history; the person adds jobs, employers confirm or end them."""

    serializer_class = EmploymentSerializer
    object_permissions = {"GET": "regulation.view_registerentry", "POST": "regulation.add_employment"}

    def get(self, request, pk):
        return Response(EmploymentSerializer(self.entry().employments.all(), many=True).data)

    def post(self, request, pk):
        entry = self.entry()
        data = EmploymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = _service(lambda: services.add_employment(entry=entry, by=request.user, **data.validated_data))
        return Response(EmploymentSerializer(job).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["register"])
class EntryConditionView(_EntryScoped):
    serializer_class = ConditionSerializer
    object_permissions = {"POST": "regulation.add_condition"}

    def post(self, request, pk):
        entry = self.entry()
        data = ConditionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        condition = _service(lambda: services.add_condition(entry=entry, by=request.user, **data.validated_data))
        return Response(ConditionSerializer(condition).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["register"])
class EntryAnnotationView(_EntryScoped):
    serializer_class = AnnotationSerializer
    object_permissions = {"POST": "regulation.add_annotation"}

    def post(self, request, pk):
        entry = self.entry()
        data = AnnotationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        annotation = _service(lambda: services.add_annotation(entry=entry, by=request.user, **data.validated_data))
        return Response(AnnotationSerializer(annotation).data, status=status.HTTP_201_CREATED)


class _EmploymentAction(generics.GenericAPIView):
    permission_classes = API_PERMISSIONS
    serializer_class = EmploymentSerializer

    def employment(self) -> Employment:
        employment = get_object_or_404(Employment, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, employment)
        return employment


@extend_schema(tags=["register"], request=None)
class EmploymentConfirmView(_EmploymentAction):
    object_permissions = {"POST": "regulation.confirm_employment"}

    def post(self, request, pk):
        job = _service(lambda: services.confirm_employment(employment=self.employment(), by=request.user))
        return Response(EmploymentSerializer(job).data)


@extend_schema(tags=["register"], request=EndEmploymentSerializer)
class EmploymentEndView(_EmploymentAction):
    object_permissions = {"POST": "regulation.change_employment"}

    def post(self, request, pk):
        employment = self.employment()
        data = EndEmploymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = _service(lambda: services.end_employment(employment=employment, by=request.user, **data.validated_data))
        return Response(EmploymentSerializer(job).data)


@extend_schema(tags=["register"])
class ApplicationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Apply to register (any signed-in person); regulator staff see every application and decide."""

    queryset = Application.objects.none()
    serializer_class = ApplicationSerializer
    permission_classes = API_PERMISSIONS
    filterset_fields = ["status"]

    def get_queryset(self):
        applications = Application.objects.order_by("submitted_at", "id")
        if self.request.user.has_perm("regulation.review_applications"):
            return applications
        return applications.filter(applicant=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = _service(
            lambda: services.submit_application(applicant=self.request.user, **serializer.validated_data)
        )

    @extend_schema(request=ApplicantResponseSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """The applicant answers the regulator's request for more information."""
        self.object_permissions = {"POST": "regulation.respond_to_application"}
        application = self.get_object()
        data = ApplicantResponseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = _service(
            lambda: services.respond_to_request(application=application, by=request.user, **data.validated_data)
        )
        return Response(ApplicationSerializer(application).data)

    @extend_schema(request=DecisionSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        self.object_permissions = {"POST": "regulation.change_application"}
        application = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason, by = data.validated_data["reason"], request.user
        call = {
            "approve": lambda: services.approve_application(application=application, by=by, reason=reason),
            "refuse": lambda: services.refuse_application(application=application, by=by, reason=reason),
            "more_information": lambda: services.request_more_information(
                application=application, by=by, request=reason
            ),
        }[data.validated_data["decision"]]
        _service(call)
        application.refresh_from_db()
        return Response(ApplicationSerializer(application).data)


@extend_schema(tags=["fitness to practise"])
class CaseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Fitness-to-practise cases (regulator staff only): open, move stage, interim orders, final outcome."""

    queryset = FitnessToPractiseCase.objects.none()
    serializer_class = CaseSerializer
    permission_classes = [*API_PERMISSIONS, IsRegulatorStaff]
    object_permissions = {"POST": "regulation.change_fitnesstopractisecase"}
    filterset_fields = ["stage", "entry"]

    def get_queryset(self):
        return FitnessToPractiseCase.objects.prefetch_related("stages", "orders").order_by("received_on", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = _service(lambda: services.open_case(by=self.request.user, **data))

    def _act(self, request, serializer_class, call):
        case = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        _service(lambda: call(case, data.validated_data))
        return Response(CaseSerializer(selectors.case_detail(case.pk)).data)

    @extend_schema(request=StageSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def stage(self, request, pk=None):
        return self._act(request, StageSerializer, lambda c, d: services.move_case_stage(case=c, by=request.user, **d))

    @extend_schema(request=InterimOrderSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], url_path="interim-order")
    def interim_order(self, request, pk=None):
        return self._act(
            request, InterimOrderSerializer, lambda c, d: services.make_interim_order(case=c, by=request.user, **d)
        )

    @extend_schema(request=OutcomeSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        return self._act(request, OutcomeSerializer, lambda c, d: services.record_outcome(case=c, by=request.user, **d))


@extend_schema(tags=["fitness to practise"], request=ReasonSerializer, responses=OrderSerializer)
class OrderRevokeView(generics.GenericAPIView):
    permission_classes = API_PERMISSIONS
    serializer_class = OrderSerializer
    object_permissions = {"POST": "regulation.change_order"}

    def post(self, request, pk):
        order = get_object_or_404(Order, pk=pk)
        self.check_object_permissions(request, order)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = _service(lambda: services.revoke_order(order=order, by=request.user, **data.validated_data))
        return Response(OrderSerializer(order).data)


@extend_schema(tags=["register"], request=ReasonSerializer, responses=ConditionSerializer)
class ConditionRevokeView(generics.GenericAPIView):
    permission_classes = API_PERMISSIONS
    serializer_class = ConditionSerializer
    object_permissions = {"POST": "regulation.change_condition"}

    def post(self, request, pk):
        condition = get_object_or_404(Condition, pk=pk)
        self.check_object_permissions(request, condition)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        condition = _service(
            lambda: services.revoke_condition(condition=condition, by=request.user, **data.validated_data)
        )
        return Response(ConditionSerializer(condition).data)


@extend_schema(tags=["register"], request=EndAnnotationSerializer, responses=AnnotationSerializer)
class AnnotationEndView(generics.GenericAPIView):
    permission_classes = API_PERMISSIONS
    serializer_class = AnnotationSerializer
    object_permissions = {"POST": "regulation.change_annotation"}

    def post(self, request, pk):
        annotation = get_object_or_404(Annotation, pk=pk)
        self.check_object_permissions(request, annotation)
        data = EndAnnotationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        annotation = _service(
            lambda: services.end_annotation(annotation=annotation, by=request.user, **data.validated_data)
        )
        return Response(AnnotationSerializer(annotation).data)
