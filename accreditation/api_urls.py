from django.urls import include, path

from accounts.api import IdRouter

from . import api
from .api import certification
from .api import observation as obs_api

router = IdRouter()
router.register("candidates", api.CandidateViewSet, basename="accreditation-candidate")
router.register("tests", api.AttemptViewSet, basename="accreditation-test")
router.register("items", api.ItemViewSet, basename="accreditation-item")
router.register("accreditations", certification.AccreditationViewSet, basename="accreditation-accreditation")

urlpatterns = [
    path("standards/", api.StandardsView.as_view(), name="accreditation-standards"),
    path("standards/<str:level>/revise/", api.StandardReviseView.as_view(), name="accreditation-standard-revise"),
    path("settings/", api.SettingsView.as_view(), name="accreditation-settings"),
    path("settings/<str:level>/", api.SettingsChangeView.as_view(), name="accreditation-settings-change"),
    path("pathway/", api.PathwayView.as_view(), name="accreditation-pathway"),
    path("pipeline/", api.PipelineView.as_view(), name="accreditation-pipeline"),
    path("statistics/", api.StatisticsView.as_view(), name="accreditation-statistics"),
    path(
        "candidates/<int:pk>/sessions/",
        obs_api.CandidateSessionsView.as_view(),
        name="accreditation-candidate-sessions",
    ),
    path("bookings/<int:pk>/cancel/", obs_api.CancelBookingView.as_view(), name="accreditation-booking-cancel"),
    path("bookings/<int:pk>/check-in/", obs_api.CheckInView.as_view(), name="accreditation-booking-check-in"),
    path("scoresheets/", obs_api.AssessorScoresheetsView.as_view(), name="accreditation-scoresheets"),
    path("scoresheets/<int:pk>/", obs_api.ScoresheetView.as_view(), name="accreditation-scoresheet"),
    path("scoresheets/<int:pk>/submit/", obs_api.SubmitScoresView.as_view(), name="accreditation-scoresheet-submit"),
    path("moderation/", obs_api.ModerationView.as_view(), name="accreditation-moderation"),
    path("moderation/<int:pk>/resolve/", obs_api.ResolveView.as_view(), name="accreditation-moderation-resolve"),
    path("calibration/", obs_api.CalibrationView.as_view(), name="accreditation-calibration"),
    path("decisions/", certification.DecisionsView.as_view(), name="accreditation-decisions"),
    path("decisions/<int:pk>/confirm/", certification.ConfirmView.as_view(), name="accreditation-confirm"),
    path("certificate-batches/", certification.CertificateBatchView.as_view(), name="accreditation-certificate-batch"),
    path(
        "credential-reissues/", certification.CredentialReissueView.as_view(), name="accreditation-credential-reissue"
    ),
    path("verify/", certification.VerifyCredentialView.as_view(), name="accreditation-verify-credential"),
    path("verify/<str:code>/", certification.VerifyCodeView.as_view(), name="accreditation-verify-code"),
    path("", include(router.urls)),
]
