"""Regulator staff can read every register record in the admin; changes go through the pages and services."""

from django.contrib import admin

from accounts.admin import NoDeleteAdmin, admin_site
from accounts.pagination import IdsFirstPaginator

from .models import (
    Annotation,
    Application,
    Condition,
    CPDRecord,
    Employment,
    FitnessToPractiseCase,
    Order,
    RegisterEntry,
    StatusChange,
)


class ReadOnlyRegisterAdmin(NoDeleteAdmin):
    """Statuses, orders and decisions have guards and history; the admin shows them but never edits around them.
    Lists of the whole register's records are paged by their ids first (``IdsFirstPaginator``)."""

    paginator = IdsFirstPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RegisterEntry, site=admin_site)
class RegisterEntryAdmin(ReadOnlyRegisterAdmin):
    list_display = ["registration_number", "first_name", "last_name", "status", "registered_until"]
    list_filter = ["status"]
    search_fields = ["registration_number", "surname_key", "email"]
    show_full_result_count = False


for model, columns in [
    (Application, ["__str__", "status", "submitted_at"]),
    (StatusChange, ["entry", "from_status", "to_status", "changed_at"]),
    (CPDRecord, ["title", "entry", "activity_date"]),
    (Employment, ["entry", "employer", "started_on", "ended_on"]),
    (FitnessToPractiseCase, ["__str__", "entry", "stage", "received_on"]),
    (Order, ["__str__", "entry", "status", "expires_on"]),
    (Condition, ["__str__", "entry", "starts_on", "ends_on"]),
    (Annotation, ["__str__", "entry", "starts_on", "ends_on"]),
]:
    admin_site.register(
        model,
        type(
            f"{model.__name__}Admin", (ReadOnlyRegisterAdmin,), {"list_display": columns, "list_select_related": True}
        ),
    )
