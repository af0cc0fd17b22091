from django.urls import include, path

from accounts.api import IdRouter
from accounts.replicas import replica_reads

from . import api

router = IdRouter()
router.register("register/entries", api.RegisterEntryViewSet, basename="register-entry")
router.register("register/applications", api.ApplicationViewSet, basename="register-application")
router.register("register/cases", api.CaseViewSet, basename="register-case")

urlpatterns = [
    path("register/public/", replica_reads(api.PublicSearchView.as_view()), name="register-public-search"),
    path(
        "register/public/bulk/",
        replica_reads(api.PublicBulkLookupView.as_view(), read_only_post=True),
        name="register-public-bulk",
    ),
    path("register/entries/<int:pk>/cpd/", api.EntryCPDView.as_view(), name="register-entry-cpd"),
    path("register/entries/<int:pk>/renew/", api.EntryRenewView.as_view(), name="register-entry-renew"),
    path(
        "register/entries/<int:pk>/direct-work/", api.EntryDirectWorkView.as_view(), name="register-entry-direct-work"
    ),
    path(
        "register/entries/<int:pk>/employments/", api.EntryEmploymentView.as_view(), name="register-entry-employments"
    ),
    path("register/entries/<int:pk>/conditions/", api.EntryConditionView.as_view(), name="register-entry-conditions"),
    path(
        "register/entries/<int:pk>/annotations/", api.EntryAnnotationView.as_view(), name="register-entry-annotations"
    ),
    path(
        "register/employments/<int:pk>/confirm/",
        api.EmploymentConfirmView.as_view(),
        name="register-employment-confirm",
    ),
    path("register/employments/<int:pk>/end/", api.EmploymentEndView.as_view(), name="register-employment-end"),
    path("register/orders/<int:pk>/revoke/", api.OrderRevokeView.as_view(), name="register-order-revoke"),
    path("register/conditions/<int:pk>/revoke/", api.ConditionRevokeView.as_view(), name="register-condition-revoke"),
    path("register/annotations/<int:pk>/end/", api.AnnotationEndView.as_view(), name="register-annotation-end"),
    path("", include(router.urls)),
]
