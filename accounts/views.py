from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from . import health, metrics, selectors, services
from .forms import AuditExportForm, ProfileForm, ReminderSettingsForm, posted
from .home import home_for
from .jobs import start_job, status_payload
from .models import AuditEvent, Job, TurnedOffReminder
from .notifications import reminder_events


def home(request):
    if not request.user.is_authenticated:
        return render(request, "accounts/start.html", {"page_title": "Start"})
    home = home_for(request.user)
    return render(
        request,
        "accounts/home.html",
        {
            "page_title": home.title,
            "home": home,
            "sections": home.sections,
            "memberships": request.user.active_memberships,
        },
    )


@login_required
def account_settings(request):
    form = ProfileForm(
        posted(request),
        initial={
            "first_name": request.user.first_name,
            "last_name": request.user.last_name,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=request.user, by=request.user, **form.cleaned_data)
        messages.success(request, "Your name has been saved.")
        return redirect("account_settings")
    from allauth.mfa.models import Authenticator

    kinds = set(Authenticator.objects.filter(user=request.user).values_list("type", flat=True))
    return render(
        request,
        "accounts/account_settings.html",
        {
            "form": form,
            "page_title": "Your account",
            "has_totp": Authenticator.Type.TOTP in kinds,
            "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in kinds,
        },
    )


def _get_job(request, pk):
    return get_object_or_404(Job, pk=pk)


@never_cache
@login_required
@permission_required("accounts.view_job", fn=_get_job, raise_exception=True)
def job_detail(request, pk):
    job = _get_job(request, pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(status_payload(job))
    return render(request, "accounts/job_detail.html", {"job": job, "page_title": job.title})


@login_required
@permission_required("accounts.view_job", fn=_get_job, raise_exception=True)
def job_download(request, pk):
    job = _get_job(request, pk)
    if job.status != Job.Status.SUCCEEDED or not job.result_file:
        raise Http404("This file is not ready.")
    return FileResponse(
        job.result_file.open("rb"),
        as_attachment=True,
        filename=job.result_filename,
        content_type=job.result_content_type or "application/octet-stream",
    )


@login_required
@permission_required("accounts.view_auditevent", raise_exception=True)
def audit_log(request):
    form = AuditExportForm(posted(request))
    if request.method == "POST" and form.is_valid():
        since = form.cleaned_data["since"]
        job = start_job(
            kind="audit_export",
            title="Audit log download",
            by=request.user,
            params={"since": since.isoformat() if since else ""},
        )
        return redirect("job_detail", pk=job.pk)
    events = AuditEvent.objects.select_related("content_type", "actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"page": page, "form": form, "page_title": "Audit log"})


def _get_history_object(app_label, model, pk):
    try:
        content_type = ContentType.objects.get(app_label=app_label, model=model)
        model_class = content_type.model_class()
        return model_class._default_manager.get(pk=pk) if model_class is not None else None
    except (ContentType.DoesNotExist, ObjectDoesNotExist, ValueError, ValidationError):
        return None


@never_cache
@login_required
def record_history(request, app_label, model, pk):
    """A record that does not exist and one the person may not see answer alike (404), so the page cannot be
    used to learn which records exist."""
    obj = _get_history_object(app_label, model, pk)
    if obj is None or not request.user.has_perm("accounts.view_history", obj):
        raise Http404("No history to show.")
    events = selectors.history_for(obj, request.user)
    return render(
        request,
        "accounts/history.html",
        {
            "record": obj,
            "events": events,
            "show_reasons": request.user.has_perm("accounts.view_history_reasons", obj),
            # What was sent about a record, and to whom, is for regulator staff (recipients' addresses).
            "messages_sent": selectors.messages_about(obj) if request.user.has_role("regulator_staff") else None,
            "page_title": f"History of {obj}",
            "record_type": obj._meta.verbose_name,
        },
    )


def accessibility(request):
    return render(request, "accounts/accessibility.html", {"page_title": "Accessibility statement"})


def privacy(request):
    return render(request, "accounts/privacy.html", {"page_title": "Privacy notice"})


@require_GET
@never_cache
def healthz_live(request):
    """Liveness: the process answers. Nothing else is consulted, so a restart is never ordered for a fault that a
    restart cannot mend (a database or broker that is down)."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def metrics_view(request):
    """Prometheus metrics for this node; refused (403) unless the request may scrape (accounts.metrics)."""
    if not metrics.may_scrape(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


def healthz(request):
    """Readiness, for a load balancer: 503 only when this node cannot serve pages (no database, no storage). The
    broker is reported in ``checks`` but does not take the node out: while it is down every page still works and
    background work waits in the database (the outbox) until it is back. Nor does a standby: reads fall back to the
    primary without it."""
    checks = health.node_checks()
    ready = checks["database"] == "ok" and checks["storage"] == "ok"
    status = "unavailable" if not ready else "ok" if checks["broker"] == "ok" else "degraded"
    return JsonResponse(
        {"status": status, "checks": checks, "environment": settings.ENVIRONMENT}, status=200 if ready else 503
    )


@login_required
@permission_required("accounts.view_service_health", raise_exception=True)
@never_cache
def service_health(request):
    return render(
        request,
        "accounts/service_health.html",
        {
            "page_title": "Service health",
            "checks": health.node_checks(),
            "replica": health.replica_report(),
            "node": health.node_name(),
        },
    )


def forbidden(request, exception=None):
    return render(request, "403.html", {"page_title": "You cannot see this page"}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", {"page_title": "Page not found"}, status=404)


def server_error(request):
    return render(request, "500.html", {"page_title": "Sorry, there is a problem with the service"}, status=500)


@login_required
def my_messages(request):
    page = Paginator(
        selectors.messages_for(request.user).only("pk", "subject", "created_at", "sent_at", "status", "event"), 25
    ).get_page(request.GET.get("page"))
    return render(request, "accounts/messages.html", {"page_title": "Your messages", "page": page})


@login_required
def my_message(request, pk):
    # Someone else's message and one that does not exist answer alike.
    message = get_object_or_404(selectors.messages_for(request.user), pk=pk)
    return render(request, "accounts/message.html", {"page_title": message.subject, "message": message})


@login_required
def message_settings(request):
    reminders = reminder_events()
    turned_off = set(TurnedOffReminder.objects.filter(user=request.user).values_list("event", flat=True))
    form = ReminderSettingsForm(
        posted(request),
        reminders=reminders,
        initial={"wanted": [e.template for e in reminders if e.template not in turned_off]},
    )
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["wanted"])
        services.set_turned_off_reminders(
            user=request.user, events={e.template for e in reminders} - wanted, by=request.user
        )
        messages.success(request, "Your choice of reminders has been saved.")
        return redirect("my_messages")
    return render(request, "accounts/message_settings.html", {"page_title": "Choose your reminders", "form": form})
