"""The public list of approved and formerly approved courses, as JSON. Same selector as the page."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.api import API_PERMISSIONS
from accounts.services import ServiceError

from . import selectors, services
from .models import CourseApplication
from .serializers import (
    CourseApplicationStatusSerializer,
    InspectionExemptionInputSerializer,
    InspectionExemptionSerializer,
    MatchCourseSerializer,
    PublicCourseSerializer,
    UnmatchedApplicationSerializer,
    WithdrawApplicationSerializer,
)

FILTERS = ["q", "level", "mode", "status", "region"]


@extend_schema(
    tags=["courses"],
    parameters=[
        OpenApiParameter(name, OpenApiTypes.STR, description=text)
        for name, text in [
            ("q", "Words in the provider's name, the course title, award or site."),
            ("level", "undergraduate, postgraduate, apprenticeship or fast_track."),
            ("mode", "full_time or part_time."),
            ("status", "approved (now) or formerly_approved; both when empty."),
            ("region", "ONS region code, for example E12000003."),
        ]
    ],
)
class PublicCourseList(generics.ListAPIView):
    """Approved and formerly approved qualifying courses: the list the regulator must publish."""

    serializer_class = PublicCourseSerializer
    permission_classes = [AllowAny]
    filter_backends: list = []

    def get_queryset(self):
        params = {name: self.request.query_params.get(name, "").strip() for name in FILTERS}
        return selectors.public_courses(**params)


def _service(call):
    try:
        return call()
    except ServiceError as exc:
        raise ValidationError({"detail": str(exc)}) from exc


class CanReviewCourses(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("regulation.review_courses")


class CanViewFigures(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("regulation.view_course_figures")


@extend_schema(tags=["courses"], request=WithdrawApplicationSerializer, responses=CourseApplicationStatusSerializer)
class WithdrawApplication(generics.GenericAPIView):
    """The provider withdraws its own application before a decision, with a reason. Same service as the page."""

    permission_classes = API_PERMISSIONS
    object_permissions = {"POST": "regulation.change_courseapplication"}
    serializer_class = WithdrawApplicationSerializer

    def get_queryset(self):
        return CourseApplication.objects.select_related("course__provider")

    def post(self, request, pk):
        application = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = _service(
            lambda: services.withdraw_application(
                application=application, by=request.user, reason=serializer.validated_data["reason"]
            )
        )
        return Response(CourseApplicationStatusSerializer(application).data)


@extend_schema(
    tags=["courses"], request=InspectionExemptionInputSerializer, responses={201: InspectionExemptionSerializer}
)
class ExemptFromInspection(generics.GenericAPIView):
    """Record, with the reason, that an application need not be inspected. Approval then needs another member of
    staff to decide: the one who exempts cannot also approve. Same service as the page."""

    permission_classes = [*API_PERMISSIONS, CanReviewCourses]
    object_permissions = {"POST": "regulation.decide_courseapplication"}
    serializer_class = InspectionExemptionInputSerializer

    def get_queryset(self):
        return CourseApplication.objects.select_related("course__provider")

    def post(self, request, pk):
        application = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        exemption = _service(
            lambda: services.exempt_from_inspection(
                application=application, by=request.user, reason=serializer.validated_data["reason"]
            )
        )
        return Response(InspectionExemptionSerializer(exemption).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["courses"])
class UnmatchedRegisterApplications(generics.ListAPIView):
    """Register applications whose course was "not listed" and is not yet matched, oldest first."""

    permission_classes = [*API_PERMISSIONS, CanReviewCourses]
    serializer_class = UnmatchedApplicationSerializer

    def get_queryset(self):
        return selectors.unmatched_register_applications()


@extend_schema(tags=["courses"], request=MatchCourseSerializer, responses=UnmatchedApplicationSerializer)
class MatchRegisterCourse(generics.GenericAPIView):
    """Regulator staff match a "not listed" register application to a course on the list, with a reason."""

    permission_classes = [*API_PERMISSIONS, CanReviewCourses]
    object_permissions = {"POST": "regulation.review_courses"}
    serializer_class = MatchCourseSerializer

    def get_queryset(self):
        return selectors.unmatched_register_applications()

    def post(self, request, pk):
        application = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = _service(
            lambda: services.match_register_course(
                application=application, by=request.user, course=data["course"], reason=data["reason"]
            )
        )
        return Response(UnmatchedApplicationSerializer(application).data)


@extend_schema(tags=["courses"], responses=OpenApiTypes.OBJECT)
class CourseFigures(generics.GenericAPIView):
    """The course figures page as JSON: approved courses over time by level, mode, provider and region; outcomes;
    median days to decision; places by region."""

    permission_classes = [*API_PERMISSIONS, CanViewFigures]

    def get(self, request):
        data = selectors.figures()
        return Response(
            {
                "dates": [d.isoformat() for d in data["dates"]],
                "approved_courses": data["tables"],
                "outcomes": [{"outcome": label, "applications": count} for label, count in data["outcomes"]],
                "open_applications": data["open_applications"],
                "median_days_to_decision": data["median_days"],
                "decided": data["decided_count"],
                "places_by_region": [{"region": region, "places": places} for region, places in data["places"]],
            }
        )
