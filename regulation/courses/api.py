"""The public list of approved and formerly approved courses, as JSON. Same selector as the page."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny

from . import selectors
from .serializers import PublicCourseSerializer

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
