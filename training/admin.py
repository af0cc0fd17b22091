"""Regulator staff read early-career records in the admin; programmes (data, not code) can be added there."""

from accounts.admin import NoDeleteAdmin, admin_site

from .models import Enrolment, FundingClaim, Programme


@admin_site.register(Programme)
class ProgrammeAdmin(NoDeleteAdmin):
    list_display = ["name", "code", "length_months", "available_from", "is_active"]


@admin_site.register(Enrolment)
class EnrolmentAdmin(NoDeleteAdmin):
    list_display = ["participant_name", "programme", "employer", "start_date", "end_date", "status"]
    list_filter = ["programme", "status"]
    search_fields = ["participant_name", "registration_number"]

    def has_change_permission(self, request, obj=None):
        return False


@admin_site.register(FundingClaim)
class FundingClaimAdmin(NoDeleteAdmin):
    list_display = ["pk", "employer", "period_start", "period_end", "total"]

    def has_change_permission(self, request, obj=None):
        return False
