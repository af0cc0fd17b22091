from django.conf import settings

from .home import nav_links


def service(request):
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "nav_items": nav_links(user, request.path) if user is not None and user.is_authenticated else [],
        "demo_mode": settings.DEMO_MODE,
    }
