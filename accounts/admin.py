"""Django admin for regulator staff, guarded by the same rules as the pages."""

from functools import update_wrapper
from urllib.parse import urlencode

import rules
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from rest_framework.authtoken.admin import TokenAdmin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from .api_tokens import revoke_api_token
from .models import ApiToken, AuditEvent, Job, Membership, Organisation, OrganisationCode, Region, User
from .pagination import IdsFirstPaginator
from .services import record_event


class RegulatorAdminSite(admin.AdminSite):
    site_header = "Social work accreditation: administration"
    site_title = "Administration"
    index_title = "Records"

    def has_permission(self, request):
        return request.user.is_active and rules.has_perm("accounts.access_admin", request.user)

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied("Administration is for regulator staff.")
            return guarded(request, *args, **kwargs)

        return update_wrapper(inner, guarded)

    def login(self, request, extra_context=None):
        # One way to sign in (allauth, with MFA); the admin never shows its own password form.
        if request.user.is_authenticated:
            raise PermissionDenied("Administration is for regulator staff.")
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


class MembershipInline(admin.StackedInline):  # a table's unlabelled columns fail axe's empty-table-header
    model = Membership
    extra = 0
    fields = ["organisation", "role", "started_on", "ended_on"]
    autocomplete_fields = ["organisation"]
    can_delete = False

    def has_delete_permission(self, request, obj=None):
        return False


class NoDeleteAdmin(ObjectPermissionsModelAdmin):
    """Regulated records are ended or closed, never deleted; every change made here goes into the audit trail."""

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changed = {name: str(form.cleaned_data.get(name)) for name in form.changed_data if "password" not in name}
            record_event(obj, "changed_by_admin" if change else "created_by_admin", by=request.user, changes=changed)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            instances = formset.save()
            for instance in instances:
                record_event(
                    form.instance,
                    f"{instance._meta.model_name}_saved_by_admin",
                    by=request.user,
                    changes={"record": str(instance)},
                )


class ReadOnlyAdmin(NoDeleteAdmin):
    """Records the services keep (their rules, history and audit trail): the admin shows them and never adds or
    changes one, whatever else the person may do on the pages. Long lists are paged by their ids first."""

    paginator = IdsFirstPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class UserAdmin(NoDeleteAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    list_filter = ["is_active", "memberships__role"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Status", {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]


class OrganisationCodeInline(admin.StackedInline):  # as MembershipInline
    model = OrganisationCode
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


class OrganisationAdmin(NoDeleteAdmin):
    list_display = ["name", "kind", "la_number", "region", "is_active"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["name", "la_number", "ons_codes__ons_code"]
    inlines = [OrganisationCodeInline]


class AuditEventAdmin(ObjectPermissionsModelAdmin):
    list_display = ["occurred_at", "actor_label", "action", "object_repr", "from_state", "to_state"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_label", "object_repr", "reason"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JobAdmin(NoDeleteAdmin):
    list_display = ["title", "kind", "status", "progress", "created_by", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False


class ApiTokenAdmin(TokenAdmin):
    """Who holds an API token and since when, never its key: whoever reads a key can act as its holder through the
    API. Only its holder makes one (on their account page, ``api_tokens``); staff may revoke it here (a key
    leaked, a system retired), which is recorded in the holder's history as revoked by them."""

    list_display = ("user", "holder_email", "created")
    fields = ("user", "holder_email", "created")
    readonly_fields = ("user", "holder_email", "created")
    search_help_text = None  # as the other lists: with one, axe finds the search box labelled by its hint alone

    @admin.display(description="Email address", ordering="user__email")
    def holder_email(self, token) -> str:
        return token.user.email

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        revoke_api_token(user=obj.user, by=request.user)


admin_site = RegulatorAdminSite(name="admin")
admin_site.register(User, UserAdmin)
admin_site.register(Organisation, OrganisationAdmin)
admin_site.register(Region, NoDeleteAdmin)
admin_site.register(AuditEvent, AuditEventAdmin)
admin_site.register(Job, JobAdmin)
admin_site.register(ApiToken, ApiTokenAdmin)
