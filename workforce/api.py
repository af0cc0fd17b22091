"""Workforce API: the same report as `manage.py workforce_report`, each lead's own report, and returns."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import API_PERMISSIONS

from . import selectors
from .calculations import COUNTS, RATES, display, display_count, rates_for
from .models import ReportingUnit, WorkforceReturn
from .reports import record
from .statistics import MEASURES, tidy_records


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


FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_year(text: str, *, required: bool = True) -> int | None:
    """A reporting year as four digits; anything else is a 400 saying so, never a 500 from a date overflow."""
    text = (text or "").strip()
    if not text and not required:
        return None
    if not (text.isdigit() and len(text) == 4 and FIRST_YEAR <= int(text) <= LAST_YEAR):
        raise ValidationError({"year": f"Give the reporting year as four digits between {FIRST_YEAR} and {LAST_YEAR}."})
    return int(text)


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
            "source",
            "councils_included",
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
        year = parse_year(request.query_params.get("year", ""))
        level = request.query_params.get("level", "la")
        if level not in selectors.LEVELS:
            raise ValidationError({"level": "Give ?level=la, region or national."})
        return Response([record(row) for row in selectors.report_rows(year, level)])


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
                    str(y): {
                        "source": row.source,
                        "source_label": row.source_label,
                        "rates": {n: display(row.rates.get(n)) for n in RATES},
                    }
                    for y, row in sorted(report.own.items())
                },
                "comparisons": [
                    {
                        "label": c.label,
                        "source": c.source,
                        "notes": {str(y): note for y, note in sorted(c.notes.items())},
                        "by_year": {
                            str(y): {n: display(v.get(n)) for n in RATES} for y, v in sorted(c.by_year.items())
                        },
                    }
                    for c in report.comparisons
                ],
                "missing_years": report.missing_years,
                "rankings": [
                    {
                        "label": r.label,
                        "note": r.note,
                        "ranks": {n: (list(v) if v else None) for n, v in r.by_rate.items()},
                    }
                    for r in report.rankings
                ],
            }
        )


class PublishedPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000


class PublishedFigureSerializer(serializers.Serializer):
    """One published figure: a number as the Department wrote it, or its symbol."""

    time_period = serializers.IntegerField()
    geographic_level = serializers.CharField()
    area_code = serializers.CharField(help_text="ONS code")
    area_name = serializers.CharField()
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    old_la_code = serializers.CharField(help_text="Old three-digit LA number(s), for an authority")
    new_la_code = serializers.CharField()
    measure = serializers.CharField()
    measure_name = serializers.CharField()
    measure_kind = serializers.ChoiceField(choices=["count", "rate"])
    value = serializers.CharField(help_text="The figure, or a symbol: z x c low u")


@extend_schema(
    tags=["workforce"],
    parameters=[
        OpenApiParameter("year", OpenApiTypes.INT, description="Reporting year, e.g. 2024"),
        OpenApiParameter("area", OpenApiTypes.STR, description="ONS code, old LA number, or part of a name"),
        OpenApiParameter("measure", OpenApiTypes.STR, enum=list(MEASURES)),
        OpenApiParameter("level", OpenApiTypes.STR, enum=["national", "regional", "local_authority"]),
        OpenApiParameter("page_size", OpenApiTypes.INT, description="Rows a page (up to 1000)"),
    ],
    auth=[],
)
class PublishedStatisticsView(generics.ListAPIView):
    """Every figure the Department for Education published (Open Government Licence v3.0): one row per area,
    year and measure, symbols kept. No sign-in needed."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    pagination_class = PublishedPagination
    serializer_class = PublishedFigureSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        measure, level = params.get("measure", ""), params.get("level", "")
        if measure and measure not in MEASURES:
            raise ValidationError({"measure": f"Give one of {', '.join(MEASURES)}."})
        if level and level not in ("national", "regional", "local_authority"):
            raise ValidationError({"level": "Give national, regional or local_authority."})
        return tidy_records(
            year=parse_year(params.get("year", ""), required=False),
            area=params.get("area", "")[:100],
            measure=measure,
            level=level,
        )
