from django.urls import path

from accounts.replicas import replica_reads

from . import views

app_name = "workforce"
urlpatterns = [
    path("", views.returns, name="returns"),
    path("returns/new/", views.return_new, name="return_new"),
    path("returns/upload/", views.upload, name="upload"),
    path("returns/<int:pk>/", views.return_detail, name="return_detail"),
    path("returns/<int:pk>/edit/", views.return_edit, name="return_edit"),
    path("returns/<int:pk>/versions/", views.return_versions, name="return_versions"),
    path("report/", replica_reads(views.report), name="report"),
    path("report/download.<str:kind>", replica_reads(views.report_download), name="report_download"),
    path("report/pdf/", views.report_pdf, name="report_pdf"),
    path("forecast/", views.forecast, name="forecast"),
    path("authorities/", views.authorities, name="authorities"),
    path("statistics/", replica_reads(views.statistics), name="statistics"),
    path("statistics/download.csv", replica_reads(views.statistics_csv), name="statistics_csv"),
    path("statistics/data-guidance.txt", views.statistics_metadata, name="statistics_metadata"),
]
