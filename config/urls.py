from django.urls import include, path
from django.utils.module_loading import autodiscover_modules
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from accounts.admin import admin_site

# The project's admin site is its own (SimpleAdminConfig discovers nothing): each app's admin module registers
# its models with it when imported.
autodiscover_modules("admin", register_to=admin_site)

router = accounts_api.IdRootRouter()
router.register("organisations", accounts_api.OrganisationViewSet, basename="organisation")
router.register("jobs", accounts_api.JobViewSet, basename="job")

api_urlpatterns = [
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("", include("regulation.api_urls")),
    path("", include("workforce.api_urls")),
    path("accreditation/", include("accreditation.api_urls")),
    path("", include("training.api_urls")),
    path("", include("regulation.courses.api_urls")),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin_site.urls),
    path("register/transfer/", include("regulation.transfer.urls")),
    path("register/", include("regulation.urls")),
    path("workforce/", include("workforce.urls")),
    path("accreditation/", include("accreditation.urls")),
    path("", include("accreditation.public_urls")),
    path("early-career/", include("training.urls")),
    path("courses/", include("regulation.courses.urls")),
    path("api/v1/", include(api_urlpatterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

handler403 = "accounts.views.forbidden"
handler404 = "accounts.views.not_found"
handler500 = "accounts.views.server_error"
