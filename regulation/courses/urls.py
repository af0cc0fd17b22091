from django.urls import path

from accounts.replicas import replica_reads

from . import views

app_name = "courses"
urlpatterns = [
    # The public
    path("", replica_reads(views.public_list), name="public_list"),
    path("approved.csv", replica_reads(views.public_csv), name="public_csv"),
    # Course leads
    path("provider/", views.provider_home, name="provider_home"),
    path("provider/choose/", views.provider_choose, name="provider_choose"),
    path("provider/details/", views.provider_edit, name="provider_edit"),
    path("provider/courses/add/", views.course_add, name="course_add"),
    path("<int:pk>/", views.course_detail, name="course_detail"),
    path("<int:pk>/change/", views.course_edit, name="course_edit"),
    path("<int:pk>/apply/", views.application_start, name="application_start"),
    path("<int:pk>/history/", views.course_history, name="course_history"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/standards/<str:standard>/", views.evidence_edit, name="evidence_edit"),
    path("applications/<int:pk>/check/", views.check_answers, name="check_answers"),
    path("applications/<int:pk>/sent/", views.application_sent, name="application_sent"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/withdrawn/", views.application_withdrawn, name="application_withdrawn"),
    path("inspections/<int:pk>/report/", views.inspection_report_download, name="inspection_report_download"),
    path("applications/<int:pk>/respond/", views.application_respond, name="application_respond"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
    path("conditions/<int:pk>/respond/", views.condition_respond, name="condition_respond"),
    path("conditions/<int:pk>/evidence/", views.condition_evidence_download, name="condition_evidence_download"),
    path("monitoring/<int:pk>/", views.monitoring_detail, name="monitoring_detail"),
    # Regulator staff
    path("queue/", views.queue, name="queue"),
    path("figures/", views.figures, name="figures"),
    path("figures.csv", replica_reads(views.figures_csv), name="figures_csv"),
    path("figures.xlsx", views.figures_xlsx, name="figures_xlsx"),
    path("figures.pdf", views.figures_pdf, name="figures_pdf"),
    path("register-matching/", views.unmatched_courses, name="unmatched"),
    path("register-matching/<int:pk>/", views.match_course, name="match_course"),
    path("applications/<int:pk>/assign/", views.application_assign, name="application_assign"),
    path("applications/<int:pk>/review/<str:standard>/", views.standard_review, name="standard_review"),
    path("applications/<int:pk>/request-information/", views.request_information, name="request_information"),
    path("applications/<int:pk>/inspection/", views.inspection_record, name="inspection_record"),
    path("applications/<int:pk>/inspection-exemption/", views.inspection_exemption, name="inspection_exemption"),
    path("applications/<int:pk>/decision/", views.decision, name="decision"),
    path("conditions/<int:pk>/decide/", views.condition_decide, name="condition_decide"),
    path("<int:pk>/monitoring/open/", views.monitoring_open, name="monitoring_open"),
    path("<int:pk>/end-approval/", views.end_approval, name="end_approval"),
]
