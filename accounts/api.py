from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, viewsets
from rest_framework.routers import DefaultRouter, SimpleRouter

from . import selectors
from .middleware import requires_mfa_setup
from .models import Job, Organisation
from .serializers import JobSerializer, MeSerializer, OrganisationSerializer


class _NumericIds:
    """A record is named by its numeric id, so ``/candidates/abc/`` is a 404 from the URL resolver and never
    reaches a lookup that would fail on it (a 500). A viewset named by something else sets ``lookup_value_regex``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = "[0-9]+"


class IdRouter(_NumericIds, SimpleRouter):
    """Every app's API router."""


class IdRootRouter(_NumericIds, DefaultRouter):
    """The API's root router (with the index page)."""


class HasMultiFactorWhereRequired(permissions.BasePermission):
    """API callers in roles that need MFA must have set it up, as on the web pages."""

    message = "Set up two-factor authentication before using the API."

    def has_permission(self, request, view):
        return not requires_mfa_setup(request.user)


class RulesObjectPermission(permissions.BasePermission):
    """Each object an API call touches is checked against the same django-rules permission as the pages.

    Reads need ``<app>.view_<model>``; writes need ``<app>.change_<model>``, unless the view names
    others in ``object_permissions = {"GET": "...", "POST": "..."}``.
    """

    def has_object_permission(self, request, view, obj):
        names = getattr(view, "object_permissions", {})
        meta = obj._meta
        default = (
            f"{meta.app_label}.view_{meta.model_name}"
            if request.method in permissions.SAFE_METHODS
            else (f"{meta.app_label}.change_{meta.model_name}")
        )
        return request.user.has_perm(names.get(request.method, default), obj)


API_PERMISSIONS = [permissions.IsAuthenticated, HasMultiFactorWhereRequired, RulesObjectPermission]


class MeView(generics.RetrieveAPIView):
    serializer_class = MeSerializer
    permission_classes = [permissions.IsAuthenticated, HasMultiFactorWhereRequired]

    def get_object(self):
        return self.request.user


class OrganisationFilter(filters.FilterSet):
    class Meta:
        model = Organisation
        fields = ["kind", "la_number", "is_active"]


@extend_schema(tags=["organisations"])
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations the caller belongs to; regulator staff see all of them."""

    queryset = Organisation.objects.none()  # for the schema; requests use get_queryset
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    permission_classes = API_PERMISSIONS

    def get_queryset(self):
        return selectors.organisations_visible_to(self.request.user)


@extend_schema(tags=["jobs"])
class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Background work the caller started, with its progress."""

    queryset = Job.objects.none()  # for the schema; requests use get_queryset
    serializer_class = JobSerializer
    permission_classes = API_PERMISSIONS
    lookup_value_regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # a job is named by its UUID

    def get_queryset(self):
        return selectors.jobs_for(self.request.user)
