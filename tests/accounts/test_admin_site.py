"""The administration: every app's models are there for regulator staff to read, and regulated records cannot be
added, changed or deleted around the service's rules (the apps' admin modules had never been loaded)."""

import io

import pytest
from django.core.management import call_command
from django.urls import get_resolver

from accounts.admin import admin_site
from accounts.models import Role, User
from tests.factories import LocalAuthorityFactory, MembershipFactory, make_user

pytestmark = pytest.mark.django_db

# What regulator staff may do in these apps' admin besides reading: nothing (the services keep the rules).
EDITABLE: dict[str, set[str]] = {}
APPS = ("regulation", "training", "workforce")


def _registered(app: str) -> list:
    get_resolver().url_patterns  # noqa: B018  the URLconf, which loads every app's admin module
    return sorted((m for m in admin_site._registry if m._meta.app_label == app), key=lambda m: m._meta.label)


def test_every_apps_admin_module_is_loaded():
    for app in APPS:
        assert _registered(app), f"{app}: no model in the administration"


def test_regulator_staff_read_every_record_and_change_only_what_is_allowed(client):
    call_command("seed_demo", "--demo", "--quiet-users", stdout=io.StringIO())
    staff = User.objects.get(email="regulator@example.com")
    # Also a co-ordinator somewhere, who may enrol and claim on the pages: never around the service, here.
    MembershipFactory(user=staff, role=Role.LINE_MANAGER, organisation=LocalAuthorityFactory())
    assert staff.has_perm("training.add_enrolment")
    client.force_login(staff)
    for app in APPS:
        for model in _registered(app):
            label, meta = model._meta.label, model._meta
            base = f"/admin/{meta.app_label}/{meta.model_name}/"
            listing = client.get(base)
            assert listing.status_code == 200, label
            allowed = EDITABLE.get(label, set())
            assert (client.get(f"{base}add/").status_code == 200) == ("add" in allowed), label
            record = model.objects.order_by("pk").first()
            if record is None:
                continue
            page = client.get(f"{base}{record.pk}/change/")
            assert page.status_code == 200, label
            assert ('name="_save"' in page.content.decode()) == ("change" in allowed), label
            assert client.post(f"{base}{record.pk}/delete/", {"post": "yes"}).status_code == 403, label
            assert model.objects.filter(pk=record.pk).exists(), label


def test_the_index_lists_every_app_and_model_for_regulator_staff(client):
    """The administration's front page and each app's page link to every model (an app is listed only for those
    holding the permission named after it)."""
    staff = make_user(Role.REGULATOR_STAFF)
    client.force_login(staff)
    index = client.get("/admin/").content.decode()
    assert "have permission to view or edit anything" not in index
    for app in ("accounts", *APPS):
        # Jobs are each their owner's: listed for nobody as a whole.
        models = [m for m in _registered(app) if staff.has_perm(f"{app}.view_{m._meta.model_name}")]
        assert app == "accounts" or models == _registered(app), app
        app_page = client.get(f"/admin/{app}/")
        assert app_page.status_code == 200, app
        for model in models:
            listing = f'href="/admin/{app}/{model._meta.model_name}/"'
            assert listing in index and listing in app_page.content.decode(), model._meta.label


def test_people_other_than_regulator_staff_are_kept_out(client):
    call_command("seed_demo", "--demo", "--quiet-users", stdout=io.StringIO())
    coordinator = make_user(Role.LINE_MANAGER)
    client.force_login(coordinator)
    assert client.get("/admin/training/enrolment/").status_code == 403
    assert client.get("/admin/regulation/registerentry/").status_code == 403
