"""Course approval's place in the navigation and on course leads' and regulator staff's home pages."""

from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from accounts import rules as account_rules
from accounts.home import DUE, NONE, OVERDUE, WAITING, HomeSection, Task, register_home_section, register_nav

# "Approved courses" is in every page's footer, for everyone.
register_nav(
    "Your courses", "courses:provider_home", allowed=account_rules.is_course_lead, order=20, roles=("course_lead",)
)
register_nav("Courses", "courses:queue", allowed=account_rules.is_regulator_staff, order=22)


def course_lead_section(user):
    from . import selectors
    from .models import CourseApplication

    if not account_rules.is_course_lead(user):
        return None
    work = selectors.lead_home_work(user)
    tasks = []
    today = timezone.localdate()
    for application in work["applications"]:
        if application.status == CourseApplication.Status.MORE_INFORMATION:
            request = application.open_requests[0] if application.open_requests else None
            tasks.append(
                Task(
                    f"Answer the regulator: {application.course.title}",
                    reverse("courses:application_respond", args=[application.pk]),
                    f"Answer by {request.due_on:%-d %B %Y}." if request else "",
                    "Action needed",
                    urgency=OVERDUE if request and request.due_on < today else DUE,
                )
            )
        elif application.status == CourseApplication.Status.DRAFT:
            tasks.append(
                Task(
                    f"Finish your application: {application.course.title}",
                    reverse("courses:application_detail", args=[application.pk]),
                    "Saved as a draft. Check your answers and send it.",
                    "Draft",
                    urgency=WAITING,
                )
            )
        else:
            tasks.append(
                Task(
                    application.course.title,
                    reverse("courses:application_detail", args=[application.pk]),
                    f"{application.get_kind_display()} application.",
                    application.get_status_display(),
                )
            )
    for condition in work["conditions"]:
        tasks.append(
            Task(
                f"Meet a condition: {condition.course.title}",
                reverse("courses:condition_respond", args=[condition.pk]),
                f"Due by {condition.due_on:%-d %B %Y}.",
                "Overdue" if condition.is_overdue(today) else "To do",
                urgency=OVERDUE if condition.is_overdue(today) else DUE,
            )
        )
    for monitoring in work["returns"]:
        tasks.append(
            Task(
                f"Send annual monitoring: {monitoring.course.title}",
                reverse("courses:monitoring_detail", args=[monitoring.pk]),
                f"Due by {monitoring.due_on:%-d %B %Y}.",
                "Overdue" if monitoring.due_on < today else "Not sent",
                urgency=OVERDUE if monitoring.due_on < today else DUE,
            )
        )
    tasks.append(Task("Your courses", reverse("courses:provider_home"), "Details, applications and their status."))
    organisations = user.organisations_for("course_lead")
    if len(organisations) > 1:
        tasks.append(
            Task("Change provider", reverse("courses:provider_choose"), "Choose which provider you are working for.")
        )
    where = ", ".join(sorted(o.name for o in organisations))
    return HomeSection(f"Course approval at {where}", tasks, role="course_lead")


def regulator_section(user):
    from django.db.models import Count, Q

    from .models import Course, CourseApplication, MonitoringReturn

    if not account_rules.is_regulator_staff(user):
        return None
    # One query for both counts keeps the home page's cost fixed.
    counts = Course.objects.aggregate(
        applications=Count("applications", filter=Q(applications__status__in=CourseApplication.OPEN), distinct=True),
        returns=Count(
            "monitoring_returns",
            filter=Q(monitoring_returns__status=MonitoringReturn.Status.SUBMITTED),
            distinct=True,
        ),
    )
    waiting, returns = counts["applications"], counts["returns"]
    from . import selectors

    unmatched = selectors.unmatched_register_applications().count()
    return HomeSection(
        "Course approval",
        [
            Task(
                "Course applications and monitoring returns",
                reverse("courses:queue"),
                "Oldest first, with their age.",
                f"{waiting} application{pluralize(waiting)}, {returns} return{pluralize(returns)}",
                urgency=DUE if waiting or returns else NONE,
            ),
            Task(
                "Register applications to match to a course",
                reverse("courses:unmatched"),
                "People whose course was not on the list.",
                f"{unmatched} to match",
                urgency=WAITING if unmatched else NONE,
            ),
            Task("Course figures", reverse("courses:figures"), "Approved courses over time, outcomes and places."),
        ],
        role="regulator_staff",
    )


register_home_section(course_lead_section, order=15)
register_home_section(regulator_section, order=12)
