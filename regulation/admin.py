"""Regulator staff can read every register record in the admin; statuses, orders and decisions have guards and
history, so changes go through the pages and services."""

from django.contrib import admin

from accounts.admin import ReadOnlyAdmin, admin_site

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


@admin.register(RegisterEntry, site=admin_site)
class RegisterEntryAdmin(ReadOnlyAdmin):
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
        type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": columns, "list_select_related": True}),
    )
