from django.urls import path

from accounts.replicas import replica_reads

from . import views

app_name = "training"
urlpatterns = [
    path("", views.cohort, name="cohort"),
    path("programmes/", views.programmes, name="programmes"),
    path("enrol/", views.enrol, name="enrol"),
    path("me/", views.my_programme, name="my_programme"),
    path("journey/", views.journey_page, name="journey"),
    path("national/", replica_reads(views.national), name="national"),
    path("funding/", views.claims, name="claims"),
    path("funding/<int:pk>/", views.claim, name="claim"),
    path("funding/<int:pk>/csv/", views.claim_csv, name="claim_csv"),
    path("funding/<int:pk>/pdf/", views.claim_pdf, name="claim_pdf"),
    path("<int:pk>/", views.enrolment, name="enrolment"),
    path("<int:pk>/done/<slug:step>/", views.done, name="done"),
    path("<int:pk>/learning-agreement/", views.learning_agreement, name="learning_agreement"),
    path("<int:pk>/supervision/", views.supervision, name="supervision"),
    path("<int:pk>/protected-time/", views.protected_time, name="protected_time"),
    path("<int:pk>/caseload/", views.caseload, name="caseload"),
    path("<int:pk>/evidence/", views.evidence, name="evidence"),
    path("<int:pk>/evidence/<int:evidence_pk>/file/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/pause/", views.pause, name="pause"),
    path("<int:pk>/early-completion/", views.early_completion, name="early_completion"),
    path("<int:pk>/review-window/", views.review_window_exception, name="review_window_exception"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/moderation/", views.moderation, name="moderation"),
    path("<int:pk>/external-moderation/", views.external_moderation, name="external_moderation"),
    path("<int:pk>/reviews/<slug:point>/", views.review, name="review"),
]
