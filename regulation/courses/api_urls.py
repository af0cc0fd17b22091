from django.urls import path

from accounts.replicas import replica_reads

from . import api

urlpatterns = [
    path("courses/", replica_reads(api.PublicCourseList.as_view()), name="api-courses"),
    path(
        "courses/applications/<int:pk>/withdraw/",
        api.WithdrawApplication.as_view(),
        name="api-course-application-withdraw",
    ),
    path(
        "courses/applications/<int:pk>/inspection-exemption/",
        api.ExemptFromInspection.as_view(),
        name="api-course-inspection-exemption",
    ),
    path("courses/figures/", api.CourseFigures.as_view(), name="api-course-figures"),
    path("courses/register-matching/", api.UnmatchedRegisterApplications.as_view(), name="api-course-unmatched"),
    path("courses/register-matching/<int:pk>/", api.MatchRegisterCourse.as_view(), name="api-course-match"),
]
