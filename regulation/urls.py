from django.urls import path

from accounts.replicas import replica_reads

from . import views

app_name = "regulation"
urlpatterns = [
    # The public
    path("check/", replica_reads(views.check_register), name="check"),
    path("check/bulk/", replica_reads(views.bulk_lookup, read_only_post=True), name="bulk_lookup"),
    # Social workers
    path("apply/", views.apply, name="apply"),
    path("apply/check/", views.apply_check, name="apply_check"),
    path("application/", views.my_application, name="my_application"),
    path("application/sent/", views.application_sent, name="application_sent"),
    path("application/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/documents/<int:doc_pk>/", views.application_document, name="application_document"),
    path("me/", views.my_registration, name="my_registration"),
    path("me/cpd/", views.cpd, name="cpd"),
    path("me/cpd/<int:pk>/change/", views.cpd_edit, name="cpd_edit"),
    path("me/cpd/<int:pk>/delete/", views.cpd_delete, name="cpd_delete"),
    path("me/proof/", views.proof_pdf, name="proof_pdf"),
    path("me/renew/", views.renew, name="renew"),
    path("me/direct-work/", views.direct_work, name="direct_work"),
    path("me/employment/", views.employment, name="employment"),
    # Employers
    path("staff/", views.employer_staff, name="employer_staff"),
    path("employment/<int:pk>/confirm/", views.employment_confirm, name="employment_confirm"),
    path("employment/<int:pk>/end/", views.employment_end, name="employment_end"),
    # Regulator staff
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application_review, name="application_review"),
    path("entries/", views.entries, name="entries"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/annotations/add/", views.annotation_add, name="annotation_add"),
    path("entries/<int:pk>/conditions/add/", views.condition_add, name="condition_add"),
    path("entries/<int:pk>/cases/add/", views.case_add, name="case_add"),
    path("entries/<int:pk>/voluntary-removal/", views.voluntary_removal, name="voluntary_removal"),
    path("annotations/<int:pk>/end/", views.annotation_end, name="annotation_end"),
    path("conditions/<int:pk>/revoke/", views.condition_revoke, name="condition_revoke"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("orders/<int:pk>/revoke/", views.order_revoke, name="order_revoke"),
]
