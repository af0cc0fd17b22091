"""Regulator staff read early-career records in the admin. Nothing is added or changed here: a programme's schedule
and milestones are stored in each enrolment's schedule and read by funding claims, so a change must go through a
service that checks it and works the schedules out again."""

from django.contrib import admin

from accounts.admin import ReadOnlyAdmin, admin_site

from .models import Enrolment, FundingClaim, Programme


@admin.register(Programme, site=admin_site)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "length_months", "available_from", "is_active"]


@admin.register(Enrolment, site=admin_site)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["participant_name", "programme", "employer", "start_date", "end_date", "status"]
    list_filter = ["programme", "status"]
    search_fields = ["participant_name", "registration_number"]
    list_select_related = ["programme", "employer"]
    show_full_result_count = False


@admin.register(FundingClaim, site=admin_site)
class FundingClaimAdmin(ReadOnlyAdmin):
    list_display = ["pk", "employer", "period_start", "period_end", "total"]
    list_select_related = ["employer"]
