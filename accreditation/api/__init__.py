"""The pathway's API: every function of the pages, under the same rules (django-rules via API_PERMISSIONS)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import API_PERMISSIONS
from accounts.models import Organisation, User
from accounts.services import ServiceError

from .. import selectors, services
from ..models import Attempt, AttemptItem, Candidate, Item, Level, LevelSettings, Scenario
from ..serializers import (
    AccreditationReasonSerializer,
    AdjustmentSerializer,
    AnswerSerializer,
    AttemptSerializer,
    CandidateSerializer,
    ItemRevisionSerializer,
    ItemSerializer,
    ItemWriteSerializer,
    MappingSerializer,
    NominateSerializer,
    PathwayLevelSerializer,
    PipelineSerializer,
    RequestSerializer,
    ReviewSerializer,
    SavedAnswerSerializer,
    SettingsChangeSerializer,
    SettingsSerializer,
    StandardRevisionSerializer,
    StandardSerializer,
    StatisticsSerializer,
)

TAGS = ["accreditation"]


def _service(call):
    try:
        return call()
    except ServiceError as exc:
        raise ValidationError({"detail": str(exc)}) from exc


def _require(request, perm, obj=None):
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _options(data) -> list[tuple[str, bool]]:
    return [(o["text"], o["correct"]) for o in data]


class HasPerm(permissions.BasePermission):
    """The view's ``required_perm`` (a django-rules permission without an object) must pass."""

    def has_permission(self, request, view):
        return request.user.has_perm(view.required_perm)


@extend_schema(tags=TAGS, responses=StandardSerializer(many=True))
class StandardsView(APIView):
    """The current version of each level's statement, with its domains."""

    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.view_standards"

    def get(self, request):
        return Response(StandardSerializer(selectors.current_standards(), many=True).data)


@extend_schema(tags=TAGS, request=StandardRevisionSerializer, responses=StandardSerializer)
class StandardReviseView(APIView):
    """Publish a new version of a level's statement (regulator staff)."""

    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.manage_standards"

    def post(self, request, level):
        if level not in Level.values:
            raise ValidationError({"level": "Not a level."})
        data = StandardRevisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        standard = _service(
            lambda: services.revise_standard(
                level=level,
                domains=data.validated_data["domains"],
                by=request.user,
                reason=data.validated_data["reason"],
            )
        )
        return Response(StandardSerializer(standard).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class SettingsView(generics.GenericAPIView):
    """The knowledge assessment's settings per level; regulator staff change them with a reason."""

    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.view_standards"
    serializer_class = SettingsSerializer
    queryset = LevelSettings.objects.none()
    pagination_class = None  # three rows, one per level: the schema says a plain list, as the view answers

    @extend_schema(responses=SettingsSerializer(many=True))
    def get(self, request):
        return Response(SettingsSerializer(LevelSettings.objects.order_by("level"), many=True).data)


@extend_schema(tags=TAGS, request=SettingsChangeSerializer, responses=SettingsSerializer)
class SettingsChangeView(APIView):
    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.manage_standards"

    def post(self, request, level):
        get_object_or_404(LevelSettings, level=level)
        data = SettingsChangeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reason = values.pop("reason", "")
        settings = _service(lambda: services.update_settings(level=level, by=request.user, reason=reason, **values))
        return Response(SettingsSerializer(settings).data)


@extend_schema(tags=TAGS, responses=PathwayLevelSerializer(many=True))
class PathwayView(APIView):
    """The caller's own pathway: each level's four stages, what is next, attempts."""

    permission_classes = API_PERMISSIONS

    def get(self, request):
        return Response(PathwayLevelSerializer(selectors.pathway_for(request.user), many=True).data)


def _visible_candidates(user):
    qs = selectors._candidate_qs()
    if user.has_perm("accreditation.view_pipeline"):
        return qs
    orgs = [m.organisation_id for m in user.active_memberships if m.role == "line_manager"]
    from django.db.models import Q

    return qs.filter(Q(user=user) | Q(organisation_id__in=orgs))


@extend_schema(tags=TAGS)
class CandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Candidates the caller may see: themself, their organisation's nominees, or (regulator staff) everyone."""

    queryset = Candidate.objects.none()
    serializer_class = CandidateSerializer
    permission_classes = API_PERMISSIONS
    filterset_fields = ["level", "stage", "status"]
    object_permissions = {"GET": "accreditation.view_candidate"}

    def get_queryset(self):
        return _visible_candidates(self.request.user).order_by("-started_at", "-id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.with_standing(page)
        return self.get_paginated_response(CandidateSerializer(page, many=True).data)

    def _one(self, perm):
        candidate = get_object_or_404(selectors._candidate_qs(), pk=self.kwargs["pk"])
        _require(self.request, perm, candidate)
        return candidate

    def retrieve(self, request, *args, **kwargs):
        candidate = self._one("accreditation.view_candidate")
        selectors.with_standing([candidate])
        return Response(CandidateSerializer(candidate).data)

    def _fresh(self, candidate, code=status.HTTP_200_OK):
        candidate = selectors.candidate_detail(candidate.pk)
        selectors.with_standing([candidate])
        return Response(CandidateSerializer(candidate).data, status=code)

    @extend_schema(request=NominateSerializer, responses={201: CandidateSerializer})
    @action(detail=False, methods=["post"])
    def nominate(self, request):
        """A line manager nominates a social worker the register shows working for their organisation."""
        _require(request, "accreditation.nominate")
        data = NominateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user = get_object_or_404(User, pk=v["user"])
        organisation = get_object_or_404(Organisation, pk=v["organisation"])
        candidate = _service(
            lambda: services.nominate(
                manager=request.user, user=user, level=v["level"], organisation=organisation, reason=v["reason"]
            )
        )
        return self._fresh(candidate, status.HTTP_201_CREATED)

    @extend_schema(request=RequestSerializer, responses={201: CandidateSerializer})
    @action(detail=False, methods=["post"], url_path="request")
    def request_endorsement(self, request):
        """A social worker asks their employer's line managers to endorse them."""
        _require(request, "accreditation.request_endorsement")
        data = RequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        organisation = get_object_or_404(Organisation, pk=v["organisation"])
        candidate = _service(
            lambda: services.request_endorsement(
                user=request.user, level=v["level"], organisation=organisation, reason=v["reason"]
            )
        )
        return self._fresh(candidate, status.HTTP_201_CREATED)

    @extend_schema(request=MappingSerializer, responses=CandidateSerializer)
    @action(detail=True, methods=["post"])
    def mapping(self, request, pk=None):
        """Save statements mapping practice against domains (by domain key)."""
        candidate = self._one("accreditation.map_practice")
        data = MappingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _service(
            lambda: services.save_mapping(
                candidate=candidate, by=request.user, statements=data.validated_data["statements"]
            )
        )
        return self._fresh(candidate)

    @extend_schema(request=AccreditationReasonSerializer, responses=CandidateSerializer)
    @action(detail=True, methods=["post"])
    def endorse(self, request, pk=None):
        candidate = self._one("accreditation.decide_endorsement")
        data = AccreditationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _service(lambda: services.endorse(candidate=candidate, by=request.user, reason=data.validated_data["reason"]))
        return self._fresh(candidate)

    @extend_schema(request=AccreditationReasonSerializer, responses=CandidateSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        candidate = self._one("accreditation.decide_endorsement")
        data = AccreditationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _service(lambda: services.decline(candidate=candidate, by=request.user, reason=data.validated_data["reason"]))
        return self._fresh(candidate)

    @extend_schema(request=AccreditationReasonSerializer, responses=CandidateSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        candidate = self._one("accreditation.withdraw")
        data = AccreditationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _service(lambda: services.withdraw(candidate=candidate, by=request.user, reason=data.validated_data["reason"]))
        return self._fresh(candidate)

    @extend_schema(request=AdjustmentSerializer, responses=CandidateSerializer)
    @action(detail=True, methods=["post"])
    def adjustment(self, request, pk=None):
        """Reasonable adjustment: extra time (regulator staff)."""
        candidate = self._one("accreditation.set_adjustment")
        data = AdjustmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _service(lambda: services.set_adjustment(candidate=candidate, by=request.user, **data.validated_data))
        return self._fresh(candidate)

    @extend_schema(request=None, responses={201: AttemptSerializer})
    @action(detail=True, methods=["post"])
    def tests(self, request, pk=None):
        """Start the knowledge assessment (or get the one already open)."""
        candidate = self._one("accreditation.take_test")
        attempt = _service(lambda: services.start_attempt(candidate=candidate, by=request.user))
        return Response(AttemptSerializer(_attempt_qs().get(pk=attempt.pk)).data, status=status.HTTP_201_CREATED)


def _attempt_qs():
    return Attempt.objects.select_related("candidate", "scenario").prefetch_related(
        Prefetch("items", queryset=AttemptItem.objects.select_related("item").prefetch_related("item__options"))
    )


@extend_schema(tags=TAGS)
class AttemptViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A knowledge assessment: questions (never the key), saved answers, time left, and after marking the result."""

    queryset = Attempt.objects.none()
    serializer_class = AttemptSerializer
    permission_classes = API_PERMISSIONS

    def _one(self, perm) -> Attempt:
        attempt = get_object_or_404(Attempt.objects.select_related("candidate"), pk=self.kwargs["pk"])
        _require(self.request, perm, attempt)
        return attempt

    def retrieve(self, request, *args, **kwargs):
        attempt = self._one("accreditation.view_attempt")
        if attempt.status == Attempt.Status.IN_PROGRESS and attempt.seconds_left() == 0:
            services.mark_attempt(attempt=attempt)
        return Response(AttemptSerializer(_attempt_qs().get(pk=attempt.pk)).data)

    @extend_schema(request=AnswerSerializer, responses=SavedAnswerSerializer)
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        """Save the answer to one question (replacing any earlier answer). Refused after the deadline."""
        attempt = self._one("accreditation.take_test")
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = _service(
            lambda: services.save_answer(
                attempt=attempt,
                position=data.validated_data["position"],
                option_ids=data.validated_data["options"],
                by=request.user,
            )
        )
        return Response(
            {
                "position": row.position,
                "selected": row.selected,
                "answered_at": row.answered_at,
                "seconds_left": attempt.seconds_left(),
            }
        )

    @extend_schema(request=None, responses=AttemptSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit for marking. Submitting again returns the same result."""
        attempt = self._one("accreditation.take_test")
        _service(lambda: services.submit_attempt(attempt=attempt, by=request.user))
        return Response(AttemptSerializer(_attempt_qs().get(pk=attempt.pk)).data)


@extend_schema(tags=TAGS)
class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The question bank (regulator staff): write, revise, send for review, review, retire."""

    queryset = Item.objects.none()
    serializer_class = ItemSerializer
    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.manage_bank"
    object_permissions = {"GET": "accreditation.manage_bank", "POST": "accreditation.manage_bank"}
    filterset_fields = ["level", "status", "domain_key", "kind"]

    def get_queryset(self):
        return Item.objects.prefetch_related("options").order_by("level", "domain_key", "id")

    @extend_schema(request=ItemWriteSerializer, responses={201: ItemSerializer})
    def create(self, request):
        data = ItemWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        scenario = get_object_or_404(Scenario, pk=v.pop("scenario")) if v.get("scenario") else None
        v.pop("scenario", None)
        item = _service(
            lambda: services.create_item(by=request.user, scenario=scenario, **{**v, "options": _options(v["options"])})
        )
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ItemRevisionSerializer, responses=ItemSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        item = self.get_object()
        data = ItemRevisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        new = _service(
            lambda: services.revise_item(
                item=item, by=request.user, stem=v["stem"], rationale=v["rationale"], options=_options(v["options"])
            )
        )
        return Response(ItemSerializer(new).data)

    @extend_schema(request=None, responses=ItemSerializer)
    @action(detail=True, methods=["post"], url_path="send-for-review")
    def send_for_review(self, request, pk=None):
        item = _service(lambda: services.submit_for_review(item=self.get_object(), by=request.user))
        return Response(ItemSerializer(item).data)

    @extend_schema(request=ReviewSerializer, responses=ItemSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = _service(lambda: services.review_item(item=self.get_object(), by=request.user, **data.validated_data))
        return Response(ItemSerializer(item).data)

    @extend_schema(request=AccreditationReasonSerializer, responses=ItemSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        data = AccreditationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = _service(
            lambda: services.retire_item(item=self.get_object(), by=request.user, reason=data.validated_data["reason"])
        )
        return Response(ItemSerializer(item).data)


@extend_schema(tags=TAGS, responses=PipelineSerializer)
class PipelineView(APIView):
    """Candidates per stage and level, and pass rates (regulator staff)."""

    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.view_pipeline"

    def get(self, request):
        return Response(PipelineSerializer(selectors.pipeline()).data)


@extend_schema(
    tags=TAGS,
    parameters=[
        OpenApiParameter("level", str, enum=Level.values, required=False),
        OpenApiParameter("page", int, required=False, description="The page of forms"),
    ],
    responses=StatisticsSerializer,
)
class StatisticsView(APIView):
    """Facility and discrimination per item, and one page of forms (``?page=``) with the mean facility of the items
    each drew (regulator staff)."""

    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.view_statistics"

    def get(self, request):
        level = request.query_params.get("level", "")
        if level and level not in Level.values:
            raise ValidationError({"level": "Not a level."})
        stats = selectors.item_statistics(level=level)
        pager = PageNumberPagination()
        page = pager.paginate_queryset(selectors.marked_forms(level=level), request, view=self)
        forms = pager.get_paginated_response(selectors.forms_with_facility(page, stats["facility"])).data
        return Response(StatisticsSerializer({"items": stats["items"], "forms": forms}).data)
