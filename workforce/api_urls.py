from django.urls import path

from accounts.api import IdRouter

from . import api

router = IdRouter()
router.register("workforce/returns", api.WorkforceReturnViewSet, basename="workforce-return")

urlpatterns = [
    path("workforce/published/", api.PublishedStatisticsView.as_view(), name="workforce-published"),
    path("workforce/report/", api.NationalReportView.as_view(), name="workforce-report"),
    path("workforce/units/<str:code>/report/", api.UnitReportView.as_view(), name="workforce-unit-report"),
    *router.urls,
]
