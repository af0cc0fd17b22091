"""Workforce returns and statistics: they change through the service (versions, audit); the admin only shows them."""

from django.contrib import admin

from accounts.admin import ReadOnlyAdmin, admin_site

from .models import PublishedStatistic, ReportingUnit, ReturnVersion, StatisticalNeighbour, WorkforceReturn


@admin.register(ReportingUnit, site=admin_site)
class ReportingUnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "region"]
    search_fields = ["code", "name"]


@admin.register(WorkforceReturn, site=admin_site)
class WorkforceReturnAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "status", "version", "source", "submitted_at"]
    list_filter = ["status", "year", "source"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit"]


@admin.register(ReturnVersion, site=admin_site)
class ReturnVersionAdmin(ReadOnlyAdmin):
    list_display = ["workforce_return", "number", "status", "saved_at", "saved_by"]
    list_select_related = ["workforce_return__unit", "saved_by"]


@admin.register(PublishedStatistic, site=admin_site)
class PublishedStatisticAdmin(ReadOnlyAdmin):
    list_display = ["area_name", "year", "level"]
    list_filter = ["level", "year"]
    search_fields = ["area_name", "area_code"]


@admin.register(StatisticalNeighbour, site=admin_site)
class StatisticalNeighbourAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "rank", "neighbour", "closeness"]
    list_select_related = ["organisation", "neighbour"]
