from django.urls import include, path

from accounts.api import IdRouter
from accounts.replicas import replica_reads

from . import api

router = IdRouter()
router.register("training/programmes", api.ProgrammeViewSet, basename="training-programme")
router.register("training/enrolments", api.EnrolmentViewSet, basename="training-enrolment")
router.register("training/funding-claims", api.FundingClaimViewSet, basename="training-funding-claim")

urlpatterns = [
    path(
        "training/national-figures/", replica_reads(api.NationalFiguresView.as_view()), name="training-national-figures"
    ),
    path("training/journey/", api.JourneyView.as_view(), name="training-journey"),
    path("training/enrolments/<int:pk>/evidence-items/", api.EvidenceListView.as_view(), name="training-evidence"),
    path("training/evidence/<int:pk>/file/", api.EvidenceFileView.as_view(), name="training-evidence-file"),
    path("", include(router.urls)),
]
