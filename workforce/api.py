"""Workforce API: the same report as `manage.py workforce_report`, each lead's own report, and returns."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import API_PERMISSIONS

from . import selectors
from .calculations import COUNTS, RATES, display, display_count, rates_for
from .models import ReportingUnit, WorkforceReturn
from .reports import record


class WorkforceReturnSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    counts = serializers.SerializerMethodField()
    rates = serializers.SerializerMethodField()

    class Meta:
        model = WorkforceReturn
        fields = ["id", "unit_code", "unit_name", "year", "status", "version", "submitted_at", "counts", "rates"]

    def get_counts(self, obj) -> dict[str, str]:
        return {name: display_count(value) for name, value in obj.counts().items()}

    def get_rates(self, obj) -> dict[str, str]:
        return {name: display(value) for name, value in rates_for(obj.counts(), obj.year).items()}


@extend_schema(tags=["workforce"])
class WorkforceReturnViewSet(viewsets.ReadOnlyModelViewSet):
    """Returns the caller may see: a workforce lead their own authority's, regulator staff every one."""

    queryset = WorkforceReturn.objects.none()
    serializer_class = WorkforceReturnSerializer
    permission_classes = API_PERMISSIONS
    filterset_fields = ["year", "status"]

    def get_queryset(self):
        user = self.request.user
        if user.has_perm("workforce.view_all_authorities"):
            return WorkforceReturn.objects.select_related("unit").order_by("-year", "unit__name")
        if user.has_perm("workforce.send_return"):
            return selectors.returns_for(user)
        return WorkforceReturn.objects.none()


ROW = inline_serializer(
    many=True,
    name="WorkforceReportRow",
    fields={
        name: serializers.CharField()
        for name in [
            "time_period",
            "geographic_level",
            "region_name",
            "old_la_code",
            "new_la_code",
            "la_name",
            *COUNTS,
            *RATES,
        ]
    },
)


@extend_schema(
    tags=["workforce"],
    parameters=[
        OpenApiParameter("year", OpenApiTypes.INT, required=True),
        OpenApiParameter("level", OpenApiTypes.STR, enum=["la", "region", "national"]),
    ],
    responses=ROW,
)
class NationalReportView(APIView):
    """Every authority (or region, or England) in a year from submitted returns; rates to 1 dp or a symbol.
    Regulator staff only: others see other councils' figures only through the published statistics."""

    permission_classes = API_PERMISSIONS

    def get(self, request):
        if not request.user.has_perm("workforce.view_all_authorities"):
            self.permission_denied(request, message="Only regulator staff can see every authority's returns.")
        year, level = request.query_params.get("year", ""), request.query_params.get("level", "la")
        if not year.isdigit() or level not in selectors.LEVELS:
            raise ValidationError({"year": "Give ?year=YYYY", "level": "la, region or national"})
        return Response([record(row) for row in selectors.report_rows(int(year), level)])


@extend_schema(tags=["workforce"], responses=OpenApiTypes.OBJECT)
class UnitReportView(APIView):
    """One reporting unit's rates by year beside its region, statistical neighbours and England."""

    permission_classes = API_PERMISSIONS

    def get(self, request, code):
        unit = get_object_or_404(ReportingUnit.objects.prefetch_related("organisations"), code=code.replace("-", " / "))
        self.check_object_permissions(request, unit)
        report = selectors.unit_report(unit)
        return Response(
            {
                "unit": {"code": unit.code, "name": unit.name, "region": unit.region.name if unit.region else ""},
                "years": report.years,
                "own": {
                    str(y): {"source": row.source, "rates": {n: display(row.rates.get(n)) for n in RATES}}
                    for y, row in sorted(report.own.items())
                },
                "comparisons": [
                    {
                        "label": c.label,
                        "source": c.source,
                        "by_year": {
                            str(y): {n: display(v.get(n)) for n in RATES} for y, v in sorted(c.by_year.items())
                        },
                    }
                    for c in report.comparisons
                ],
                "ranks": {n: (list(r) if r else None) for n, r in report.ranks.items()},
            }
        )
